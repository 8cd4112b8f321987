import type { Usage } from "../schemas/log-record.js";
import type { AssistantMessage } from "../schemas/message.js";
import type { ModelSettings } from "../schemas/metadata.js";
import type { PromptTemplate } from "../schemas/template.js";

/**
 * A provider request body in the shape PromptLayer's server returns as
 * `llm_kwargs` (contract §3.1, §5.2): what the official SDK hands to the
 * provider SDK. Where that differs from the provider's HTTP wire format
 * (Google's `history` + `generation_config`, Bedrock's `modelId`), the codec's
 * `toHttpRequest` translates.
 */
export type LlmKwargs = Record<string, unknown>;

/** The model of a request as a codec reads it back from `llm_kwargs`. */
export interface KwargsModel {
  name: string;
  /** The request's parameters (everything but messages, tools and the model), in the provider's names. */
  parameters: Record<string, unknown>;
}

/** An HTTP request to the provider, relative to its base URL; auth headers are the transport's job. */
export interface ProviderHttpRequest {
  /** Path under the provider's base URL, e.g. `/chat/completions`, `/models/gemini-2.5-flash:streamGenerateContent?alt=sse`. */
  path: string;
  body: Record<string, unknown>;
  /** Headers this request needs besides auth (Anthropic's `anthropic-beta` for a beta field). */
  headers?: Record<string, string>;
}

/**
 * Turns one provider's stream events into blueprint deltas and, at the end,
 * into the response the non-streaming call would have returned.
 */
export interface StreamAccumulator {
  /**
   * Feed one event: the JSON of an SSE `data:` payload (for Bedrock the
   * decoded event-stream message). Returns this event's delta as an assistant
   * message: new text as a text block, new thinking, tool-call fragments
   * (`arguments` holding only the new part). Events that add nothing give an
   * assistant message with empty `content`.
   */
  push(event: unknown): AssistantMessage;
  /** Everything received so far, in the non-streaming response's shape. */
  response(): unknown;
  /** Usage received so far (null before the provider reported any). */
  usage(): Usage | null;
}

/**
 * A pure translator between blueprints and one provider API. Every codec has
 * the same file layout (see any folder beside this file) and no I/O.
 */
export interface ProviderCodec {
  /** Stable id, e.g. `openai.chat-completions`. */
  readonly id: string;
  /** PromptLayer `function_name` values this codec answers (contract §5.1), for `/track-request`. */
  readonly functionNames: readonly string[];

  /**
   * A rendered template and its model settings → `llm_kwargs`.
   * Parameters are spread after the built fields, as PromptLayer's server does.
   * Throws InvalidTemplateError for what the provider cannot express.
   */
  toLlmKwargs(template: PromptTemplate, model: ModelSettings): LlmKwargs;

  /** `llm_kwargs` → the template it expresses and its model: the inverse of `toLlmKwargs`. */
  fromLlmKwargs(kwargs: LlmKwargs): { template: PromptTemplate; model: KwargsModel };

  /** A non-streaming provider response → the assistant's answer (text block last). */
  responseToMessage(response: unknown): AssistantMessage;

  /** Usage of a non-streaming response, normalised; null when the response has none. */
  usage(response: unknown): Usage | null;

  /** `llm_kwargs` → the HTTP request of the provider's wire protocol. */
  toHttpRequest(kwargs: LlmKwargs, options: { stream: boolean }): ProviderHttpRequest;

  createStreamAccumulator(): StreamAccumulator;

  /**
   * The name of the tool these kwargs force to carry a structured answer
   * (Anthropic, Bedrock: `response_format` sent as a forced tool), or
   * undefined. Blueprints show that tool's call as the answer's JSON text.
   */
  structuredOutputTool?(kwargs: LlmKwargs): string | undefined;
}
