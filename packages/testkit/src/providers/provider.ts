import type { FakeProviderName } from "../types.js";
import type { AcceptedCall, FakeCall, JsonResponse, ProviderResponse, ResolvedReply } from "../internal/fake-call.js";

/**
 * One provider fake. Every provider file exports one, laid out the same way: routing and
 * validation as the real API does them, its error bodies, then the JSON and stream renderers.
 */
export interface FakeProvider {
  readonly name: FakeProviderName;
  /**
   * Checks the request as the real API does (route, credentials, required fields) and either
   * accepts it or answers with the real API's error. `expectedKey` undefined: any non-empty key passes.
   */
  accept(call: FakeCall, expectedKey: string | undefined): AcceptedCall | JsonResponse;
  /**
   * The provider's own error answer for a status, used by scripted faults. `retryAfterSeconds` is
   * passed for providers that also say it in the body (Gemini's `RetryInfo`).
   */
  errorResponse(status: number, retryAfterSeconds?: number): JsonResponse;
  /** Renders a reply as the provider's JSON body or event stream. */
  respond(accepted: AcceptedCall, reply: ResolvedReply, call: FakeCall): ProviderResponse;
}

/** Whether a presented key is accepted: non-empty, and equal to the expected one when one is set. */
export function keyAccepted(presented: string | undefined, expectedKey: string | undefined): boolean {
  if (presented === undefined || presented === "") return false;
  return expectedKey === undefined || presented === expectedKey;
}

/** The token of an `Authorization: Bearer <token>` header, if that is what was sent. */
export function bearerToken(headers: Record<string, string>): string | undefined {
  const match = /^Bearer\s+(.*)$/iu.exec(headers.authorization ?? "");
  return match?.[1]?.trim();
}

/** Narrows an unknown JSON value to a plain object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A JSON answer. */
export function json(status: number, body: unknown, headers?: Record<string, string>): JsonResponse {
  return headers === undefined ? { kind: "json", status, body } : { kind: "json", status, body, headers };
}

/** The last user message's text and the whole prompt's, system first: bodies with a top-level `system` (Anthropic's Messages, Bedrock's Converse). */
export function systemAndMessagesText(system: unknown, messages: Record<string, unknown>[]): { lastUserText: string; promptText: string } {
  const lastUser = messages.filter((message) => message.role === "user").at(-1);
  return {
    lastUserText: lastUser === undefined ? "" : contentText(lastUser.content),
    promptText: [contentText(system), ...messages.map((message) => contentText(message.content))].join("\n"),
  };
}

/** The text of a message's content in the shapes most providers use: a string, or parts with `text`. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => {
      if (typeof part === "string") return part;
      if (!isRecord(part)) return "";
      if (typeof part.text === "string") return part.text;
      // Tool results carry their text one level down.
      if ("content" in part) return contentText(part.content);
      return "";
    })
    .filter((text) => text !== "")
    .join("\n");
}

/** Splits a serialised JSON value into a few pieces, as providers stream tool-call arguments. */
export function argumentPieces(serialized: string, pieces = 3): string[] {
  if (serialized.length <= pieces) return [serialized];
  const size = Math.ceil(serialized.length / pieces);
  const result: string[] = [];
  for (let start = 0; start < serialized.length; start += size) result.push(serialized.slice(start, start + size));
  return result;
}
