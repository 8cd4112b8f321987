import { z } from "zod";

/**
 * Minimal schemas of what the Gemini API sends back (`GenerateContentResponse`,
 * camelCase on the wire). Every field is `.nullish()` and every object loose,
 * so a new or missing field never breaks parsing.
 */

/** One streamed argument of a function call (`streamFunctionCallArguments`): a JSON path and a value fragment. */
export const googlePartialArgSchema = z.looseObject({
  jsonPath: z.string().nullish(),
  stringValue: z.string().nullish(),
  numberValue: z.number().nullish(),
  boolValue: z.boolean().nullish(),
  nullValue: z.unknown().optional(),
  willContinue: z.boolean().nullish(),
});
export type GooglePartialArg = z.infer<typeof googlePartialArgSchema>;

export const googleFunctionCallSchema = z.looseObject({
  id: z.string().nullish(),
  name: z.string().nullish(),
  args: z.record(z.string(), z.unknown()).nullish(),
  partialArgs: z.array(googlePartialArgSchema).nullish(),
  willContinue: z.boolean().nullish(),
});

export const googlePartSchema = z.looseObject({
  text: z.string().nullish(),
  thought: z.boolean().nullish(),
  thoughtSignature: z.string().nullish(),
  functionCall: googleFunctionCallSchema.nullish(),
  executableCode: z.looseObject({ language: z.string().nullish(), code: z.string().nullish() }).nullish(),
  codeExecutionResult: z.looseObject({ outcome: z.string().nullish(), output: z.string().nullish() }).nullish(),
  inlineData: z.looseObject({ mimeType: z.string().nullish(), data: z.string().nullish() }).nullish(),
});
export type GooglePart = z.infer<typeof googlePartSchema>;

const groundingChunkSchema = z.looseObject({
  web: z.looseObject({ uri: z.string().nullish(), title: z.string().nullish() }).nullish(),
});

const groundingSupportSchema = z.looseObject({
  segment: z
    .looseObject({ startIndex: z.number().nullish(), endIndex: z.number().nullish(), text: z.string().nullish() })
    .nullish(),
  groundingChunkIndices: z.array(z.number()).nullish(),
});

export const googleGroundingMetadataSchema = z.looseObject({
  groundingChunks: z.array(groundingChunkSchema).nullish(),
  groundingSupports: z.array(groundingSupportSchema).nullish(),
});
export type GoogleGroundingMetadata = z.infer<typeof googleGroundingMetadataSchema>;

export const googleCandidateSchema = z.looseObject({
  content: z.looseObject({ role: z.string().nullish(), parts: z.array(googlePartSchema).nullish() }).nullish(),
  finishReason: z.string().nullish(),
  index: z.number().nullish(),
  groundingMetadata: googleGroundingMetadataSchema.nullish(),
});
export type GoogleCandidate = z.infer<typeof googleCandidateSchema>;

export const googleUsageMetadataSchema = z.looseObject({
  promptTokenCount: z.number().nullish(),
  candidatesTokenCount: z.number().nullish(),
  thoughtsTokenCount: z.number().nullish(),
  cachedContentTokenCount: z.number().nullish(),
  totalTokenCount: z.number().nullish(),
});

export const googleResponseSchema = z.looseObject({
  candidates: z.array(googleCandidateSchema).nullish(),
  usageMetadata: googleUsageMetadataSchema.nullish(),
  responseId: z.string().nullish(),
  modelVersion: z.string().nullish(),
});
export type GoogleResponse = z.infer<typeof googleResponseSchema>;
