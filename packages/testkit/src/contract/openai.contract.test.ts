import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeProviders } from "../index.js";
import { fakeTokenCount, startFakeProviders } from "../index.js";

let fakes: FakeProviders;
let client: OpenAI;
const KEY = "sk-test-openai-0123456789";

beforeAll(async () => {
  fakes = await startFakeProviders({ apiKeys: { openai: KEY } });
  client = new OpenAI({ baseURL: fakes.baseURLs.openai, apiKey: KEY, maxRetries: 0 });
});
beforeEach(() => fakes.reset());
afterAll(() => fakes.close());

const user = (content: string) => [{ role: "user" as const, content }];
const weather = { name: "get_weather", arguments: { city: "Paris", days: 3 } };

describe("chat completions", () => {
  it("answers the default echo with usage counted from the prompt", async () => {
    const completion = await client.chat.completions.create({ model: "gpt-4o-mini", messages: user("What is 2+2?") });
    expect(completion.choices[0]?.message.content).toBe("Echo: What is 2+2?");
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.model).toBe("gpt-4o-mini");
    expect(completion.usage?.prompt_tokens).toBe(fakeTokenCount("What is 2+2?"));
    expect(completion.usage?.completion_tokens).toBe(fakeTokenCount("Echo: What is 2+2?"));
    const request = fakes.lastRequest("openai");
    expect(request?.path).toBe("/v1/chat/completions");
    expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request?.body).toMatchObject({ model: "gpt-4o-mini", messages: user("What is 2+2?") });
  });

  it("streams text deltas and the final usage chunk with include_usage", async () => {
    fakes.queue("openai", { text: "one two three four", usage: { input_tokens: 7, output_tokens: 4 } });
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: user("count"),
      stream: true,
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null | undefined;
    let emptyChoiceChunks = 0;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice === undefined) emptyChoiceChunks++;
      if (choice?.delta.content) deltas.push(choice.delta.content);
      if (choice?.finish_reason) finish = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(deltas).toEqual(["one", " two", " three", " four"]);
    expect(finish).toBe("stop");
    expect(usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 4, total_tokens: 11 });
    expect(emptyChoiceChunks).toBe(1);
  });

  it("omits usage from the stream without include_usage", async () => {
    const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages: user("hi"), stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((chunk) => chunk.usage === undefined)).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe("Echo: hi");
  });

  it("returns queued tool calls, whole and streamed", async () => {
    fakes.queue("openai", { toolCalls: [weather] }, { toolCalls: [weather, { ...weather, id: "call_given" }] });
    const completion = await client.chat.completions.create({ model: "gpt-4o", messages: user("weather?") });
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(completion.choices[0]?.finish_reason).toBe("tool_calls");
    expect(completion.choices[0]?.message.content).toBeNull();
    expect(call?.type === "function" && JSON.parse(call.function.arguments)).toEqual(weather.arguments);

    const runner = client.chat.completions.stream({ model: "gpt-4o", messages: user("weather?") });
    const final = await runner.finalChatCompletion();
    const calls = final.choices[0]?.message.tool_calls ?? [];
    expect(calls).toHaveLength(2);
    expect(calls[1]?.id).toBe("call_given");
    expect(calls.map((toolCall) => toolCall.type === "function" && JSON.parse(toolCall.function.arguments))).toEqual([
      weather.arguments,
      weather.arguments,
    ]);
  });

  it("rejects what the real API rejects", async () => {
    const missingModel = client.chat.completions.create({ messages: user("x") } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
    await expect(missingModel).rejects.toMatchObject({ status: 400, error: { message: "you must provide a model parameter" } });
    const missingMessages = client.chat.completions.create({ model: "m" } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
    await expect(missingMessages).rejects.toMatchObject({ status: 400, param: "messages", code: "missing_required_parameter" });
    const badKey = new OpenAI({ baseURL: fakes.baseURLs.openai, apiKey: "sk-wrong-key-9999", maxRetries: 0 });
    const unauthorized = badKey.chat.completions.create({ model: "m", messages: user("x") });
    await expect(unauthorized).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(unauthorized).rejects.toMatchObject({ code: "invalid_api_key", type: "invalid_request_error" });
  });
});

