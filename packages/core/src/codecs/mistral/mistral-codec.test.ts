import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InvalidTemplateError } from "../../errors/promptline-error.js";
import type { AssistantMessage, Message } from "../../schemas/message.js";
import { modelSettingsSchema } from "../../schemas/metadata.js";
import { chatTemplateSchema, type ChatTemplate } from "../../schemas/template.js";
import { mistralCodec } from "./index.js";

const fixtureText = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8");
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- recordings are untyped JSON, read field by field below
const fixture = (name: string): any => JSON.parse(fixtureText(name));
const events = (name: string): unknown[] =>
  fixtureText(name)
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));

function accumulate(name: string) {
  const accumulator = mistralCodec.createStreamAccumulator();
  const deltas = events(name).map((event) => accumulator.push(event));
  return { accumulator, deltas };
}

/** The structure of an answer: block types, tool names and parsed arguments. */
const structure = (message: AssistantMessage) => ({
  role: message.role,
  blocks: (message.content ?? []).map((block) => block.type),
  toolCalls: (message.tool_calls ?? []).map((call) => ({ name: call.function.name, arguments: JSON.parse(call.function.arguments) })),
});

const blocksOf = (deltas: AssistantMessage[], type: "text" | "thinking") =>
  deltas
    .flatMap((delta) => delta.content ?? [])
    .flatMap((block) => (block.type === "text" && type === "text" ? [block.text] : block.type === "thinking" && type === "thinking" ? [block.thinking] : []))
    .join("");

