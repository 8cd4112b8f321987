import { z } from "zod";
import { providerErrorTypes } from "../errors/promptline-error.js";
import { promptBlueprintSchema } from "./blueprint.js";
import { inputLimits, inputVariablesSchema, logMetadataSchema, tagsSchema } from "./input-limits.js";

/** Token usage, normalised across providers. */
export const usageSchema = z.object({
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
  /** Input tokens served from the provider's prompt cache (part of input_tokens). */
  cached_input_tokens: z.number().int().nonnegative().optional(),
  /** Reasoning ("thinking") tokens (part of output_tokens). */
  reasoning_tokens: z.number().int().nonnegative().optional(),
});
export type Usage = z.infer<typeof usageSchema>;

export const requestStatuses = ["SUCCESS", "ERROR", "CANCELLED"] as const;
export const requestStatusSchema = z.enum(requestStatuses);
export type RequestStatus = z.infer<typeof requestStatusSchema>;

export const errorTypeSchema = z.enum([...providerErrorTypes, "CANCELLED"]);

/** One snippet (`@@@name@@@`) a run used: the prompt and the version that was expanded. */
export const snippetUseSchema = z.object({ name: z.string().min(1).max(inputLimits.promptNameLength), version: z.number().int().positive() });
export type SnippetUse = z.infer<typeof snippetUseSchema>;
/** How one attempt of a run ended; `SKIPPED`: its endpoint's circuit was open, nothing was sent. */
export const attemptStatuses = ["SUCCESS", "ERROR", "CANCELLED", "SKIPPED"] as const;

/** One provider call of a run with fallbacks (the first is the template's model), in the order they were made. */
export const attemptSchema = z.object({
  provider: z.string().min(1).max(200),
  model: z.string().min(1).max(500),
  status: z.enum(attemptStatuses),
  /** A provider error type, `CANCELLED`, or `CIRCUIT_OPEN` for a skipped attempt; null on success. */
  error_type: z.enum([...providerErrorTypes, "CANCELLED", "CIRCUIT_OPEN"]).nullish(),
  latency_ms: z.number().nonnegative(),
});
export type Attempt = z.infer<typeof attemptSchema>;

/** W3C trace context ids as OpenTelemetry prints them: lowercase hex, not all zeros (an invalid id). */
export const traceIdSchema = z.string().regex(/^(?!0{32})[0-9a-f]{32}$/, "a trace id is 32 lowercase hex digits, not all zeros");
/** 16 lowercase hex digits, not all zeros (a W3C span id). Tested directly on hot paths: a failed zod parse builds an error (~10 µs). */
export const spanIdPattern = /^(?!0{16})[0-9a-f]{16}$/;
export const spanIdSchema = z.string().regex(spanIdPattern, "a span id is 16 lowercase hex digits, not all zeros");

/**
 * One logged LLM request, as the SDK ships it (`POST /api/v1/requests:batch`)
 * and as the server returns it (`GET /api/v1/requests/{request_id}`).
 * `request_id` is minted by the client (UUIDv7) so a re-sent record is recognised.
 */
export const logRecordSchema = z.object({
  request_id: z.string().min(1).max(128),
  prompt_name: z.string().max(inputLimits.promptNameLength).nullish(),
  prompt_version: z.number().int().positive().nullish(),
  prompt_label: z.string().max(inputLimits.labelLength).nullish(),
  tags: tagsSchema.default([]),
  metadata: logMetadataSchema.default({}),
  group_id: z.number().int().nullish(),
  input_variables: inputVariablesSchema.default({}),
  status: requestStatusSchema,
  provider: z.string(),
  model: z.string(),
  /** PromptLayer's `function_name`, e.g. `openai.chat.completions.create`. */
  function_name: z.string().nullish(),
  usage: usageSchema.nullish(),
  /** Null when no price is known for the model: unpriced is not free. */
  cost_usd: z.number().nonnegative().nullish(),
  latency_ms: z.number().nonnegative().nullish(),
  request_start_time: z.string().nullish(),
  request_end_time: z.string().nullish(),
  /** The provider request body, without secrets. */
  request: z.record(z.string(), z.unknown()).default({}),
  /** The provider response as it sent it (the assembled response for streams). */
  response: z.unknown().nullish(),
  prompt_blueprint: promptBlueprintSchema.nullish(),
  error_type: errorTypeSchema.nullish(),
  error_message: z.string().nullish(),
  /** What the run changed or dropped on the way (`prepareRequest`'s warnings), one line each. */
  warnings: z.array(z.string().max(2000)).max(100).optional(),
  /** The snippet versions the run's template was expanded with, in order of first use. */
  snippets: z.array(snippetUseSchema).max(1000).optional(),
  /** The OpenTelemetry trace the request ran in (32 lowercase hex digits), when known. */
  trace_id: traceIdSchema.nullish(),
  /** The OpenTelemetry span of the run (16 lowercase hex digits), when known. */
  span_id: spanIdSchema.nullish(),
  /** Every provider call of the run, in order; `provider`/`model` above are the one that answered (or failed last). Empty for records not made by `run()`. */
  attempts: z.array(attemptSchema).max(64).default([]),
});
export type LogRecord = z.infer<typeof logRecordSchema>;
export type LogRecordInput = z.input<typeof logRecordSchema>;
