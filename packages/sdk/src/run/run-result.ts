import type { PromptBlueprint, ToolCall, Usage } from "@promptline/core/schemas";

/**
 * What `run()` returns without streaming. `raw_response`, `prompt_blueprint`
 * and `usage` are also in the run's log record, which is sent in the
 * background: read them freely, but copy one before changing it (e.g. before
 * pushing the next turn onto the blueprint's messages), or the logged request
 * changes too.
 */
export interface RunResult {
  /** The id of the logged request (a UUIDv7 minted by the client), known before the log reaches the registry. */
  request_id: string;
  /** The provider's response as the provider sent it. */
  raw_response: unknown;
  /** The whole conversation: the rendered input, then the assistant's answer last (its text block last). */
  prompt_blueprint: PromptBlueprint;
  /** What the run changed or dropped on the way (e.g. a parameter the target model rejects), one line each; empty when nothing. Also in the log record. */
  warnings: string[];
  /** The answer's text (its text parts joined; the JSON of a structured answer); `null` when the answer has no text, e.g. only tool calls. */
  text: string | null;
  /** The tool calls of the answer (OpenAI's shape: `{id, type:"function", function:{name, arguments}}`, `arguments` a JSON string, whatever the provider); empty when none. */
  tool_calls: ToolCall[];
  /** Tokens the provider counted; `null` when its response didn't say. */
  usage: Usage | null;
  /** The price of the request in US dollars; `null` when the price table doesn't know the model (unpriced is not free). */
  cost_usd: number | null;
  /** The provider that answered (a fallback's when one answered), e.g. `openai`. */
  provider: string;
  /** The model that answered, e.g. `gpt-4o-mini`. */
  model: string;
  /** The version of the prompt that was run (the label's, or the split's pick); `null` for a local fallback prompt without a version. */
  prompt_version: number | null;
  /** Milliseconds from the start of `run()` to the complete answer (to the last chunk when streaming). */
  latency_ms: number;
}

/**
 * One chunk of a streamed `run()`: one per provider event, then a last one
 * (`done: true`) that carries the totals of a non-streamed result: its
 * `raw_response` is the assembled response, its `prompt_blueprint` the
 * complete conversation, its `text` the whole answer.
 */
export type RunChunk = RunDeltaChunk | RunFinalChunk;

/**
 * A chunk before the last: `raw_response` the provider's event,
 * `prompt_blueprint` the assistant's delta, `text_delta` that delta's text.
 * `request_id`, `warnings`, `provider`, `model` and `prompt_version` (known
 * before the provider is called) are set on every chunk.
 */
export interface RunDeltaChunk extends Pick<RunResult, "request_id" | "raw_response" | "prompt_blueprint" | "warnings" | "provider" | "model" | "prompt_version"> {
  done: false;
  /** The text this chunk adds to the answer ("" when it adds none, e.g. a tool call's arguments). */
  text_delta: string;
}

/** The last chunk: the whole result. */
export interface RunFinalChunk extends RunResult {
  done: true;
  /** "" on the last chunk: its `text` is the whole answer. */
  text_delta: string;
}
