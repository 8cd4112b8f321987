import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chatCompletionResponseSchema, chatUsageSchema } from "./openai-chat-api-schemas.js";
import { convertChatResponseMessage, convertFromOpenAIChatMessages, convertOpenAIChatResponseToMessage, kwargsMessageSchema } from "./convert-from-openai-chat-messages.js";
import { convertOpenAIChatUsage } from "./openai-chat-usage.js";

// The hot path of run() reads well-formed responses, usage and messages
// without zod. On generated inputs, near-valid and tricky alike, each answers
// exactly what it answers from zod's parse (nothing when zod refuses).

class Instance {
  value = 1;
}

/** Values hand-written checks get wrong: odd numbers, holes, odd objects. */
const tricky: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(undefined, null, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 1.5, "", "0", true, false),
  fc.integer(),
  fc.string({ maxLength: 6 }),
  fc.sparseArray(fc.string({ maxLength: 3 }), { maxLength: 3 }),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }),
  fc.constant(null).map(() => Object.create(null) as object),
  fc.constant(null).map(() => new Instance()),
  fc.constant(null).map(() => new Date(0)),
);

const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ arbitrary, weight: 3 }, { arbitrary: tricky, weight: 1 });
const nullish = fc.constantFrom(null, undefined);
const count = maybe(fc.oneof(fc.nat(1000), nullish));

const usage = maybe(
  fc.record(
    {
      prompt_tokens: count,
      completion_tokens: count,
      total_tokens: count,
      prompt_tokens_details: maybe(fc.oneof(nullish, fc.record({ cached_tokens: count }, { requiredKeys: [] }))),
      completion_tokens_details: maybe(fc.oneof(nullish, fc.record({ reasoning_tokens: count }, { requiredKeys: [] }))),
    },
    { requiredKeys: [] },
  ),
);

const text = maybe(fc.oneof(fc.string({ maxLength: 8 }), nullish));
const toolCall = fc.record({ id: text, type: fc.constant("function"), function: maybe(fc.record({ name: text, arguments: maybe(fc.oneof(fc.string({ maxLength: 8 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }))) }, { requiredKeys: [] })) }, { requiredKeys: [] });
const contentPart = maybe(fc.record({ type: fc.constantFrom("text", "thinking", "image_url", "refusal"), text: text, thinking: text }, { requiredKeys: [] }));

const responseMessage = maybe(
  fc.record(
    {
      role: maybe(fc.constant("assistant")),
      content: maybe(fc.oneof(fc.string({ maxLength: 8 }), nullish, fc.array(contentPart, { maxLength: 2 }))),
      refusal: text,
      reasoning_content: text,
      reasoning: text,
      tool_calls: maybe(fc.oneof(nullish, fc.array(toolCall, { maxLength: 2 }))),
      function_call: maybe(nullish),
      annotations: maybe(fc.oneof(nullish, fc.array(fc.record({ type: fc.constant("url_citation") }), { maxLength: 1 }))),
    },
    { requiredKeys: [] },
  ),
);

const response = maybe(
  fc.record(
    {
      id: text,
      model: text,
      choices: maybe(fc.oneof(nullish, fc.array(maybe(fc.record({ index: maybe(fc.oneof(fc.nat(3), nullish)), message: responseMessage, finish_reason: text }, { requiredKeys: [] })), { maxLength: 2 }))),
      usage,
    },
    { requiredKeys: [] },
  ),
);

const kwargsMessage = maybe(
  fc.record(
    {
      role: maybe(fc.constantFrom("system", "developer", "user", "assistant", "tool", "function", "critic")),
      content: maybe(fc.oneof(fc.string({ maxLength: 8 }), nullish, fc.array(contentPart, { maxLength: 2 }))),
      name: text,
      tool_call_id: text,
      tool_calls: maybe(fc.oneof(nullish, fc.array(toolCall, { maxLength: 1 }))),
      function_call: maybe(fc.oneof(nullish, fc.record({ name: text, arguments: text }, { requiredKeys: [] }))),
    },
    { requiredKeys: [] },
  ),
);

describe("the OpenAI chat fast paths agree with their zod schemas", () => {
  it("usage: the same Usage, or null when zod refuses", () => {
    fc.assert(
      fc.property(usage, (value) => {
        const parsed = chatUsageSchema.safeParse(value);
        expect(convertOpenAIChatUsage(value)).toStrictEqual(parsed.success ? convertOpenAIChatUsage(parsed.data) : null);
      }),
      { numRuns: 3000 },
    );
  });

  it("a response: the same assistant message as from zod's parse (an empty answer when zod refuses)", () => {
    fc.assert(
      fc.property(response, (value) => {
        const parsed = chatCompletionResponseSchema.safeParse(value);
        const bySchema = convertChatResponseMessage((parsed.success ? parsed.data.choices?.[0]?.message : undefined) ?? {});
        expect(convertOpenAIChatResponseToMessage(value)).toStrictEqual(bySchema);
      }),
      { numRuns: 3000 },
    );
  });

  it("request messages: the same blueprint messages as from zod's parse, and none for a message zod refuses", () => {
    fc.assert(
      fc.property(fc.array(kwargsMessage, { maxLength: 3 }), (messages) => {
        const bySchema = messages.flatMap((message) => {
          const parsed = kwargsMessageSchema.safeParse(message);
          return parsed.success ? convertFromOpenAIChatMessages([parsed.data]) : [];
        });
        expect(convertFromOpenAIChatMessages(messages)).toStrictEqual(bySchema);
      }),
      { numRuns: 3000 },
    );
  });

  it("a thinking part that is neither text nor a list reads as empty thinking (it threw a TypeError)", () => {
    const [message] = convertFromOpenAIChatMessages([{ role: "user", content: [{ type: "thinking", thinking: { value: 1 }, signature: 5 }] }]);
    expect(message?.content).toEqual([{ type: "thinking", thinking: "" }]);
    const [mistral] = convertFromOpenAIChatMessages([{ role: "assistant", content: [{ type: "thinking", thinking: [{ type: "text", text: "a" }, { text: null }, "b"], signature: "s" }] }]);
    expect(mistral?.content).toEqual([{ type: "thinking", thinking: "a", signature: "s" }]);
  });
});
