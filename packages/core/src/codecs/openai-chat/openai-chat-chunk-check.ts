import { anyValue, arrayOf, isFiniteNumber, isString, isStringRecord, looseObject, nullish, oneOf, type StructuralCheck } from "../shared/structural-check.js";

/**
 * `chatCompletionChunkSchema` (openai-chat-api-schemas.ts) as a structural
 * check: a well-formed stream event skips zod. Keep the two in step; the
 * property test (openai-chat-chunk-check.property.test.ts) holds them together.
 */
const optionalString = nullish(isString);
const optionalNumber = nullish(isFiniteNumber);

const toolCall = looseObject({
  index: optionalNumber,
  id: optionalString,
  type: optionalString,
  function: nullish(looseObject({ name: optionalString, arguments: nullish(oneOf(isString, isStringRecord)) })),
});

const contentChunk = looseObject({
  type: optionalString,
  text: optionalString,
  thinking: nullish(oneOf(isString, arrayOf(looseObject({ type: optionalString, text: optionalString })))),
  signature: optionalString,
});

const delta = looseObject({
  role: optionalString,
  content: nullish(oneOf(isString, arrayOf(contentChunk))),
  refusal: optionalString,
  reasoning_content: optionalString,
  reasoning: optionalString,
  tool_calls: nullish(arrayOf(toolCall)),
  function_call: nullish(looseObject({ name: optionalString, arguments: nullish(oneOf(isString, isStringRecord)) })),
  annotations: nullish(arrayOf(looseObject({ type: isString }))),
});

export const isWellFormedChatChunk: StructuralCheck = looseObject({
  id: optionalString,
  object: optionalString,
  created: optionalNumber,
  model: optionalString,
  system_fingerprint: optionalString,
  service_tier: optionalString,
  choices: nullish(arrayOf(looseObject({ index: optionalNumber, delta: nullish(delta), finish_reason: optionalString, logprobs: anyValue }))),
  usage: anyValue,
});
