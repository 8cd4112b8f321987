import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assistantMessageSchema, type AssistantMessage } from "../../schemas/message.js";
import { bedrockConverseCodec } from "./index.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- recordings are untyped JSON, read field by field below
type Json = any;
const fixtures = new URL("./__fixtures__/", import.meta.url);
const read = (name: string) => readFileSync(new URL(name, fixtures), "utf8");
const fixture = (name: string): Json => JSON.parse(read(name));
const events = (name: string): Json[] =>
  read(name)
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));
const names = readdirSync(fixtures);

function summary(message: AssistantMessage) {
  const content = message.content ?? [];
  return {
    texts: content.flatMap((block) => (block.type === "text" ? [block.text] : [])),
    thinking: content.flatMap((block) => (block.type === "thinking" ? [{ thinking: block.thinking, signature: block.signature ?? null }] : [])),
    toolCalls: (message.tool_calls ?? []).map((call) => ({ id: call.id, name: call.function.name, input: JSON.parse(call.function.arguments) })),
  };
}

/** The same summary read straight from a Converse response body. */
function expectedFromResponse(body: Json) {
  const content: Json[] = body.output.message.content;
  const texts = content.filter((block) => typeof block.text === "string").map((block) => block.text);
  const toolCalls = content.filter((block) => block.toolUse).map(({ toolUse }) => ({ id: toolUse.toolUseId, name: toolUse.name, input: toolUse.input }));
  return {
    texts: texts.length === 0 && toolCalls.length === 0 ? [""] : texts,
    thinking: content
      .filter((block) => block.reasoningContent)
      .map(({ reasoningContent }) => ({ thinking: reasoningContent.reasoningText.text, signature: reasoningContent.reasoningText.signature ?? null })),
    toolCalls,
  };
}

function expectedUsage(usage: Json) {
  const result: Json = {
    input_tokens: usage.inputTokens + (usage.cacheReadInputTokens ?? 0) + (usage.cacheWriteInputTokens ?? 0),
    output_tokens: usage.outputTokens,
  };
  if (usage.cacheReadInputTokens !== undefined) result.cached_input_tokens = usage.cacheReadInputTokens;
  return result;
}

function expectWellFormedAnswer(message: AssistantMessage) {
  expect(assistantMessageSchema.safeParse(message).success).toBe(true);
  const content = message.content ?? [];
  if (content.length > 0) expect(content.at(-1)?.type).toBe("text");
}

describe("Bedrock Converse non-streaming recordings → blueprint answer", () => {
  it.each(names.filter((name) => name.endsWith(".json")))("%s", (file) => {
    const body = fixture(file);
    const message = bedrockConverseCodec.responseToMessage(body);
    expectWellFormedAnswer(message);
    expect(summary(message)).toEqual(expectedFromResponse(body));
    expect(bedrockConverseCodec.usage(body)).toEqual(expectedUsage(body.usage));
  });

  it("reads the recordings' numbers", () => {
    expect(bedrockConverseCodec.usage(fixture("amazon-bedrock-text.json"))).toEqual({ input_tokens: 22, output_tokens: 57, cached_input_tokens: 0 });
    expect(bedrockConverseCodec.usage({ usage: { inputTokens: 100, outputTokens: 50, cacheReadInputTokens: 80, cacheWriteInputTokens: 20 } })).toEqual({
      input_tokens: 200,
      output_tokens: 50,
      cached_input_tokens: 80,
    });
    expect(bedrockConverseCodec.usage({})).toBeNull();
    const reasoning = bedrockConverseCodec.responseToMessage(fixture("amazon-bedrock-reasoning.json"));
    expect(reasoning.content?.map((block) => block.type)).toEqual(["thinking", "text"]);
    expect(reasoning.content?.[0]).toMatchObject({ signature: expect.stringMatching(/^EvYB/) });
  });
});

/** Per block index: the text, reasoning, signature and tool input a stream recording sends. */
function streamedBlocks(all: readonly Json[]) {
  const blocks = new Map<number, { kind: string; text: string; signature: string | null; input: string; id?: string; name?: string }>();
  const at = (index: number, kind: string) => {
    if (!blocks.has(index)) blocks.set(index, { kind, text: "", signature: null, input: "" });
    return blocks.get(index) as NonNullable<ReturnType<typeof blocks.get>>;
  };
  for (const event of all) {
    const toolUse = event.contentBlockStart?.start?.toolUse;
    if (toolUse) Object.assign(at(event.contentBlockStart.contentBlockIndex, "toolUse"), { id: toolUse.toolUseId, name: toolUse.name });
    const delta = event.contentBlockDelta?.delta;
    if (!delta) continue;
    const index = event.contentBlockDelta.contentBlockIndex;
    if (typeof delta.text === "string") at(index, "text").text += delta.text;
    if (delta.reasoningContent?.text) at(index, "reasoningContent").text += delta.reasoningContent.text;
    if (delta.reasoningContent?.signature) at(index, "reasoningContent").signature = delta.reasoningContent.signature;
    if (delta.toolUse) at(index, "toolUse").input += delta.toolUse.input;
  }
  return [...blocks.entries()].sort(([a], [b]) => a - b).map(([, block]) => block);
}

