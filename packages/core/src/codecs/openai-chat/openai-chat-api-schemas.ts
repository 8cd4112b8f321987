import { z } from "zod";

/**
 * Minimal schemas of what Chat Completions APIs (OpenAI, Azure, and the
 * OpenAI-compatible ones: xAI, DeepSeek, Mistral…) send back. Every field is
 * `.nullish()` and every object loose, so a new or missing field never breaks
 * parsing: we read what we know and keep the rest.
 */

/** `arguments` is a JSON string at OpenAI; Mistral may send the parsed object. */
const toolCallArgumentsSchema = z.union([z.string(), z.record(z.string(), z.unknown())]).nullish();

export const chatToolCallSchema = z.looseObject({
  index: z.number().nullish(),
  id: z.string().nullish(),
  type: z.string().nullish(),
  function: z
    .looseObject({
      name: z.string().nullish(),
      arguments: toolCallArgumentsSchema,
    })
    .nullish(),
});
export type ChatToolCall = z.infer<typeof chatToolCallSchema>;

export const chatFunctionCallSchema = z.looseObject({
  name: z.string().nullish(),
  arguments: toolCallArgumentsSchema,
});

/** A content chunk of an array-valued `content` (Mistral, some compatible servers). */
export const chatContentChunkSchema = z.looseObject({
  type: z.string().nullish(),
  text: z.string().nullish(),
  /** Mistral's reasoning chunk: `{type:"thinking", thinking:[{type:"text", text}]}`. */
  thinking: z.union([z.string(), z.array(z.looseObject({ type: z.string().nullish(), text: z.string().nullish() }))]).nullish(),
  signature: z.string().nullish(),
});
export type ChatContentChunk = z.infer<typeof chatContentChunkSchema>;

export const chatContentSchema = z.union([z.string(), z.array(chatContentChunkSchema)]).nullish();
export type ChatContent = z.infer<typeof chatContentSchema>;

/** `choices[].message` of a response and `choices[].delta` of a stream chunk share these fields. */
const chatMessageFields = {
  role: z.string().nullish(),
  content: chatContentSchema,
  refusal: z.string().nullish(),
  /** DeepSeek, xAI, vLLM: the model's reasoning, beside the answer. */
  reasoning_content: z.string().nullish(),
  /** OpenRouter and some gateways name it `reasoning`. */
  reasoning: z.string().nullish(),
  tool_calls: z.array(chatToolCallSchema).nullish(),
  function_call: chatFunctionCallSchema.nullish(),
  annotations: z.array(z.looseObject({ type: z.string() })).nullish(),
};

export const chatResponseMessageSchema = z.looseObject(chatMessageFields);
export type ChatResponseMessage = z.infer<typeof chatResponseMessageSchema>;

export const chatCompletionResponseSchema = z.looseObject({
  id: z.string().nullish(),
  model: z.string().nullish(),
  choices: z
    .array(
      z.looseObject({
        index: z.number().nullish(),
        message: chatResponseMessageSchema.nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: z.unknown().optional(),
});

export const chatCompletionChunkSchema = z.looseObject({
  id: z.string().nullish(),
  object: z.string().nullish(),
  created: z.number().nullish(),
  model: z.string().nullish(),
  system_fingerprint: z.string().nullish(),
  service_tier: z.string().nullish(),
  choices: z
    .array(
      z.looseObject({
        index: z.number().nullish(),
        delta: chatResponseMessageSchema.nullish(),
        finish_reason: z.string().nullish(),
        logprobs: z.unknown().optional(),
      }),
    )
    .nullish(),
  usage: z.unknown().optional(),
});
export type ChatCompletionChunk = z.infer<typeof chatCompletionChunkSchema>;

/** Token usage in OpenAI's names (Mistral and the compatible servers use the same). */
export const chatUsageSchema = z.looseObject({
  prompt_tokens: z.number().nullish(),
  completion_tokens: z.number().nullish(),
  total_tokens: z.number().nullish(),
  prompt_tokens_details: z.looseObject({ cached_tokens: z.number().nullish() }).nullish(),
  completion_tokens_details: z.looseObject({ reasoning_tokens: z.number().nullish() }).nullish(),
});
