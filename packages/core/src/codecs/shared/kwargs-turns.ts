/**
 * Alternating turns of a request's kwargs (Anthropic's Messages, Bedrock's
 * Converse) → blueprint messages, the way PromptLayer's server rebuilds them.
 */
import type { z } from "zod";
import type { Content } from "../../schemas/content.js";
import type { Message } from "../../schemas/message.js";
import type { ToolCall } from "../../schemas/tools.js";

/** The empty defaults PromptLayer's server puts on every message it rebuilds from kwargs (contract §3.2). */
export function serverFields(role: string) {
  return {
    raw_request_display_role: role,
    input_variables: [],
    template_format: "f-string" as const,
    dataset_examples: [],
    name: null,
  };
}

/** The system prompt's content as one system message, or none when it is empty. */
export function systemMessages(content: Content[]): Message[] {
  return content.length === 0 ? [] : [{ role: "system", content, ...serverFields("system") }];
}

/** What one block of a user turn is: a tool result, or blueprint content (none for a block left out). */
export type UserTurnBlock = { toolResult: { content: Content[]; toolCallId: string } } | { content: Content[] };

/** How one provider's turns read (`TurnContent`: a turn's content as its schema parses it). */
export interface KwargsTurnsReader<TurnContent> {
  /** A turn's schema: an entry it refuses is not a turn, and is left out. */
  turnSchema: z.ZodType<{ role: string; content?: TurnContent }>;
  /** An assistant turn's content → blueprint blocks and tool calls. */
  assistant(content: TurnContent | undefined): { content: Content[]; toolCalls: ToolCall[] };
  /** A user turn's content → its blocks. */
  userBlocks(content: TurnContent | undefined): readonly unknown[];
  /** One block of a user turn, or undefined to skip it. */
  userBlock(raw: unknown): UserTurnBlock | undefined;
}

/**
 * Request turns → blueprint messages: a user turn's tool results become tool
 * messages in place (so results stay ahead of the words that follow them), an
 * assistant turn's tool calls its `tool_calls`.
 */
export function convertFromKwargsTurns<TurnContent>(messages: unknown, reader: KwargsTurnsReader<TurnContent>): Message[] {
  if (!Array.isArray(messages)) return [];
  const result: Message[] = [];
  for (const raw of messages) {
    const parsed = reader.turnSchema.safeParse(raw);
    if (!parsed.success) continue;
    const turn = parsed.data;
    if (turn.role === "assistant") {
      const { content, toolCalls } = reader.assistant(turn.content);
      result.push({ role: "assistant", content, ...serverFields(turn.role), function_call: null, tool_calls: toolCalls.length > 0 ? toolCalls : null });
    } else {
      result.push(...convertUserTurn(reader.userBlocks(turn.content), turn.role, reader));
    }
  }
  return result;
}

function convertUserTurn<TurnContent>(blocks: readonly unknown[], role: string, reader: KwargsTurnsReader<TurnContent>): Message[] {
  const messages: Message[] = [];
  let pending: Content[] = [];
  const flush = () => {
    if (pending.length > 0) messages.push({ role: "user", content: pending, ...serverFields(role) });
    pending = [];
  };
  for (const raw of blocks) {
    const block = reader.userBlock(raw);
    if (!block) continue;
    if ("toolResult" in block) {
      flush();
      messages.push({ role: "tool", content: block.toolResult.content, tool_call_id: block.toolResult.toolCallId, ...serverFields("tool") });
    } else {
      pending.push(...block.content);
    }
  }
  flush();
  return messages;
}
