import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chatCompletionChunkSchema } from "./openai-chat-api-schemas.js";
import { isWellFormedChatChunk } from "./openai-chat-chunk-check.js";

// The stream accumulator skips zod for chunks the structural check accepts.
// Whatever it accepts, zod must accept with an equal output; and it must
// accept the usual chunks, or it would prove nothing.

class Instance {
  type = "text";
}

/** Values that trip hand-written checks. */
const tricky: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(undefined, null, Number.NaN, Number.POSITIVE_INFINITY, -0, 1.5, 0, "", true),
  fc.string({ maxLength: 4 }),
  fc.integer(),
  fc.sparseArray(fc.string({ maxLength: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(fc.string({ maxLength: 2 }), fc.integer()), { maxKeys: 2 }),
  fc.constant(null).map(() => Object.assign(Object.create(null) as object, { type: "text" })),
  fc.constant(null).map(() => JSON.parse('{"__proto__": {"type": 1}, "type": "text"}') as unknown),
  fc.constant(null).map(() => new Instance()),
  fc.constant(null).map(() => new Date(0)),
  fc.constant(null).map(() => new Map([["type", "text"]])),
  fc.constant(null).map(() => new String("x")),
);

/** A field well-formed or tricky, or absent. */
function field<T>(wellFormed: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 4, arbitrary: wellFormed }, { weight: 1, arbitrary: tricky });
}
const text = fc.string({ maxLength: 5 });
const maybeText = field(fc.option(text, { nil: undefined }));
const maybeNumber = field(fc.option(fc.integer(), { nil: undefined }));
const args = field(fc.oneof(text, fc.dictionary(text, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 })));
const record = <T extends Record<string, fc.Arbitrary<unknown>>>(fields: T) => field(fc.record(fields, { requiredKeys: [], noNullPrototype: true }));

const toolCall = record({ index: maybeNumber, id: maybeText, type: maybeText, function: record({ name: maybeText, arguments: args }) });
const contentChunk = record({
  type: maybeText,
  text: maybeText,
  thinking: field(fc.oneof(text, fc.array(record({ type: maybeText, text: maybeText }), { maxLength: 2 }))),
  signature: maybeText,
});
const delta = record({
  role: maybeText,
  content: field(fc.oneof(text, fc.array(contentChunk, { maxLength: 2 }))),
  refusal: maybeText,
  reasoning_content: maybeText,
  reasoning: maybeText,
  tool_calls: field(fc.array(toolCall, { maxLength: 2 })),
  function_call: record({ name: maybeText, arguments: args }),
  annotations: field(fc.array(record({ type: field(text), url: maybeText }), { maxLength: 2 })),
});
const chunk = record({
  id: maybeText,
  object: maybeText,
  created: maybeNumber,
  model: maybeText,
  system_fingerprint: maybeText,
  service_tier: maybeText,
  choices: field(fc.array(record({ index: maybeNumber, delta, finish_reason: maybeText, logprobs: field(fc.constant(null)) }), { maxLength: 2 })),
  usage: field(fc.record({ prompt_tokens: fc.integer(), completion_tokens: fc.integer() })),
  extra: field(text),
});

describe("isWellFormedChatChunk", () => {
  it("accepts only what chatCompletionChunkSchema accepts, with an equal output", () => {
    fc.assert(
      fc.property(chunk, (event) => {
        if (!isWellFormedChatChunk(event)) return;
        const parsed = chatCompletionChunkSchema.safeParse(event);
        expect(parsed.success).toBe(true);
        expect(parsed.data).toStrictEqual(event);
      }),
      { numRuns: 3000 },
    );
  });

  it("takes the fast path for the usual chunks", () => {
    let accepted = 0;
    fc.assert(
      fc.property(chunk, (event) => {
        if (isWellFormedChatChunk(event)) accepted++;
      }),
      { numRuns: 1000 },
    );
    expect(accepted).toBeGreaterThan(50);
    const usual = {
      id: "chatcmpl-1",
      object: "chat.completion.chunk",
      created: 1,
      model: "gpt-4o-mini",
      choices: [{ index: 0, delta: { role: "assistant", content: "Hi", tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "f", arguments: "{" } }] }, logprobs: null, finish_reason: null }],
    };
    expect(isWellFormedChatChunk(usual)).toBe(true);
    expect(isWellFormedChatChunk({ ...usual, created: "1" })).toBe(false);
  });
});
