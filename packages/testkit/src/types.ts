/** The provider fakes served by {@link startFakeProviders}, one path prefix each (`/openai`, `/azure`, …). */
export type FakeProviderName = "openai" | "azure" | "anthropic" | "google" | "mistral" | "bedrock" | "openrouter" | "vertex";

/** Every provider name, in the order the fakes list them. */
export const FAKE_PROVIDER_NAMES: readonly FakeProviderName[] = [
  "openai",
  "azure",
  "anthropic",
  "google",
  "mistral",
  "bedrock",
  "openrouter",
  "vertex",
];

/** A tool call the fake model makes. */
export interface FakeToolCall {
  /** The function's name. */
  name: string;
  /** The arguments, sent as the provider sends them (a JSON string for OpenAI, an object for Anthropic). */
  arguments: Record<string, unknown>;
  /** The call id; default: a deterministic id in the provider's own format (`call_…`, `toolu_…`, …). */
  id?: string;
}

/**
 * A reply queued for the next request to one fake. Every field is optional: what is left out comes
 * from the default reply (text `Echo: <last user message>`, usage counted from the request).
 */
export interface FakeReply {
  /** The answer's text. Default: `Echo: <last user message text>`, or none when `toolCalls` are given. */
  text?: string;
  /** Reasoning shown before the answer (Anthropic thinking block, Gemini thought part, Responses reasoning summary, …). */
  thinking?: string;
  /** Tool calls made after the text. */
  toolCalls?: FakeToolCall[];
  /**
   * The structured answer to a request that asks for one (OpenAI/Mistral `response_format`, Gemini
   * `responseMimeType: "application/json"`, a tool forced by Anthropic's `tool_choice` or Converse's
   * `toolChoice`): sent as the answer's JSON text, or as the forced tool's input. Default: a small
   * value matching the request's schema. Ignored when `text` or `toolCalls` are given.
   */
  json?: unknown;
  /** Token usage to report; default: one token per 4 characters of the prompt and of the answer. */
  usage?: { input_tokens: number; output_tokens: number };
  /** The provider's raw finish reason (`"length"`, `"max_tokens"`, `"MAX_TOKENS"`, …); default: the provider's normal stop or tool-call reason. */
  finishReason?: string;
  /** Characters per text delta when streaming; default: one word per delta. */
  chunkSize?: number;
  /** Split the text into this many stream deltas (overrides `chunkSize`). */
  events?: number;
  /** Delay between two stream events, in milliseconds. */
  eventDelayMs?: number;
  /** Delay before the status line and headers are sent, in milliseconds. */
  firstByteDelayMs?: number;
  /** Close the socket after this many stream events (a stream cut mid-way). */
  cutAfterEvents?: number;
  /** Send the stream event at this index (0-based) broken: truncated JSON, or a bad checksum for Bedrock. */
  malformedEventAt?: number;
}

/** A failure queued for the next request to one fake. */
export type FakeFault =
  | {
      /** The HTTP status to answer with (401, 404, 400, 429, 500, 529, …). */
      status: number;
      /** The body; default: the provider's own error body for that status. */
      body?: unknown;
      /** Extra response headers. */
      headers?: Record<string, string>;
      /** Sets `retry-after` (seconds). */
      retryAfterSeconds?: number;
      /** Sets `retry-after-ms` (OpenAI's and Anthropic's millisecond variant). */
      retryAfterMs?: number;
    }
  | {
      /** Never answer: the request stays open until the client gives up or the fakes close. */
      hang: true;
    }
  | {
      /** Destroy the connection without answering. */
      resetConnection: true;
    };

/** One request a fake received, exactly as sent. */
export interface RecordedRequest {
  /** The fake that received it. */
  provider: FakeProviderName;
  /** The HTTP method. */
  method: string;
  /** The path as the real API would see it: the fake's prefix removed (`/v1/messages`, not `/anthropic/v1/messages`). */
  path: string;
  /** The query parameters (the last value wins when a name repeats). */
  query: Record<string, string>;
  /** The request headers, names in lower case. Not redacted: print them through `redactHeaders`. */
  headers: Record<string, string>;
  /** The body parsed as JSON; the raw text when it isn't JSON; `undefined` when empty. */
  body: unknown;
  /** When the request arrived, in epoch milliseconds. */
  receivedAt: number;
}
