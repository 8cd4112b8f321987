import type { Content, TextContent } from "../../schemas/content.js";
import type { AssistantMessage } from "../../schemas/message.js";
import type { ToolCall } from "../../schemas/tools.js";

/** The text blocks of a message's content, joined (how providers that take a string read them). */
export function joinText(content: readonly Content[] | null | undefined, separator = ""): string {
  if (!content) return "";
  return content
    .filter((block): block is TextContent => block.type === "text")
    .map((block) => block.text)
    .join(separator);
}

export function textBlock(text: string): TextContent {
  return { type: "text", text };
}

/** An assistant message in the blueprint shape PromptLayer's server emits. */
export function assistantMessage(content: Content[], toolCalls?: ToolCall[]): AssistantMessage {
  return {
    role: "assistant",
    content,
    tool_calls: toolCalls && toolCalls.length > 0 ? toolCalls : null,
    input_variables: [],
    template_format: "f-string",
  };
}

/**
 * Blueprints read `messages.at(-1).content.at(-1).text`: the text block must
 * be the last block of an answer. Moves text blocks after the others, keeping
 * their order (and their order among themselves).
 */
export function textLast(content: Content[]): Content[] {
  const others = content.filter((block) => block.type !== "text");
  const texts = content.filter((block) => block.type === "text");
  return [...others, ...texts];
}

/** Parses tool-call arguments sent as a JSON string; an unparsable string is kept under `_raw`. */
export function parseArguments(json: string | null | undefined): Record<string, unknown> {
  if (json === undefined || json === null || json.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    return { _raw: json };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `{a, b, c}` minus the given keys. */
export function omit<T extends Record<string, unknown>>(object: T, keys: readonly string[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(object)) {
    if (keys.includes(key)) continue;
    // A `__proto__` key parsed from JSON is data: assigning it would set the copy's prototype instead.
    if (key === "__proto__") Object.defineProperty(result, key, { value: object[key], enumerable: true, writable: true, configurable: true });
    else result[key] = object[key];
  }
  return result;
}
