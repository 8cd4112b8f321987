import type { FakeToolCall, RecordedRequest } from "../types.js";

/**
 * One request as a provider fake sees it: already read, parsed and recorded.
 * Its method, path (below the fake's prefix), query, lower-case headers and
 * arrival time are the ones recorded in `requests`.
 */
export interface FakeCall extends Pick<RecordedRequest, "method" | "path" | "query" | "headers" | "receivedAt"> {
  rawBody: string;
  /** The parsed JSON body, or `undefined` when the body is empty or not JSON. */
  json: unknown;
  /** A per-server counter, used to mint deterministic ids. */
  sequence: number;
}

/** A request the fake accepted: the endpoint it targets and what the default reply needs. */
export interface AcceptedCall {
  kind: "accepted";
  /** Provider-specific endpoint name (`chat`, `responses`, `messages`, …). */
  endpoint: string;
  model: string;
  stream: boolean;
  body: Record<string, unknown>;
  /** The text of the last user message (drives the default `Echo:` answer). */
  lastUserText: string;
  /** All prompt text concatenated (drives the default input token count). */
  promptText: string;
  /** The request asks for structured output: the answer is JSON (see `structured-output.ts`). */
  structuredOutput?: StructuredOutputRequest | undefined;
}

/** Structured output as a request asks for it. */
export interface StructuredOutputRequest {
  /** The schema the answer must match. */
  schema: unknown;
  /** The tool the request forces; the JSON is that call's input. Absent: the JSON is the answer's text. */
  tool?: string;
}

/** A complete JSON answer (success or error). */
export interface JsonResponse {
  kind: "json";
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A streamed answer: frames written one by one, each a whole SSE event or event-stream message. */
export interface StreamResponse {
  kind: "stream";
  headers: Record<string, string>;
  frames: Uint8Array[];
  /** The broken variant of a frame, sent for `malformedEventAt`. */
  corrupt(frame: Uint8Array): Uint8Array;
}

/** What a provider fake answers. */
export type ProviderResponse = JsonResponse | StreamResponse;

/** A tool call with its id settled. */
export interface ResolvedToolCall extends FakeToolCall {
  id: string;
}

/** The reply a provider renders: the queued reply merged with the default one. */
export interface ResolvedReply {
  text: string;
  /** Empty when there is no reasoning to show. */
  thinking: string;
  /** Tool calls without ids yet: the provider fills in ids in its own format. */
  toolCalls: FakeToolCall[];
  usage: { input_tokens: number; output_tokens: number };
  /** The raw finish reason, when the test chose one. */
  finishReason: string | undefined;
  /** The text as stream deltas. */
  textDeltas: string[];
  /** The thinking as stream deltas. */
  thinkingDeltas: string[];
  /** Per-request deterministic number, to mint ids. */
  sequence: number;
  /** Epoch seconds, for `created` fields. */
  createdSeconds: number;
}

/** Gives each tool call an id: the queued one, or `mintId(index)`. */
export function withToolCallIds(
  toolCalls: FakeToolCall[],
  mintId: (index: number) => string,
): ResolvedToolCall[] {
  return toolCalls.map((call, index) => ({ ...call, id: call.id ?? mintId(index) }));
}

/** A deterministic id suffix: the request's sequence number padded, plus an optional index. */
export function fakeIdSuffix(sequence: number, index?: number): string {
  const base = `fake${sequence.toString().padStart(6, "0")}`;
  return index === undefined ? base : `${base}x${index}`;
}
