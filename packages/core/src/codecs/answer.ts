import type { PromptBlueprint } from "../schemas/blueprint.js";
import type { ToolCall } from "../schemas/tools.js";

/** The last message of a blueprint: the assistant's answer of a completed request (or a stream's delta). */
function lastMessage(blueprint: PromptBlueprint | null | undefined): { content?: unknown; tool_calls?: unknown } | undefined {
  const template = blueprint?.prompt_template;
  if (!template) return undefined;
  return template.type === "chat" ? (template.messages.at(-1) as { content?: unknown; tool_calls?: unknown } | undefined) : { content: template.content };
}

/**
 * The text of a blueprint's last message (the assistant's answer, or a
 * stream's delta): its text parts joined; `null` when it has none (an answer
 * made only of tool calls, a failed request's blueprint).
 */
export function answerText(blueprint: PromptBlueprint | null | undefined): string | null {
  const content = lastMessage(blueprint)?.content;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return null;
  const texts = content
    .filter((part): part is { type: "text"; text: unknown } => typeof part === "object" && part !== null && (part as { type?: unknown }).type === "text")
    .map((part) => (typeof part.text === "string" ? part.text : ""));
  return texts.length === 0 ? null : texts.join("");
}

/** The tool calls of a blueprint's last message, in the OpenAI shape every codec reads back into; empty when none. */
export function answerToolCalls(blueprint: PromptBlueprint | null | undefined): ToolCall[] {
  const calls = lastMessage(blueprint)?.tool_calls;
  return Array.isArray(calls) ? (calls as ToolCall[]) : [];
}
