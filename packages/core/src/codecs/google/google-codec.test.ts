import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { AssistantMessage } from "../../schemas/message.js";
import { googleCodec, googleCompletionCodec } from "./index.js";

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8"));
}

function chunks(name: string): unknown[] {
  return readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as unknown);
}

function text(message: AssistantMessage): string {
  const last = message.content?.at(-1);
  return last?.type === "text" ? last.text : "";
}

function calls(message: AssistantMessage): { name: string; args: unknown }[] {
  return (message.tool_calls ?? []).map((call) => ({ name: call.function.name, args: JSON.parse(call.function.arguments) }));
}

describe("googleCodec.responseToMessage and usage over recorded responses", () => {
  const cases = [
    {
      file: "google-text.json",
      text: "There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.",
      calls: [],
      usage: { input_tokens: 9, output_tokens: 28 + 244, reasoning_tokens: 244 },
    },
    {
      file: "google-reasoning.json",
      text: 'There are **3** "r"s in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.',
      calls: [],
      usage: { input_tokens: 9, output_tokens: 29 + 282, reasoning_tokens: 282 },
    },
    {
      file: "google-reasoning-gemini3.json",
      text: 'There are **3** "r"s in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.',
      calls: [],
      usage: { input_tokens: 9, output_tokens: 29 + 258, reasoning_tokens: 258 },
    },
    {
      file: "google-tool-call.json",
      text: "",
      calls: [{ name: "weather", args: { location: "San Francisco" } }],
      usage: { input_tokens: 29, output_tokens: 15 + 893, reasoning_tokens: 893 },
    },
    {
      file: "google-tool-call-gemini3.json",
      text: "",
      calls: [{ name: "weather", args: { location: "San Francisco" } }],
      usage: { input_tokens: 29, output_tokens: 15 + 1801, reasoning_tokens: 1801 },
    },
  ];

  it.each(cases)("$file", ({ file, text: expectedText, calls: expectedCalls, usage }) => {
    const response = fixture(file);
    const message = googleCodec.responseToMessage(response);
    expect(message.role).toBe("assistant");
    expect(text(message)).toBe(expectedText);
    expect(calls(message)).toEqual(expectedCalls);
    expect(googleCodec.usage(response)).toEqual(usage);
  });

  it("keeps the thought signature of a text part on its text block", () => {
    const message = googleCodec.responseToMessage(fixture("google-text.json"));
    const block = message.content?.at(-1);
    expect(block?.type === "text" && block.thought_signature).toMatch(/^EtoFCtcFAb4/);
  });

  it("gives tool calls a deterministic id and keeps their thought signature", () => {
    const message = googleCodec.responseToMessage(fixture("google-tool-call.json"));
    expect(message.tool_calls?.[0]).toMatchObject({
      id: "call_0",
      type: "function",
      provider_metadata: { thought_signature: expect.stringMatching(/^EskgCsYgAb4/) as unknown },
    });
    expect(message.content).toEqual([]);
  });

  it("reads an error body (429) as an empty answer without usage", () => {
    const body = fixture("google-429-retry-info.json");
    expect(googleCodec.responseToMessage(body)).toMatchObject({ role: "assistant", content: [], tool_calls: null });
    expect(googleCodec.usage(body)).toBeNull();
    const accumulator = googleCodec.createStreamAccumulator();
    expect(accumulator.push(body).content).toEqual([]);
    expect(accumulator.usage()).toBeNull();
  });

  it("maps every part kind: thoughts, joined text, code, code results, inline media, grounding", () => {
    const response = {
      candidates: [
        {
          content: {
            role: "model",
            parts: [
              { text: "Let me ", thought: true },
              { text: "compute.", thought: true, thoughtSignature: "sig-thought" },
              { executableCode: { language: "PYTHON", code: "print(6*7)" } },
              { codeExecutionResult: { outcome: "OUTCOME_OK", output: "42\n" } },
              { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
              { text: "The answer " },
              { text: "is 42.", thoughtSignature: "sig-text" },
            ],
          },
          finishReason: "STOP",
          groundingMetadata: {
            groundingChunks: [{ web: { uri: "https://example.com/42", title: "example.com" } }],
            groundingSupports: [{ segment: { startIndex: 0, endIndex: 16, text: "The answer is 42" }, groundingChunkIndices: [0] }],
          },
        },
      ],
      usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 7, cachedContentTokenCount: 2, totalTokenCount: 12 },
    };
    const message = googleCodec.responseToMessage(response);
    expect(message.content).toEqual([
      { type: "thinking", thinking: "Let me compute.", signature: "sig-thought" },
      { type: "code", code: "print(6*7)", language: "PYTHON" },
      { type: "code_execution_result", output: "42\n", outcome: "OUTCOME_OK" },
      { type: "output_media", url: "data:image/png;base64,iVBORw0KGgo=", mime_type: "image/png", media_type: "image" },
      {
        type: "text",
        text: "The answer is 42.",
        thought_signature: "sig-text",
        annotations: [
          { type: "url_citation", url: "https://example.com/42", title: "example.com", start_index: 0, end_index: 16, cited_text: "The answer is 42" },
        ],
      },
    ]);
    expect(googleCodec.usage(response)).toEqual({ input_tokens: 5, output_tokens: 7, cached_input_tokens: 2 });
  });
});

