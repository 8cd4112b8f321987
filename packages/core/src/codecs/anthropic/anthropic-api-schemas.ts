import { z } from "zod";

/**
 * Minimal schemas of what the Anthropic Messages API sends back. Every field
 * is `.nullish()` and every object loose, so a field Anthropic adds tomorrow
 * neither breaks parsing nor gets lost.
 */

export const anthropicUsageSchema = z.looseObject({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
});
export type AnthropicUsage = z.infer<typeof anthropicUsageSchema>;

/** A citation of a text block (`web_search_result_location`, `char_location`, …). */
export const anthropicCitationSchema = z.looseObject({
  type: z.string(),
  url: z.string().nullish(),
  title: z.string().nullish(),
  cited_text: z.string().nullish(),
  encrypted_index: z.string().nullish(),
});
export type AnthropicCitation = z.infer<typeof anthropicCitationSchema>;

/** Any content block, of a request or a response; the fields we read are typed, the rest kept. */
export const anthropicContentBlockSchema = z.looseObject({
  type: z.string(),
  text: z.string().nullish(),
  citations: z.array(anthropicCitationSchema).nullish(),
  thinking: z.string().nullish(),
  signature: z.string().nullish(),
  data: z.string().nullish(),
  id: z.string().nullish(),
  name: z.string().nullish(),
  input: z.unknown().optional(),
  tool_use_id: z.string().nullish(),
  content: z.unknown().optional(),
  source: z.looseObject({ type: z.string(), media_type: z.string().nullish(), data: z.string().nullish(), url: z.string().nullish() }).nullish(),
  title: z.string().nullish(),
  cache_control: z.unknown().optional(),
});
export type AnthropicContentBlockData = z.infer<typeof anthropicContentBlockSchema>;

/** A non-streaming response: a `message`, or a legacy Text Completions `completion`. */
export const anthropicResponseSchema = z.looseObject({
  id: z.string().nullish(),
  type: z.string().nullish(),
  role: z.string().nullish(),
  model: z.string().nullish(),
  content: z.array(z.unknown()).nullish(),
  completion: z.string().nullish(),
  stop_reason: z.string().nullish(),
  usage: z.unknown().optional(),
});

/** A message of `llm_kwargs.messages`: content a string or a list of blocks. */
export const anthropicKwargsMessageSchema = z.looseObject({
  role: z.string(),
  content: z.unknown().optional(),
});

/** One stream event (the JSON of an SSE `data:` payload). */
export const anthropicStreamEventSchema = z.looseObject({
  type: z.string(),
  index: z.number().nullish(),
  message: z.looseObject({ id: z.string().nullish() }).nullish(),
  content_block: anthropicContentBlockSchema.nullish(),
  delta: z
    .looseObject({
      type: z.string().nullish(),
      text: z.string().nullish(),
      thinking: z.string().nullish(),
      signature: z.string().nullish(),
      partial_json: z.string().nullish(),
      citation: anthropicCitationSchema.nullish(),
    })
    .nullish(),
  usage: z.record(z.string(), z.unknown()).nullish(),
  /** Legacy Text Completions stream events (`type: "completion"`). */
  completion: z.string().nullish(),
});
export type AnthropicStreamEvent = z.infer<typeof anthropicStreamEventSchema>;