describe("faults", () => {
  it("turns a queued 429 into RateLimitError after the SDK's own retries honour retry-after-ms", async () => {
    fakes.fault("openai", { status: 429, retryAfterMs: 10 }, { status: 429, retryAfterMs: 10 });
    const retrying = new OpenAI({ baseURL: fakes.baseURLs.openai, apiKey: KEY, maxRetries: 1 });
    await expect(retrying.chat.completions.create({ model: "m", messages: user("x") })).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    expect(fakes.requestsFor("openai")).toHaveLength(2);
    expect(fakes.pending("openai")).toBe(0);
  });

  it("lets the retry succeed once the faults are used up", async () => {
    const retrying = new OpenAI({ baseURL: fakes.baseURLs.openai, apiKey: KEY, maxRetries: 1 });
    // retry-after: 0 keeps the SDK's backoff short.
    fakes.fault("openai", { status: 500, retryAfterSeconds: 0 });
    fakes.queue("openai", { text: "recovered" });
    const completion = await retrying.chat.completions.create({ model: "m", messages: user("x") });
    expect(completion.choices[0]?.message.content).toBe("recovered");
    expect(fakes.requestsFor("openai")).toHaveLength(2);
  });

  it("answers a 500 in OpenAI's error shape", async () => {
    fakes.fault("openai", { status: 500 });
    const failing = client.chat.completions.create({ model: "m", messages: user("x") });
    await expect(failing).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    await expect(failing).rejects.toMatchObject({ type: "server_error" });
  });

  it("uses a custom error body and headers when given", async () => {
    fakes.fault("openai", { status: 403, body: { error: { message: "custom", type: "x", code: "c" } }, headers: { "x-extra": "1" } });
    const response = await fetch(`${fakes.baseURLs.openai}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "m", messages: user("x") }),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get("x-extra")).toBe("1");
    expect(await response.json()).toEqual({ error: { message: "custom", type: "x", code: "c" } });
  });

  it("makes the SDK throw when the stream is cut mid-way", async () => {
    fakes.queue("openai", { text: "a b c d e f", cutAfterEvents: 3 });
    const stream = await client.chat.completions.create({ model: "m", messages: user("x"), stream: true });
    const seen: string[] = [];
    const consume = async () => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? "");
    };
    await expect(consume()).rejects.toThrow();
    expect(seen.join("")).toBe("a b");
  });

  it("makes the SDK throw on a malformed event", async () => {
    fakes.queue("openai", { text: "a b c", malformedEventAt: 2 });
    const stream = await client.chat.completions.create({ model: "m", messages: user("x"), stream: true });
    const consume = async () => {
      for await (const chunk of stream) void chunk;
    };
    await expect(consume()).rejects.toThrow(/JSON/);
  });

  it("delays the first byte and the events as asked", async () => {
    fakes.queue("openai", { firstByteDelayMs: 120 }, { eventDelayMs: 30, events: 3, text: "abcdef" });
    const started = performance.now();
    await client.chat.completions.create({ model: "m", messages: user("x") });
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);

    const streamStarted = performance.now();
    const stream = await client.chat.completions.create({ model: "m", messages: user("x"), stream: true });
    const deltas: string[] = [];
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) deltas.push(chunk.choices[0].delta.content);
    expect(deltas).toEqual(["ab", "cd", "ef"]);
    // 6 events (role, 3 deltas, finish, [DONE]) → 5 gaps of 30 ms.
    expect(performance.now() - streamStarted).toBeGreaterThanOrEqual(140);
  });

  it("hangs until the client times out, and resets a connection", async () => {
    fakes.fault("openai", { hang: true }, { resetConnection: true });
    const impatient = new OpenAI({ baseURL: fakes.baseURLs.openai, apiKey: KEY, maxRetries: 0, timeout: 150 });
    await expect(impatient.chat.completions.create({ model: "m", messages: user("x") })).rejects.toBeInstanceOf(
      OpenAI.APIConnectionTimeoutError,
    );
    await expect(client.chat.completions.create({ model: "m", messages: user("x") })).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
  });
});

describe("Responses API", () => {
  it("answers non-streaming with output_text, reasoning and function calls", async () => {
    fakes.queue("openai", { text: "It is sunny.", thinking: "Check the tool.", toolCalls: [weather] });
    const response = await client.responses.create({ model: "gpt-5", input: "Weather in Paris?", instructions: "Be brief" });
    expect(response.output_text).toBe("It is sunny.");
    expect(response.output.map((item) => item.type)).toEqual(["reasoning", "message", "function_call"]);
    const call = response.output.find((item) => item.type === "function_call");
    expect(call?.type === "function_call" && JSON.parse(call.arguments)).toEqual(weather.arguments);
    expect(response.instructions).toBe("Be brief");
    expect(fakes.lastRequest("openai")?.path).toBe("/v1/responses");
  });

  it("streams numbered events the SDK assembles into the final response", async () => {
    fakes.queue("openai", { text: "Sunny and warm", thinking: "Hmm", toolCalls: [weather], usage: { input_tokens: 5, output_tokens: 9 } });
    const stream = client.responses.stream({ model: "gpt-5", input: [{ role: "user", content: "Weather?" }] });
    const types: string[] = [];
    const sequence: number[] = [];
    let text = "";
    for await (const event of stream) {
      types.push(event.type);
      sequence.push(event.sequence_number);
      if (event.type === "response.output_text.delta") text += event.delta;
    }
    const final = await stream.finalResponse();
    expect(text).toBe("Sunny and warm");
    expect(sequence).toEqual(types.map((_, index) => index));
    expect(types[0]).toBe("response.created");
    expect(types.at(-1)).toBe("response.completed");
    expect(types).toContain("response.reasoning_summary_text.delta");
    expect(types).toContain("response.function_call_arguments.done");
    expect(final.output_text).toBe("Sunny and warm");
    expect(final.usage).toMatchObject({ input_tokens: 5, output_tokens: 9, total_tokens: 14 });
  });
});

describe("legacy completions", () => {
  it("answers non-streaming and streaming", async () => {
    const completion = await client.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: "Say hi" });
    expect(completion.choices[0]?.text).toBe("Echo: Say hi");
    expect(completion.object).toBe("text_completion");
    const stream = await client.completions.create({
      model: "gpt-3.5-turbo-instruct",
      prompt: "Say hi",
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe("Echo: Say hi");
    expect(usage?.total_tokens).toBe(fakeTokenCount("Say hi") + fakeTokenCount("Echo: Say hi"));
  });
});
