import { describe, expect, it, vi } from "vitest";
import { chatCompletionResponseSchema, chatUsageSchema } from "./openai-chat-api-schemas.js";
import { convertChatResponseMessage, convertFromOpenAIChatMessages, convertOpenAIChatResponseToMessage } from "./convert-from-openai-chat-messages.js";
import { convertOpenAIChatUsage } from "./openai-chat-usage.js";

// The hot path of run() reads well-formed responses, usage and messages without zod.
// These tests pin that it answers exactly what the schemas decide, valid or not.

/** The answer as the schema alone decides it. */
function answerBySchema(response: unknown) {
  const parsed = chatCompletionResponseSchema.safeParse(response);
  return convertChatResponseMessage((parsed.success ? parsed.data.choices?.[0]?.message : undefined) ?? {});
}

const plainResponse = {
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1,
  model: "gpt-4o-mini",
  choices: [{ index: 0, message: { role: "assistant", content: "Hello!", refusal: null }, logprobs: null, finish_reason: "stop" }],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
};

const withChoice = (choice: Record<string, unknown>) => ({ ...plainResponse, choices: [{ ...plainResponse.choices[0], ...choice }] });
const withMessage = (message: Record<string, unknown>) => withChoice({ message: { role: "assistant", ...message } });

describe("convertOpenAIChatResponseToMessage", () => {
  const cases: [string, unknown][] = [
    ["a plain answer", plainResponse],
    ["reasoning beside the answer", withMessage({ content: "4", reasoning_content: "2+2" })],
    ["a refusal", withMessage({ content: null, refusal: "I can't." })],
    ["no choices", { ...plainResponse, choices: null }],
    ["a null message", withChoice({ message: null })],
    ["content parts", withMessage({ content: [{ type: "text", text: "a" }, { type: "thinking", thinking: "b" }] })],
    ["tool calls", withMessage({ content: "", tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }] })],
    ["no annotations (OpenAI's usual empty list)", withMessage({ content: "Hello!", refusal: null, annotations: [] })],
    ["annotations", withMessage({ content: "see", annotations: [{ type: "url_citation", url_citation: { url: "https://x" } }] })],
    ["a numeric id", { ...plainResponse, id: 5 }],
    ["a string index", withChoice({ index: "0" })],
    ["an infinite index", withChoice({ index: Infinity })],
    ["a numeric finish_reason", withChoice({ finish_reason: 1 })],
    ["a numeric refusal", withMessage({ content: "x", refusal: 3 })],
    ["a bad second choice", { ...plainResponse, choices: [plainResponse.choices[0], { index: 1, message: "oops" }] }],
    ["choices that are not a list", { ...plainResponse, choices: "x" }],
    ["a list", [plainResponse]],
    ["null", null],
  ];
  it.each(cases)("answers as the schema does for %s", (_name, response) => {
    expect(convertOpenAIChatResponseToMessage(response)).toEqual(answerBySchema(response));
  });

  it("reads OpenAI's usual answer (an empty annotations list) without zod", () => {
    const parse = vi.spyOn(chatCompletionResponseSchema, "safeParse");
    try {
      const answer = convertOpenAIChatResponseToMessage(withMessage({ content: "Hello!", refusal: null, annotations: [] }));
      expect(answer.content?.at(-1)).toEqual({ type: "text", text: "Hello!" });
      expect(parse).not.toHaveBeenCalled();
      convertOpenAIChatResponseToMessage(withMessage({ content: "see", annotations: [{ type: "url_citation" }] }));
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      parse.mockRestore();
    }
  });

  it("reads the plain answer", () => {
    expect(convertOpenAIChatResponseToMessage(plainResponse).content?.at(-1)).toEqual({ type: "text", text: "Hello!" });
    expect(convertOpenAIChatResponseToMessage(withChoice({ index: "0" })).content?.at(-1)).toEqual({ type: "text", text: "" });
  });
});

describe("convertOpenAIChatUsage", () => {
  const cases: [string, unknown][] = [
    ["plain counts", { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 }],
    ["details", { prompt_tokens: 3, completion_tokens: 9, total_tokens: 17, prompt_tokens_details: { cached_tokens: 1 }, completion_tokens_details: { reasoning_tokens: 5 } }],
    ["null details", { prompt_tokens: 3, completion_tokens: 2, prompt_tokens_details: null, completion_tokens_details: null }],
    ["no counts", { total_tokens: 5 }],
    ["a string count", { prompt_tokens: "3", completion_tokens: 2 }],
    ["a NaN count", { prompt_tokens: Number.NaN, completion_tokens: 2 }],
    ["a list of details", { prompt_tokens: 3, completion_tokens: 2, prompt_tokens_details: [] }],
    ["a string cached count", { prompt_tokens: 3, completion_tokens: 2, prompt_tokens_details: { cached_tokens: "1" } }],
    ["a list", [1]],
    ["undefined", undefined],
  ];
  it.each(cases)("answers as the schema does for %s", (_name, usage) => {
    const parsed = chatUsageSchema.safeParse(usage);
    const bySchema = parsed.success ? convertOpenAIChatUsage(parsed.data) : null;
    expect(convertOpenAIChatUsage(usage)).toEqual(bySchema);
  });

  it("rejects a malformed count", () => {
    expect(convertOpenAIChatUsage({ prompt_tokens: "3", completion_tokens: 2 })).toBeNull();
    expect(convertOpenAIChatUsage({ prompt_tokens: 3, completion_tokens: 2 })).toEqual({ input_tokens: 3, output_tokens: 2 });
  });
});

describe("convertFromOpenAIChatMessages", () => {
  it("reads plain messages and leaves out the ones the schema refuses", () => {
    const messages = convertFromOpenAIChatMessages([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi", name: 3 },
      { role: "user", content: "Hi", tool_call_id: 4 },
      { content: "no role" },
      { role: "assistant", content: "", tool_calls: [] },
      { role: "tool", content: "42", tool_call_id: "c1", name: null },
    ]);
    expect(messages.map((message) => [message.role, message.raw_request_display_role])).toEqual([
      ["system", "system"],
      ["assistant", "assistant"],
      ["tool", "tool"],
    ]);
    expect(messages[1]).toMatchObject({ role: "assistant", tool_calls: null, function_call: null, name: null });
    expect(messages[2]).toMatchObject({ tool_call_id: "c1", name: null, content: [{ type: "text", text: "42" }] });
  });
});
