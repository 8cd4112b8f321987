import { z } from "zod";

/**
 * Minimal schemas of what Bedrock's Converse API sends back (JSON of the REST
 * API, which is also the shape boto3 returns). Every field `.nullish()`, every
 * object loose: new fields pass through.
 */

export const bedrockUsageSchema = z.looseObject({
  inputTokens: z.number().nullish(),
  outputTokens: z.number().nullish(),
  totalTokens: z.number().nullish(),
  cacheReadInputTokens: z.number().nullish(),
  cacheWriteInputTokens: z.number().nullish(),
});

const reasoningContentSchema = z.looseObject({
  reasoningText: z.looseObject({ text: z.string().nullish(), signature: z.string().nullish() }).nullish(),
  redactedContent: z.string().nullish(),
});

const imageSchema = z.looseObject({
  format: z.string().nullish(),
  source: z.looseObject({ bytes: z.string().nullish(), s3Location: z.looseObject({ uri: z.string().nullish() }).nullish() }).nullish(),
});

/** One content block: exactly one of its keys is set. */
export const bedrockContentBlockSchema = z.looseObject({
  text: z.string().nullish(),
  image: imageSchema.nullish(),
  document: z
    .looseObject({
      format: z.string().nullish(),
      name: z.string().nullish(),
      source: z.looseObject({ bytes: z.string().nullish() }).nullish(),
    })
    .nullish(),
  toolUse: z.looseObject({ toolUseId: z.string().nullish(), name: z.string().nullish(), input: z.unknown().optional() }).nullish(),
  toolResult: z
    .looseObject({
      toolUseId: z.string().nullish(),
      content: z.array(z.looseObject({ text: z.string().nullish(), json: z.unknown().optional() })).nullish(),
      status: z.string().nullish(),
    })
    .nullish(),
  reasoningContent: reasoningContentSchema.nullish(),
});
export type BedrockContentBlockData = z.infer<typeof bedrockContentBlockSchema>;

/** A message of the request's `messages` or of the response's `output`. */
export const bedrockMessageSchema = z.looseObject({
  role: z.string(),
  content: z.array(z.unknown()).nullish(),
});

export const bedrockResponseSchema = z.looseObject({
  output: z.looseObject({ message: bedrockMessageSchema.nullish() }).nullish(),
  stopReason: z.string().nullish(),
  usage: z.unknown().optional(),
});

/** One decoded ConverseStream event: an object with one key naming its type. */
export const bedrockStreamEventSchema = z.looseObject({
  messageStart: z.looseObject({ role: z.string().nullish() }).nullish(),
  contentBlockStart: z
    .looseObject({
      contentBlockIndex: z.number().nullish(),
      start: z.looseObject({ toolUse: z.looseObject({ toolUseId: z.string().nullish(), name: z.string().nullish() }).nullish() }).nullish(),
    })
    .nullish(),
  contentBlockDelta: z
    .looseObject({
      contentBlockIndex: z.number().nullish(),
      delta: z
        .looseObject({
          text: z.string().nullish(),
          toolUse: z.looseObject({ input: z.string().nullish() }).nullish(),
          reasoningContent: z
            .looseObject({ text: z.string().nullish(), signature: z.string().nullish(), redactedContent: z.string().nullish() })
            .nullish(),
        })
        .nullish(),
    })
    .nullish(),
  contentBlockStop: z.looseObject({ contentBlockIndex: z.number().nullish() }).nullish(),
  messageStop: z.looseObject({ stopReason: z.string().nullish(), additionalModelResponseFields: z.unknown().optional() }).nullish(),
  metadata: z.looseObject({ usage: z.unknown().optional(), metrics: z.unknown().optional(), trace: z.unknown().optional() }).nullish(),
});
