import type { FakeReply } from "../types.js";
import type { AcceptedCall, ResolvedReply } from "./fake-call.js";
import { splitText } from "./split-text.js";

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

/** Merges a queued reply (or none) with the default reply derived from the request. */
export function resolveReply(
  call: AcceptedCall,
  queued: FakeReply | undefined,
  context: { sequence: number; receivedAt: number },
): ResolvedReply {
  const reply = queued ?? {};
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
