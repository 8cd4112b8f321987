/**
 * Appends a turn, merging it into the last one when both have the same role
 * (Anthropic and Converse want the roles to alternate); empty content adds nothing.
 */
export function mergeTurn<Role extends string, Block>(
  turns: { role: Role; content: Block[] }[],
  role: Role,
  content: Block[],
): void {
  if (content.length === 0) return;
  const last = turns.at(-1);
  if (last && last.role === role) last.content.push(...content);
  else turns.push({ role, content });
}