describe("googleCodec stream accumulation over recorded streams", () => {
  function accumulate(file: string) {
    const accumulator = googleCodec.createStreamAccumulator();
    const deltas = chunks(file).map((chunk) => accumulator.push(chunk));
    const message = googleCodec.responseToMessage(accumulator.response());
    const deltaText = deltas.flatMap((delta) => delta.content ?? []).map((block) => (block.type === "text" ? block.text : "")).join("");
    // Tool-call fragments joined by id, as a consumer of the deltas would.
    const deltaCalls = new Map<string, { name: string; arguments: string }>();
    for (const call of deltas.flatMap((delta) => delta.tool_calls ?? [])) {
      const entry = deltaCalls.get(call.id) ?? { name: "", arguments: "" };
      expect(entry.name === "" || entry.name === call.function.name).toBe(true);
      deltaCalls.set(call.id, { name: call.function.name, arguments: entry.arguments + call.function.arguments });
    }
    return { accumulator, deltas, message, deltaText, deltaCalls: [...deltaCalls.values()] };
  }

  const cases = [
    { file: "google-text.chunks.txt", text: 'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y', calls: [], usage: { input_tokens: 9, output_tokens: 23 + 185, reasoning_tokens: 185 } },
    { file: "google-reasoning.chunks.txt", text: 'There are **3** "r"s in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.', calls: [], usage: { input_tokens: 9, output_tokens: 29 + 256, reasoning_tokens: 256 } },
    { file: "google-reasoning-gemini3.chunks.txt", text: 'There are **3** "r"s in strawberry.\n\nSt**r**awbe**rr**y', calls: [], usage: { input_tokens: 9, output_tokens: 23 + 302, reasoning_tokens: 302 } },
    { file: "google-tool-call.chunks.txt", text: "", calls: [{ name: "weather", args: { location: "San Francisco" } }], usage: { input_tokens: 29, output_tokens: 15 + 45, reasoning_tokens: 45 } },
    { file: "google-tool-call-gemini3.chunks.txt", text: "", calls: [{ name: "weather", args: { location: "San Francisco" } }], usage: { input_tokens: 29, output_tokens: 15 + 804, reasoning_tokens: 804 } },
    {
      file: "google-stream-tool-call-arguments.chunks.txt",
      text: "",
      calls: [
        { name: "getWeather", args: { location: "Boston" } },
        { name: "getWeather", args: { location: "San Francisco" } },
      ],
      usage: { input_tokens: 26, output_tokens: 23 + 132, reasoning_tokens: 132 },
    },
    {
      file: "google-stream-no-args-tool-call.chunks.txt",
      text: "",
      calls: [
        { name: "read_theme", args: {} },
        { name: "read_screen", args: { id: "A" } },
        { name: "read_screen", args: { id: "B" } },
        { name: "read_screen", args: { id: "C" } },
      ],
      usage: { input_tokens: 249, output_tokens: 58 + 183, reasoning_tokens: 183 },
    },
    {
      file: "google-stream-tool-call-array-arguments-missing-terminal-function-call.chunks.txt",
      text: "",
      calls: [
        {
          name: "writeItems",
          args: {
            operations: [
              { action: "add", description: "Fresh red apple", itemid: "apple_001", price: 0.5 },
              { action: "add", description: "Ripe yellow banana", itemid: "banana_001", price: 0.3 },
            ],
          },
        },
      ],
      usage: { input_tokens: 54, output_tokens: 74 + 121, reasoning_tokens: 121 },
    },
  ];

  it.each(cases)("$file", ({ file, text: expectedText, calls: expectedCalls, usage }) => {
    const { accumulator, message, deltaText, deltaCalls } = accumulate(file);
    expect(text(message)).toBe(expectedText);
    expect(deltaText).toBe(expectedText);
    expect(calls(message)).toEqual(expectedCalls);
    expect(deltaCalls.map((call) => ({ name: call.name, args: JSON.parse(call.arguments) as unknown }))).toEqual(expectedCalls);
    expect(accumulator.usage()).toEqual(usage);
    expect(googleCodec.usage(accumulator.response())).toEqual(usage);
  });

  it("assembles the nested arguments of a Vertex stream", () => {
    const { message } = accumulate("google-vertex-stream-tool-call-arguments-nested.1.chunks.txt");
    const [call] = calls(message);
    const recipe = (call?.args as { recipe: { name: string; ingredients: { name: string; amount: string }[]; steps: string[] } }).recipe;
    expect(call?.name).toBe("cookRecipe");
    expect(recipe.name).toBe("Lasagna");
    expect(recipe.ingredients).toHaveLength(10);
    expect(recipe.ingredients[0]).toEqual({ amount: "16 oz", name: "Lasagna noodles" });
    expect(recipe.steps).toHaveLength(10);
    expect(recipe.steps[1]).toBe("Cook lasagna noodles according to package directions, drain and set aside.");
    expect(recipe.steps[4]).toBe("In a 9x13 baking dish, spread a thin layer of meat sauce.");
  });

  it("keeps the thinking of a stream and the signature that ends it", () => {
    const { message, deltas, accumulator } = accumulate("google-stream-no-args-tool-call.chunks.txt");
    expect(message.content?.[0]).toMatchObject({ type: "thinking", thinking: expect.stringMatching(/^\*\*Processing User Requests\*\*/) as unknown });
    expect(deltas[0]?.content?.[0]?.type).toBe("thinking");
    expect(message.tool_calls?.[0]?.provider_metadata?.thought_signature).toEqual(expect.any(String));
    expect(message.tool_calls?.map((call) => call.id)).toEqual(["call_0", "call_1", "call_2", "call_3"]);
    const response = accumulator.response() as { candidates: { finishReason: string }[]; responseId: string };
    expect(response.candidates[0]?.finishReason).toBe("STOP");
    expect(response.responseId).toBe("_vr4aYiWEJnYodAPkujX0QM");
  });

  it("assembles the same answer as the non-streaming twin where the recordings carry the same content", () => {
    for (const name of ["google-tool-call", "google-tool-call-gemini3"]) {
      const streamed = accumulate(`${name}.chunks.txt`).message;
      const whole = googleCodec.responseToMessage(fixture(`${name}.json`));
      expect(calls(streamed)).toEqual(calls(whole));
      expect(streamed.tool_calls?.map((call) => call.id)).toEqual(whole.tool_calls?.map((call) => call.id));
      expect(streamed.content).toEqual(whole.content);
    }
    // The text recordings sampled different words; their shape is the same: one signed text block.
    const streamed = accumulate("google-text.chunks.txt").message;
    const whole = googleCodec.responseToMessage(fixture("google-text.json"));
    expect(streamed.content?.map((block) => [block.type, typeof (block as { thought_signature?: unknown }).thought_signature])).toEqual(
      whole.content?.map((block) => [block.type, typeof (block as { thought_signature?: unknown }).thought_signature]),
    );
  });

  it("returns an empty response and no usage before any chunk", () => {
    const accumulator = googleCompletionCodec.createStreamAccumulator();
    expect(accumulator.response()).toEqual({});
    expect(accumulator.usage()).toBeNull();
  });
});
