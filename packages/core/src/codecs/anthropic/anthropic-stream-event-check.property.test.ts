import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { anthropicStreamEventSchema } from "./anthropic-api-schemas.js";
import { isPlainAnthropicStreamEvent } from "./anthropic-stream-event-check.js";

// The stream accumulator skips zod for events the structural check accepts.
// Whatever it accepts, zod must accept with an equal output; and it must
// accept the usual deltas, or it would prove nothing.

class Instance {
  type = "text_delta";
}

const tricky: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(undefined, null, Number.NaN, Number.NEGATIVE_INFINITY, -0, 1.5, 0, "", false),
  fc.string({ maxLength: 4 }),
  fc.integer(),
  fc.sparseArray(fc.string({ maxLength: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(fc.string({ maxLength: 2 }), fc.integer()), { maxKeys: 2 }),
  fc.constant(null).map(() => Object.assign(Object.create(null) as object, { type: "text" })),
  fc.constant(null).map(() => JSON.parse('{"__proto__": {"type": 1}, "type": "text"}') as unknown),
  fc.constant(null).map(() => new Instance()),
  fc.constant(null).map(() => new Date(0)),
  fc.constant(null).map(() => new String("x")),
);

function field<T>(wellFormed: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 12, arbitrary: wellFormed }, { weight: 1, arbitrary: tricky });
}
const text = fc.string({ maxLength: 5 });
const maybeText = field(fc.option(text, { nil: undefined }));
const record = <T extends Record<string, fc.Arbitrary<unknown>>>(fields: T) => field(fc.record(fields, { requiredKeys: [], noNullPrototype: true }));
const rarely = (value: fc.Arbitrary<unknown>) => fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: value });

const event = field(
  fc.record(
    {
      type: field(fc.constantFrom("message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop", "ping", "completion")),
      index: field(fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined })),
      message: record({ id: maybeText, role: maybeText, usage: field(fc.record({ input_tokens: fc.integer() })) }),
      content_block: rarely(field(fc.record({ type: fc.constantFrom("text", "tool_use", "thinking"), text, id: text, name: text, input: fc.constant({}) }, { requiredKeys: ["type"], noNullPrototype: true }))),
      delta: record({
        type: maybeText,
        text: maybeText,
        thinking: maybeText,
        signature: maybeText,
        partial_json: maybeText,
        stop_reason: maybeText,
        citation: rarely(field(fc.record({ type: fc.constant("char_location"), cited_text: text }))),
      }),
      usage: field(fc.option(fc.dictionary(text, fc.oneof(fc.integer(), fc.constant(null)), { maxKeys: 2 }), { nil: undefined })),
      completion: maybeText,
    },
    { requiredKeys: ["type"], noNullPrototype: true },
  ),
);

describe("isPlainAnthropicStreamEvent", () => {
  it("accepts only what anthropicStreamEventSchema accepts, with an equal output", () => {
    fc.assert(
      fc.property(event, (value) => {
        if (!isPlainAnthropicStreamEvent(value)) return;
        const parsed = anthropicStreamEventSchema.safeParse(value);
        expect(parsed.success).toBe(true);
        expect(parsed.data).toStrictEqual(value);
      }),
      { numRuns: 3000 },
    );
  });

  it("takes the fast path for the usual events, and leaves content blocks to zod", () => {
    let accepted = 0;
    fc.assert(
      fc.property(event, (value) => {
        if (isPlainAnthropicStreamEvent(value)) accepted++;
      }),
      { numRuns: 1000 },
    );
    expect(accepted).toBeGreaterThan(50);
    expect(isPlainAnthropicStreamEvent({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } })).toBe(true);
    expect(isPlainAnthropicStreamEvent({ type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 12 } })).toBe(true);
    expect(isPlainAnthropicStreamEvent({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } })).toBe(false);
    expect(isPlainAnthropicStreamEvent({ type: 1 })).toBe(false);
  });
});
