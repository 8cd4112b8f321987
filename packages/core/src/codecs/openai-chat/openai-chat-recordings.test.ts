import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Usage } from "../../schemas/log-record.js";
import { assistantMessageSchema } from "../../schemas/message.js";
import { azureOpenaiChatCodec, openaiChatCodec } from "./index.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- recordings are untyped JSON, read field by field below
type Json = any;
const fixture = (name: string): Json => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8"));

/** Every non-streaming Chat Completions recording, with what its blueprint answer must hold (read from the file). */
const recordings: {
  file: string;
  codec: typeof openaiChatCodec;
  text: (body: Json) => string;
  thinking: (body: Json) => string | undefined;
  toolCalls: (body: Json) => { name: string; arguments: unknown }[];
  usage: (body: Json) => Usage | null;
}[] = [
  {
    file: "openai-text.json",
    codec: openaiChatCodec,
    text: (body) => body.choices[0].message.content,
    thinking: () => undefined,
    toolCalls: () => [],
    usage: (body) => ({
      input_tokens: body.usage.prompt_tokens,
      output_tokens: body.usage.completion_tokens,
      cached_input_tokens: body.usage.prompt_tokens_details.cached_tokens,
      reasoning_tokens: body.usage.completion_tokens_details.reasoning_tokens,
    }),
  },
  {
    // xAI counts reasoning outside completion_tokens (total = prompt + completion + reasoning).
    file: "xai-text.json",
    codec: openaiChatCodec,
    text: (body) => body.choices[0].message.content,
    thinking: (body) => body.choices[0].message.reasoning_content,
    toolCalls: () => [],
    usage: (body) => ({
      input_tokens: body.usage.prompt_tokens,
      output_tokens: body.usage.completion_tokens + body.usage.completion_tokens_details.reasoning_tokens,
      cached_input_tokens: body.usage.prompt_tokens_details.cached_tokens,
      reasoning_tokens: body.usage.completion_tokens_details.reasoning_tokens,
    }),
  },
  {
    file: "xai-tool-call.json",
    codec: openaiChatCodec,
    text: () => "",
    thinking: (body) => body.choices[0].message.reasoning_content,
    toolCalls: () => [{ name: "weather", arguments: { location: "San Francisco" } }],
    usage: (body) => ({
      input_tokens: body.usage.prompt_tokens,
      output_tokens: body.usage.completion_tokens + body.usage.completion_tokens_details.reasoning_tokens,
      cached_input_tokens: body.usage.prompt_tokens_details.cached_tokens,
      reasoning_tokens: body.usage.completion_tokens_details.reasoning_tokens,
    }),
  },
  {
    file: "azure-deepseek-reasoning.1.json",
    codec: azureOpenaiChatCodec,
    text: (body) => body.choices[0].message.content,
    thinking: (body) => body.choices[0].message.reasoning_content,
    toolCalls: () => [],
    usage: (body) => ({ input_tokens: body.usage.prompt_tokens, output_tokens: body.usage.completion_tokens }),
  },
  {
    file: "reasoning-model-legacy-parameter-error.json",
    codec: openaiChatCodec,
    text: () => "",
    thinking: () => undefined,
    toolCalls: () => [],
    usage: () => null,
  },
];

describe("Chat Completions recordings → blueprint answers", () => {
  it.each(recordings)("$file", ({ file, codec, text, thinking, toolCalls, usage }) => {
    const body = fixture(file);
    const message = codec.responseToMessage(body);

    expect(assistantMessageSchema.safeParse(message).success).toBe(true);
    expect(message.role).toBe("assistant");
    const content = message.content ?? [];
    const texts = content.filter((block) => block.type === "text").map((block) => block.text);
    const calls = toolCalls(body);
    if (calls.length === 0) {
      // Blueprint readers take the last block's text.
      expect(content.at(-1)).toEqual({ type: "text", text: text(body) });
    } else {
      expect(texts.join("")).toBe(text(body));
    }
    const thoughts = content.filter((block) => block.type === "thinking").map((block) => block.thinking);
    expect(thoughts).toEqual(thinking(body) === undefined ? [] : [thinking(body)]);
    expect((message.tool_calls ?? []).map((call) => ({ name: call.function.name, arguments: JSON.parse(call.function.arguments) }))).toEqual(
      calls,
    );
    expect(codec.usage(body)).toEqual(usage(body));
  });

  it("keeps url citations on the text block and turns a refusal into text", () => {
    const annotation = { type: "url_citation", url_citation: { url: "https://example.com", title: "Ex", start_index: 0, end_index: 4 } };
    const cited = openaiChatCodec.responseToMessage({ choices: [{ message: { role: "assistant", content: "Text", annotations: [annotation] } }] });
    expect(cited.content).toEqual([{ type: "text", text: "Text", annotations: [annotation] }]);

    const refused = openaiChatCodec.responseToMessage({ choices: [{ message: { role: "assistant", content: null, refusal: "I can't help with that." } }] });
    expect(refused.content).toEqual([{ type: "text", text: "I can't help with that." }]);
  });

  it("keeps a legacy function call", () => {
    const message = openaiChatCodec.responseToMessage({
      choices: [{ message: { role: "assistant", content: null, function_call: { name: "add", arguments: '{"a":1}' } } }],
    });
    expect(message.content).toEqual([]);
    expect(message.function_call).toEqual({ name: "add", arguments: '{"a":1}' });
  });

  it.each([null, "text", 42, {}, { choices: [] }, { choices: [{ message: { content: 7, tool_calls: "x" } }] }])(
    "does not crash on %j",
    (body) => {
      expect(openaiChatCodec.responseToMessage(body).content).toEqual([{ type: "text", text: "" }]);
      expect(openaiChatCodec.usage(body)).toBeNull();
    },
  );
});
