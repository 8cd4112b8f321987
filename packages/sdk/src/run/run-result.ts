import type { PromptBlueprint } from "@promptline/core";

/** What `run()` returns without streaming. */
export interface RunResult {
  /** The id of the logged request (a UUIDv7 minted by the client), known before the log reaches the registry. */
  request_id: string;
  /** The provider's response as the provider sent it. */
  raw_response: unknown;
  /** The whole conversation: the rendered input, then the assistant's answer last (its text block last). */
  prompt_blueprint: PromptBlueprint;
  /** What the run changed or dropped on the way (e.g. a parameter the target model rejects), one line each; empty when nothing. Also in the log record. */
  warnings: string[];
}

/**
 * One chunk of a streamed `run()`: one per provider event (`raw_response` the
 * event, `prompt_blueprint` the assistant's delta), then a last one whose
 * `raw_response` is the assembled response and whose `prompt_blueprint` is
 * the complete conversation. `request_id` and `warnings` (known before the
 * provider is called) are set on every chunk.
 */
export interface RunChunk extends RunResult {
  /** True on the last chunk only. */
  done: boolean;
}
