import { isFiniteNumber, isString, isStringRecord, looseObject, nullish, type StructuralCheck } from "../shared/structural-check.js";

/**
 * `anthropicStreamEventSchema` (anthropic-api-schemas.ts) as a structural
 * check for the events that make up most of a stream (deltas, message and
 * block boundaries): those skip zod. An event carrying a content block or a
 * citation (one per block at most) is left to zod. Keep the two in step; the
 * property test (anthropic-stream-event-check.property.test.ts) holds them together.
 */
const optionalString = nullish(isString);
/** Present at all: zod decides (content blocks and citations have many shapes). */
const absent: StructuralCheck = (value) => value === undefined || value === null;

export const isPlainAnthropicStreamEvent: StructuralCheck = looseObject({
  type: isString,
  index: nullish(isFiniteNumber),
  message: nullish(looseObject({ id: optionalString })),
  content_block: absent,
  delta: nullish(
    looseObject({
      type: optionalString,
      text: optionalString,
      thinking: optionalString,
      signature: optionalString,
      partial_json: optionalString,
      citation: absent,
    }),
  ),
  usage: nullish(isStringRecord),
  completion: optionalString,
});
