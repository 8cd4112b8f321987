/**
 * A provider's streamed response body → its events as parsed JSON objects,
 * in the shape the codecs' stream accumulators take (`*.chunks.txt` fixtures):
 * SSE `data:` payloads, or `{ [eventType]: payload }` for Bedrock.
 */
import { ProviderError } from "@promptline/core/errors";
import { isRecord } from "@promptline/core/codecs";
import { providerDescriptor, streamAccept, type StreamFraming } from "@promptline/core/provider-registry";
import { decodeAwsEventStream } from "./aws-event-stream.js";
import { streamEventError, extractProviderMessage, parseJsonOrUndefined } from "./provider-error-body.js";
import { readServerSentEvents } from "./server-sent-events.js";

/**
 * Says whether an event is the provider's end-of-stream marker. A stream that
 * closes before one arrives was cut, and fails with "stream ended unexpectedly".
 */
export type StreamEndCheck = (event: unknown) => boolean;

export type { StreamFraming };

/**
 * The end marker a provider always sends (its descriptor's `stream.isEnd`),
 * or null when it sends none (Google ends its SSE stream without a marker)
 * or is unknown. `data: [DONE]` ends any stream.
 */
export function defaultStreamEnd(provider: string): StreamEndCheck | null {
  return providerDescriptor(provider)?.stream.isEnd ?? null;
}

/** The Accept header of a streamed request: its descriptor's framing (Bedrock's event stream, else SSE). */
export function streamAcceptOf(provider: string): string {
  return streamAccept[providerDescriptor(provider)?.stream.framing ?? "sse"];
}

/** Options of `readProviderEvents`. */
export interface ReadProviderEventsOptions {
  provider: string;
  framing: StreamFraming;
  /** The end marker to require; null to accept any end of stream. */
  isStreamEnd: StreamEndCheck | null;
}

/**
 * Yields each event of a stream body as parsed JSON. Stops at `[DONE]`;
 * throws a ProviderError for an error event, a malformed event, or a stream
 * that ends before its end marker.
 */
export async function* readProviderEvents(chunks: AsyncIterable<Uint8Array>, options: ReadProviderEventsOptions): AsyncGenerator<unknown> {
  const { provider, isStreamEnd } = options;
  let ended = isStreamEnd === null;
  const events = options.framing === "aws-event-stream" ? awsEvents(chunks, provider) : sseEvents(chunks, provider);
  for await (const event of events) {
    if (event === done) return;
    if (isStreamEnd?.(event)) ended = true;
    yield event;
  }
  if (!ended) throw streamBroken(provider, "stream ended unexpectedly before the provider's final event");
}

const done = Symbol("done");

async function* sseEvents(chunks: AsyncIterable<Uint8Array>, provider: string): AsyncGenerator<unknown> {
  for await (const message of readServerSentEvents(chunks)) {
    const data = message.data.trim();
    if (data === "[DONE]") {
      yield done;
      return;
    }
    // Anthropic's keep-alives carry nothing for the accumulators (its SDK drops them too).
    if (data === "" || message.event === "ping") continue;
    const payload = parseJsonOrUndefined(data);
    if (payload === undefined) {
      if (message.unterminated) throw streamBroken(provider, "stream ended unexpectedly in the middle of an event");
      if (message.event === "error") throw eventError(provider, { message: data, status: undefined }, data);
      throw new ProviderError({
        provider,
        providerMessage: `malformed stream event: ${data.length > 200 ? `${data.slice(0, 200)}…` : data}`,
        errorType: "PROVIDER_ERROR",
        isRetryable: false,
      });
    }
    const error = streamEventError(payload, message.event);
    if (error) throw eventError(provider, error, payload);
    yield payload;
  }
}

async function* awsEvents(chunks: AsyncIterable<Uint8Array>, provider: string): AsyncGenerator<unknown> {
  const text = new TextDecoder();
  for await (const message of decodeAwsEventStream(chunks)) {
    const body = message.payload.length === 0 ? "{}" : text.decode(message.payload);
    const payload = parseJsonOrUndefined(body);
    const messageType = message.headers[":message-type"];
    if (messageType === "exception") {
      const type = String(message.headers[":exception-type"] ?? "exception");
      const status = bedrockExceptionStatus[type];
      throw eventError(provider, { message: extractProviderMessage(payload) ?? type, status }, payload ?? body);
    }
    if (messageType === "error") {
      const code = String(message.headers[":error-code"] ?? "error");
      const status = bedrockExceptionStatus[code];
      throw eventError(provider, { message: String(message.headers[":error-message"] ?? code), status }, payload ?? body);
    }
    const eventType = message.headers[":event-type"];
    if (typeof eventType !== "string" || payload === undefined) {
      throw new ProviderError({ provider, providerMessage: "malformed stream event", errorType: "PROVIDER_ERROR", isRetryable: false });
    }
    // InvokeModelWithResponseStream: the model's own event, base64 JSON in `bytes` (Claude's Messages events).
    if (eventType === "chunk" && isRecord(payload) && typeof payload.bytes === "string") {
      const inner = parseJsonOrUndefined(text.decode(base64Bytes(payload.bytes)));
      if (inner === undefined) throw new ProviderError({ provider, providerMessage: "malformed stream chunk", errorType: "PROVIDER_ERROR", isRetryable: false });
      yield inner;
      continue;
    }
    yield { [eventType]: payload };
  }
}

function base64Bytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** ConverseStream's exception events and the HTTP statuses they stand for. */
const bedrockExceptionStatus: Record<string, number> = {
  validationException: 400,
  accessDeniedException: 403,
  resourceNotFoundException: 404,
  modelTimeoutException: 408,
  modelStreamErrorException: 424,
  throttlingException: 429,
  internalServerException: 500,
  serviceUnavailableException: 503,
};

function eventError(provider: string, error: { message: string; status: number | undefined }, body: unknown): ProviderError {
  return new ProviderError({
    provider,
    status: error.status,
    providerMessage: error.message,
    responseBody: body,
  });
}

function streamBroken(provider: string, message: string): ProviderError {
  return new ProviderError({ provider, providerMessage: message, errorType: "PROVIDER_ERROR", isRetryable: true });
}

