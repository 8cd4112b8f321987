import type { FakeReply } from "../types.js";
import type { AcceptedCall, ResolvedReply } from "./fake-call.js";
import { splitText } from "./split-text.js";
import { exampleOf } from "./structured-output.js";

/** Longest stretch of the user's message quoted by the default answer. */
const ECHO_LIMIT_CHARACTERS = 200;

/**
 * The fakes' token count: one token per 4 characters, at least 1. Deterministic, so tests can
 * compute the usage a default reply reports.
 */
export function fakeTokenCount(text: string): number {
  return Math.max(1, Math.ceil(Array.from(text).length / 4));
}

/** The default answer to a prompt: `Echo: <last user message>`, whitespace collapsed, long text cut with `…`. */
export function defaultReplyText(lastUserText: string): string {
  const collapsed = lastUserText.replace(/\s+/gu, " ").trim();
  const characters = Array.from(collapsed);
  const quoted =
    characters.length > ECHO_LIMIT_CHARACTERS
      ? `${characters.slice(0, ECHO_LIMIT_CHARACTERS).join("")}…`
      : collapsed;
  return `Echo: ${quoted}`;
}

/**
 * A request that asks for structured output is answered with JSON (the
 * scripted `json`, or a value matching the schema): as the forced tool's
 * input, or as the text. A reply scripting `text` or `toolCalls` is left as it is.
 */
function structuredReply(call: AcceptedCall, reply: FakeReply): FakeReply {
  const structured = call.structuredOutput;
  if (structured === undefined || reply.text !== undefined || reply.toolCalls !== undefined) return reply;
  const value = reply.json !== undefined ? reply.json : exampleOf(structured.schema);
  if (structured.tool === undefined) return { ...reply, text: JSON.stringify(value) };
  const input = typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  return { ...reply, toolCalls: [{ name: structured.tool, arguments: input }] };
}

/** Merges a queued reply (or none) with the default reply derived from the request. */
export function resolveReply(
  call: AcceptedCall,
  queued: FakeReply | undefined,
  context: { sequence: number; receivedAt: number },
): ResolvedReply {
  const reply = structuredReply(call, queued ?? {});
  const toolCalls = reply.toolCalls ?? [];
  const text = reply.text ?? (toolCalls.length > 0 ? "" : defaultReplyText(call.lastUserText));
  const thinking = reply.thinking ?? "";
  const answered = text + thinking + toolCalls.map((toolCall) => JSON.stringify(toolCall.arguments)).join("");
  return {
    text,
    thinking,
    toolCalls,
    usage: reply.usage ?? {
      input_tokens: fakeTokenCount(call.promptText),
      output_tokens: fakeTokenCount(answered),
    },
    finishReason: reply.finishReason,
    textDeltas: splitText(text, reply),
    thinkingDeltas: splitText(thinking, reply),
    sequence: context.sequence,
    createdSeconds: Math.floor(context.receivedAt / 1000),
  };
}
