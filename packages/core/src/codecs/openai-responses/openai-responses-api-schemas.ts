import { z } from "zod";

/**
 * Minimal schemas of what the Responses API sends back. Items are read
 * loosely (`looseObject`, `.nullish()`): new item types and fields pass
 * through untouched, and a missing field never breaks parsing.
 */

export const responsesUsageSchema = z.looseObject({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  input_tokens_details: z.looseObject({ cached_tokens: z.number().nullish() }).nullish(),
  output_tokens_details: z.looseObject({ reasoning_tokens: z.number().nullish() }).nullish(),
});

/** Any item of `output[]` (and of `input[]`): only `type` is sure. */
export const responsesItemSchema = z.looseObject({
  type: z.string().nullish(),
  id: z.string().nullish(),
});
export type ResponsesItem = z.infer<typeof responsesItemSchema>;

export const responsesResponseSchema = z.looseObject({
  id: z.string().nullish(),
  status: z.string().nullish(),
  output: z.array(responsesItemSchema).nullish(),
  usage: responsesUsageSchema.nullish(),
});

/** One streamed event; which fields are set depends on `type`. */
export const responsesStreamEventSchema = z.looseObject({
  type: z.string(),
  output_index: z.number().nullish(),
  content_index: z.number().nullish(),
  summary_index: z.number().nullish(),
  item_id: z.string().nullish(),
  item: responsesItemSchema.nullish(),
  part: z.looseObject({ type: z.string().nullish() }).nullish(),
  delta: z.string().nullish(),
  text: z.string().nullish(),
  arguments: z.string().nullish(),
  annotation: z.looseObject({ type: z.string() }).nullish(),
  response: z.looseObject({}).nullish(),
});
export type ResponsesStreamEvent = z.infer<typeof responsesStreamEventSchema>;