describe("Bedrock ConverseStream recordings → assembled response and deltas", () => {
  it.each(names.filter((name) => name.endsWith(".chunks.txt")))("%s", (file) => {
    const all = events(file);
    const accumulator = bedrockConverseCodec.createStreamAccumulator();
    const deltas = all.map((event) => accumulator.push(event));
    const response: Json = accumulator.response();

    const stop = all.find((event) => event.messageStop)?.messageStop;
    const metadata = all.find((event) => event.metadata)?.metadata;
    expect(response.stopReason).toBe(stop?.stopReason ?? null);
    expect(response.usage).toEqual(metadata?.usage ?? null);
    expect(accumulator.usage()).toEqual(metadata ? expectedUsage(metadata.usage) : null);

    // The assembled content, block by block, is what the events carried.
    const blocks = streamedBlocks(all);
    expect(response.output.message.content.map((block: Json) => Object.keys(block)[0])).toEqual(blocks.map((block) => block.kind));
    blocks.forEach((block, index) => {
      const assembled = response.output.message.content[index];
      if (block.kind === "text") expect(assembled).toEqual({ text: block.text });
      if (block.kind === "reasoningContent") expect(assembled.reasoningContent.reasoningText).toEqual({ text: block.text, signature: block.signature });
      if (block.kind === "toolUse") {
        expect(assembled.toolUse).toEqual({ toolUseId: block.id, name: block.name, input: block.input === "" ? {} : JSON.parse(block.input) });
      }
    });

    const answer = bedrockConverseCodec.responseToMessage(response);
    expectWellFormedAnswer(answer);
    expect(summary(answer)).toEqual(expectedFromResponse(response));

    // The deltas add up to the answer.
    const deltaText = deltas.flatMap((delta) => (delta.content ?? []).flatMap((block) => (block.type === "text" ? [block.text] : []))).join("");
    expect(deltaText).toBe(summary(answer).texts.join(""));
    for (const call of answer.tool_calls ?? []) {
      const fragments = deltas.flatMap((delta) => (delta.tool_calls ?? []).filter((fragment) => fragment.id === call.id));
      expect(fragments[0]?.function).toEqual({ name: call.function.name, arguments: "" });
      const joined = fragments.map((fragment) => fragment.function.arguments).join("");
      expect(joined === "" ? {} : JSON.parse(joined)).toEqual(JSON.parse(call.function.arguments));
    }
    for (const delta of deltas) expect(assistantMessageSchema.safeParse(delta).success).toBe(true);

    // Where a non-streaming twin was recorded, it has the same shape of answer (not always the same tools: tool-call.1 differs).
    const twin = file.replace(".chunks.txt", ".json");
    if (existsSync(new URL(twin, fixtures))) {
      const twinAnswer = bedrockConverseCodec.responseToMessage(fixture(twin));
      expect((answer.content ?? []).map((block) => block.type)).toEqual((twinAnswer.content ?? []).map((block) => block.type));
      expect(answer.tool_calls?.length).toBe(twinAnswer.tool_calls?.length);
    }
  });

  it("assembles the reasoning recording exactly, with its metrics", () => {
    const accumulator = bedrockConverseCodec.createStreamAccumulator();
    const deltas = events("amazon-bedrock-reasoning.chunks.txt").map((event) => accumulator.push(event));
    expect(deltas[1]?.content).toEqual([{ type: "thinking", thinking: "Let me count the r" }]);
    expect(deltas[12]?.content).toEqual([{ type: "thinking", thinking: "", signature: expect.stringMatching(/^Ep0C/) }]);
    expect(accumulator.response()).toMatchObject({
      stopReason: "end_turn",
      metrics: { latencyMs: 2281 },
      additionalModelResponseFields: { delta: { stop_sequence: null } },
    });
    expect(accumulator.usage()).toEqual({ input_tokens: 51, output_tokens: 94 });
  });

  it("survives unknown and malformed events", () => {
    const accumulator = bedrockConverseCodec.createStreamAccumulator();
    for (const event of [null, "x", { internalServerException: { message: "boom" } }, { contentBlockDelta: { contentBlockIndex: 0, delta: {} } }]) {
      expect(accumulator.push(event).content).toEqual([]);
    }
    expect(accumulator.response()).toEqual({ output: { message: { role: "assistant", content: [] } }, stopReason: null, usage: null, metrics: null });
  });
});