describe("Mistral recordings", () => {
  it("mistral-text.json: text answer and usage", () => {
    const body = fixture("mistral-text.json");
    const message = mistralCodec.responseToMessage(body);
    expect(message.content).toEqual([{ type: "text", text: body.choices[0].message.content }]);
    expect(message.tool_calls).toBeNull();
    expect(mistralCodec.usage(body)).toEqual({ input_tokens: body.usage.prompt_tokens, output_tokens: body.usage.completion_tokens });
  });

  it("mistral-reasoning.json: thinking chunks become a thinking block before the text", () => {
    const body = fixture("mistral-reasoning.json");
    const [thinking, text] = body.choices[0].message.content;
    expect(mistralCodec.responseToMessage(body).content).toEqual([
      { type: "thinking", thinking: thinking.thinking[0].text },
      { type: "text", text: text.text },
    ]);
    expect(mistralCodec.usage(body)).toEqual({ input_tokens: 10, output_tokens: 46 });
  });

  it("mistral-tool-call.json: a call without content or type", () => {
    const body = fixture("mistral-tool-call.json");
    const message = mistralCodec.responseToMessage(body);
    expect(message.content).toEqual([]);
    expect(message.tool_calls).toEqual([
      { id: "gSIMJiOkT", type: "function", function: { name: "weather", arguments: body.choices[0].message.tool_calls[0].function.arguments } },
    ]);
    expect(mistralCodec.usage(body)).toEqual({ input_tokens: body.usage.prompt_tokens, output_tokens: body.usage.completion_tokens });
  });

  it.each(["mistral-text", "mistral-reasoning", "mistral-tool-call"])("%s: the stream assembles into the non-streaming answer", (name) => {
    const body = fixture(`${name}.json`);
    const { accumulator, deltas } = accumulate(`${name}.chunks.txt`);
    const fromStream = mistralCodec.responseToMessage(accumulator.response());
    const fromBody = mistralCodec.responseToMessage(body);
    expect(structure(fromStream)).toEqual(structure(fromBody));
    // The stream's text is the concatenation of its deltas.
    expect(fromStream.content?.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("")).toBe(blocksOf(deltas, "text"));
    if (name !== "mistral-text") expect(fromStream).toEqual(fromBody); // same sampled answer both ways
    expect(accumulator.response()).toMatchObject({ id: body.id, model: body.model, object: "chat.completion" });
    expect((accumulator.response() as { choices: { finish_reason: string }[] }).choices[0]?.finish_reason).toBe(body.choices[0].finish_reason);
  });

  it("mistral-text.chunks.txt: deltas and usage", () => {
    const { accumulator, deltas } = accumulate("mistral-text.chunks.txt");
    expect(blocksOf(deltas, "text")).toBe("Hello, world! This is a test response.");
    expect(accumulator.usage()).toEqual({ input_tokens: 13, output_tokens: 8 });
  });

  it("mistral-reasoning.chunks.txt: thinking deltas, then text", () => {
    const { deltas } = accumulate("mistral-reasoning.chunks.txt");
    expect(blocksOf(deltas, "thinking")).toBe("The user is asking for 2+2. This is basic arithmetic. 2+2=4.");
    expect(deltas.map((delta) => (delta.content ?? []).map((block) => block.type))).toEqual([["thinking"], ["thinking"], ["text"], []]);
  });

  it("mistral-incremental-tool-call.chunks.txt: fragments merged by index", () => {
    const { accumulator, deltas } = accumulate("mistral-incremental-tool-call.chunks.txt");
    const message = mistralCodec.responseToMessage(accumulator.response());
    expect(message.tool_calls).toEqual([
      { id: "chatcmpl-tool-9f149c74c42f265b", type: "function", function: { name: "webSearchTool", arguments: '{"query": "current Berlin weather"}' } },
    ]);
    expect(deltas.flatMap((delta) => delta.tool_calls ?? []).map((call) => call.function.arguments).join("")).toBe(
      '{"query": "current Berlin weather"}',
    );
    expect(accumulator.usage()).toEqual({ input_tokens: 171, output_tokens: 14, cached_input_tokens: 128 });
  });

  it("reads the camelCase objects of Mistral's SDK, as PromptLayer's SDK logs them", () => {
    const sdkResponse = {
      id: "x",
      model: "mistral-small-latest",
      usage: { promptTokens: 124, completionTokens: 22, totalTokens: 146 },
      choices: [{ index: 0, finishReason: "tool_calls", message: { role: "assistant", toolCalls: [{ id: "c1", function: { name: "weather", arguments: { cityName: "Paris" } } }] } }],
    };
    expect(mistralCodec.responseToMessage(sdkResponse).tool_calls).toEqual([
      { id: "c1", type: "function", function: { name: "weather", arguments: '{"cityName":"Paris"}' } },
    ]);
    expect(mistralCodec.usage(sdkResponse)).toEqual({ input_tokens: 124, output_tokens: 22 });

    const accumulator = mistralCodec.createStreamAccumulator();
    const delta = accumulator.push({ data: { id: "x", choices: [{ index: 0, delta: { content: "Hi" }, finishReason: null }] } });
    expect(delta.content).toEqual([{ type: "text", text: "Hi" }]);
  });
});

const model = modelSettingsSchema.parse({ provider: "mistral", name: "magistral-medium-latest", parameters: { temperature: 0.3, max_tokens: 300, random_seed: 4, safe_prompt: false } });

const roundTrip: ChatTemplate = chatTemplateSchema.parse({
  type: "chat",
  messages: [
    { role: "system", content: [{ type: "text", text: "You answer briefly." }] },
    {
      role: "user",
      content: [
        { type: "text", text: "What is in this image, and the weather there?" },
        { type: "image_url", image_url: { url: "https://example.com/rome.jpg" } },
      ],
    },
    {
      role: "assistant",
      content: [
        { type: "thinking", thinking: "The image shows Rome." },
        { type: "text", text: "Rome. Checking the weather." },
      ],
      tool_calls: [{ id: "abcdefghi", type: "function", function: { name: "weather", arguments: '{"location":"Rome"}' } }],
    },
    { role: "tool", tool_call_id: "abcdefghi", content: [{ type: "text", text: "Sunny" }] },
  ],
  tools: [{ type: "function", function: { name: "weather", description: "Weather", parameters: { type: "object", properties: { location: { type: "string" } } } } }],
  tool_choice: "any",
});

