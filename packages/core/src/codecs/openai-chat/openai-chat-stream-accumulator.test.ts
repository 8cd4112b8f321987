import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { AssistantMessage } from "../../schemas/message.js";
import { azureOpenaiChatCodec, openaiChatCodec } from "./index.js";

const fixtureText = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8");
/** One event per line (`.chunks.txt`), or the `data:` lines of a raw SSE stream (`.sse`). */
function readEvents(name: string): unknown[] {
  return fixtureText(name)
    .split("\n")
    .map((line) => (name.endsWith(".sse") ? (line.startsWith("data: ") ? line.slice(6) : "") : line))
    .filter((line) => line.trim() !== "" && line.trim() !== "[DONE]")
    .map((line) => JSON.parse(line));
}
const cassettes = JSON.parse(fixtureText("promptlayer-cassettes.json"));

function accumulate(codec: typeof openaiChatCodec, events: unknown[]) {
  const accumulator = codec.createStreamAccumulator();
  const deltas: AssistantMessage[] = events.map((event) => accumulator.push(event));
  return { accumulator, deltas };
}

const deltaText = (deltas: AssistantMessage[]) =>
  deltas.flatMap((delta) => delta.content ?? []).flatMap((block) => (block.type === "text" ? [block.text] : [])).join("");

const streams = [
  {
    name: "azure-model-router.1.chunks.txt",
    codec: azureOpenaiChatCodec,
    text: "Capital of Denmark.",
    toolCalls: [],
    finishReason: "stop",
    usage: { input_tokens: 15, output_tokens: 78, cached_input_tokens: 0, reasoning_tokens: 64 },
  },
  {
    name: "anthropic-fallback-tool-call.sse",
    codec: openaiChatCodec,
    text: "Reading it.",
    toolCalls: [{ id: "toolu_sanitized", name: "read_file", arguments: { path: "a.txt" } }],
    finishReason: "tool_calls",
    usage: null,
  },
  {
    name: "openai-parallel-tool-calls.chunks.txt",
    codec: openaiChatCodec,
    text: "",
    toolCalls: [
      { id: "call_weather_sf", name: "weather", arguments: { location: "San Francisco" } },
      { id: "call_weather_paris", name: "weather", arguments: { location: "Paris" } },
      { id: "call_time_paris", name: "local_time", arguments: { city: "Paris" } },
    ],
    finishReason: "tool_calls",
    usage: { input_tokens: 82, output_tokens: 61, cached_input_tokens: 0, reasoning_tokens: 0 },
  },
];

describe("Chat Completions stream accumulation", () => {
  it.each(streams)("$name", ({ name, codec, text, toolCalls, finishReason, usage }) => {
    const events = readEvents(name);
    const { accumulator, deltas } = accumulate(codec, events);
    const response = accumulator.response() as Record<string, unknown> & { choices: { finish_reason: string; message: Record<string, unknown> }[] };

    expect(deltaText(deltas)).toBe(text);
    expect(response.object).toBe("chat.completion");
    expect(response.choices[0]?.finish_reason).toBe(finishReason);
    expect(accumulator.usage()).toEqual(usage);
    expect(codec.usage(response)).toEqual(usage);

    const message = codec.responseToMessage(response);
    const calls = (message.tool_calls ?? []).map((call) => ({ id: call.id, name: call.function.name, arguments: JSON.parse(call.function.arguments) }));
    expect(calls).toEqual(toolCalls);
    if (toolCalls.length === 0) expect(message.content?.at(-1)).toEqual({ type: "text", text });
    else expect((message.content ?? []).filter((block) => block.type === "text").map((block) => block.type === "text" && block.text).join("")).toBe(text);

    // Each tool-call delta carries only its new fragment; together they are the whole arguments.
    for (const call of toolCalls) {
      const fragments = deltas.flatMap((delta) => delta.tool_calls ?? []).filter((fragment) => fragment.id === call.id);
      expect(JSON.parse(fragments.map((fragment) => fragment.function.arguments).join(""))).toEqual(call.arguments);
    }
  });

  it("assembles the recorded PromptLayer stream into the non-streaming response shape", () => {
    const { chunks } = cassettes.stream;
    const { accumulator, deltas } = accumulate(openaiChatCodec, chunks);
    const first = chunks[0];
    expect(accumulator.response()).toEqual({
      id: first.id,
      object: "chat.completion",
      created: first.created,
      model: first.model,
      system_fingerprint: null,
      service_tier: "default",
      choices: [{ index: 0, message: { role: "assistant", content: "The capital of Germany is Berlin.", refusal: null }, logprobs: null, finish_reason: "stop" }],
      usage: null,
    });
    // The role-only first chunk and the finish chunk add nothing.
    expect(deltas[0]?.content).toEqual([]);
    expect(deltas.at(-1)?.content).toEqual([]);
    expect(deltas[1]).toMatchObject({ role: "assistant", content: [{ type: "text", text: "The" }], tool_calls: null });
  });

  it("turns reasoning deltas into thinking blocks ahead of the text", () => {
    const chunk = (delta: Record<string, unknown>) => ({ id: "x", object: "chat.completion.chunk", model: "deepseek-reasoner", choices: [{ index: 0, delta }] });
    const { accumulator, deltas } = accumulate(openaiChatCodec, [
      chunk({ role: "assistant", reasoning_content: "Think" }),
      chunk({ reasoning_content: "ing." }),
      chunk({ content: "Answer." }),
    ]);
    expect(deltas[0]?.content).toEqual([{ type: "thinking", thinking: "Think" }]);
    expect(openaiChatCodec.responseToMessage(accumulator.response()).content).toEqual([
      { type: "thinking", thinking: "Thinking." },
      { type: "text", text: "Answer." },
    ]);
  });

  it("ignores events it cannot read", () => {
    const accumulator = openaiChatCodec.createStreamAccumulator();
    for (const event of [null, "[DONE]", { choices: "x" }, { choices: [{ index: 1, delta: { content: "other choice" } }] }]) {
      expect(accumulator.push(event).content).toEqual([]);
    }
    expect(accumulator.usage()).toBeNull();
  });
});