describe("mistralCodec kwargs", () => {
  it("round-trips a blueprint through kwargs", () => {
    const kwargs = mistralCodec.toLlmKwargs(roundTrip, model);
    const back = mistralCodec.fromLlmKwargs(kwargs);
    const expected = roundTrip.messages.map(
      (message) =>
        ({
          raw_request_display_role: message.role,
          input_variables: [],
          template_format: "f-string",
          dataset_examples: [],
          name: null,
          ...(message.role === "assistant" ? { function_call: null } : {}),
          ...message,
        }) as Message,
    );
    expect(back.template).toEqual({ ...roundTrip, messages: expected, functions: [], function_call: null, input_variables: [], dataset_examples: [] });
    expect(back.model).toEqual({ name: "magistral-medium-latest", parameters: model.parameters });
  });

  it("builds the exact request body", () => {
    const kwargs = mistralCodec.toLlmKwargs(roundTrip, modelSettingsSchema.parse({ ...model, parameters: { ...model.parameters, stream: true } }));
    const { path, body } = mistralCodec.toHttpRequest({ ...kwargs, apiKey: "secret" }, { stream: true });
    expect(path).toBe("/chat/completions");
    expect(JSON.stringify(body)).toBe(
      JSON.stringify({
        messages: [
          { role: "system", content: "You answer briefly." },
          {
            role: "user",
            content: [
              { type: "text", text: "What is in this image, and the weather there?" },
              { type: "image_url", image_url: "https://example.com/rome.jpg" },
            ],
          },
          {
            role: "assistant",
            content: [
              { type: "thinking", thinking: [{ type: "text", text: "The image shows Rome." }] },
              { type: "text", text: "Rome. Checking the weather." },
            ],
            tool_calls: [{ id: "abcdefghi", type: "function", function: { name: "weather", arguments: '{"location":"Rome"}' } }],
          },
          { role: "tool", tool_call_id: "abcdefghi", content: "Sunny" },
        ],
        model: "magistral-medium-latest",
        tools: [
          {
            type: "function",
            function: { name: "weather", description: "Weather", parameters: { type: "object", properties: { location: { type: "string" } } }, strict: false },
          },
        ],
        tool_choice: "any",
        temperature: 0.3,
        max_tokens: 300,
        random_seed: 4,
        safe_prompt: false,
        stream: true,
      }),
    );
    expect(mistralCodec.toHttpRequest(kwargs, { stream: false }).body).not.toHaveProperty("stream");
  });

  it("sends developer messages as system messages", () => {
    const template = chatTemplateSchema.parse({ type: "chat", messages: [{ role: "developer", content: [{ type: "text", text: "Be terse." }] }] });
    expect(mistralCodec.toLlmKwargs(template, model).messages).toEqual([{ role: "system", content: "Be terse." }]);
  });

  it.each([
    ["function messages", { messages: [{ role: "function", name: "f", content: [{ type: "text", text: "1" }] }] }, /function messages/],
    ["legacy functions", { messages: [], functions: [{ name: "f" }] }, /legacy functions/],
    ["built-in tools", { messages: [], tools: [{ type: "code_interpreter" }] }, /"code_interpreter" tool/],
    ["placeholders", { messages: [{ role: "placeholder", name: "history" }] }, /placeholder/],
  ])("rejects %s", (_, template, message) => {
    const parsed = chatTemplateSchema.parse({ type: "chat", ...template });
    expect(() => mistralCodec.toLlmKwargs(parsed, model)).toThrow(InvalidTemplateError);
    expect(() => mistralCodec.toLlmKwargs(parsed, model)).toThrow(message);
  });

  it("has PromptLayer's id and function name", () => {
    expect([mistralCodec.id, mistralCodec.functionNames]).toEqual(["mistral.chat", ["mistral.client.chat"]]);
  });
});
