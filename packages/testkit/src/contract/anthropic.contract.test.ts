import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeProviders } from "../index.js";
import { fakeTokenCount, startFakeProviders } from "../index.js";

let fakes: FakeProviders;
let client: Anthropic;
const KEY = "sk-ant-test-key";

beforeAll(async () => {
  fakes = await startFakeProviders({ apiKeys: { anthropic: KEY } });
  client = new Anthropic({ baseURL: fakes.baseURLs.anthropic, apiKey: KEY, maxRetries: 0 });
});
beforeEach(() => fakes.reset());
afterAll(() => fakes.close());

const user = (content: string) => [{ role: "user" as const, content }];

describe("Anthropic messages", () => {
  it("answers non-streaming with the echo and checks the headers it needs", async () => {
    const message = await client.messages.create({ model: "claude-sonnet-4-5", max_tokens: 100, system: "Be kind", messages: user("Hello Claude") });
    expect(message.content).toEqual([{ type: "text", text: "Echo: Hello Claude" }]);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage.input_tokens).toBe(fakeTokenCount("Be kind\nHello Claude"));
    const request = fakes.lastRequest("anthropic");
    expect(request?.path).toBe("/v1/messages");
    expect(request?.headers["x-api-key"]).toBe(KEY);
    expect(request?.headers["anthropic-version"]).toBe("2023-06-01");
  });

  it("streams thinking, text and tool_use that messages.stream() assembles", async () => {
    fakes.queue("anthropic", {
      thinking: "Let me think about Paris.",
      text: "I'll check the weather.",
      toolCalls: [{ name: "get_weather", arguments: { city: "Paris", unit: "celsius" } }],
      usage: { input_tokens: 20, output_tokens: 30 },
    });
    const stream = client.messages.stream({ model: "claude-sonnet-4-5", max_tokens: 1000, messages: user("Weather?") });
    const events: string[] = [];
    let text = "";
    stream.on("streamEvent", (event) => events.push(event.type));
    stream.on("text", (delta) => (text += delta));
    const final = await stream.finalMessage();
    expect(text).toBe("I'll check the weather.");
    expect(final.content.map((block) => block.type)).toEqual(["thinking", "text", "tool_use"]);
    const [thinking, , toolUse] = final.content;
    expect(thinking?.type === "thinking" && thinking.thinking).toBe("Let me think about Paris.");
    expect(thinking?.type === "thinking" && thinking.signature.length).toBeGreaterThan(0);
    expect(toolUse?.type === "tool_use" && toolUse.input).toEqual({ city: "Paris", unit: "celsius" });
    expect(toolUse?.type === "tool_use" && toolUse.id).toMatch(/^toolu_/);
    expect(final.stop_reason).toBe("tool_use");
    expect(final.usage).toMatchObject({ input_tokens: 20, output_tokens: 30 });
    expect(events[0]).toBe("message_start");
    expect(events.at(-1)).toBe("message_stop");
    expect(events).toContain("message_delta");
  });

  it("sends the ping event and named events on the wire", async () => {
    const response = await fetch(`${fakes.baseURLs.anthropic}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": KEY, "anthropic-version": "2023-06-01", "content-type": "application/json" },
      body: JSON.stringify({ model: "m", max_tokens: 5, stream: true, messages: user("hi") }),
    });
    const wire = await response.text();
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(wire).toContain("event: ping\ndata: {\"type\":\"ping\"}\n\n");
    expect(wire.startsWith("event: message_start\ndata: ")).toBe(true);
  });

  it("rejects a missing max_tokens, a missing version header and a bad key", async () => {
    const missing = client.messages.create({ model: "m", messages: user("x") } as unknown as Anthropic.MessageCreateParamsNonStreaming);
    await expect(missing).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    await expect(missing).rejects.toMatchObject({ error: { type: "error", error: { type: "invalid_request_error", message: "max_tokens: Field required" } } });

    const noVersion = await fetch(`${fakes.baseURLs.anthropic}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": KEY, "content-type": "application/json" },
      body: JSON.stringify({ model: "m", max_tokens: 5, messages: user("x") }),
    });
    expect(noVersion.status).toBe(400);
    expect(await noVersion.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error", message: "anthropic-version: header is required" } });

    const wrong = new Anthropic({ baseURL: fakes.baseURLs.anthropic, apiKey: "sk-ant-wrong", maxRetries: 0 });
    const unauthorized = wrong.messages.create({ model: "m", max_tokens: 5, messages: user("x") });
    await expect(unauthorized).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    await expect(unauthorized).rejects.toMatchObject({ error: { error: { type: "authentication_error", message: "invalid x-api-key" } } });
  });

  it("answers a queued 529 as overloaded_error", async () => {
    fakes.fault("anthropic", { status: 529 });
    const overloaded = client.messages.create({ model: "m", max_tokens: 5, messages: user("x") });
    await expect(overloaded).rejects.toBeInstanceOf(Anthropic.InternalServerError);
    await expect(overloaded).rejects.toMatchObject({ status: 529, error: { error: { type: "overloaded_error", message: "Overloaded" } } });
  });

  it("makes the stream throw when cut mid-way or sent a malformed event", async () => {
    fakes.queue("anthropic", { text: "a b c d", cutAfterEvents: 4 }, { text: "a b c d", malformedEventAt: 3 });
    await expect(client.messages.stream({ model: "m", max_tokens: 5, messages: user("x") }).finalMessage()).rejects.toThrow();
    await expect(client.messages.stream({ model: "m", max_tokens: 5, messages: user("x") }).finalMessage()).rejects.toThrow();
  });
});

describe("Anthropic structured output", () => {
  const schema = { type: "object", properties: { city: { type: "string" }, celsius: { type: "number" } }, required: ["city", "celsius"] };
  const forced = {
    model: "claude-haiku-4-5",
    max_tokens: 200,
    messages: user("Weather in Paris?"),
    tools: [{ name: "json_response", description: "Answer as JSON", input_schema: schema as Anthropic.Tool.InputSchema }],
    tool_choice: { type: "tool" as const, name: "json_response" },
  };

  it("answers a forced tool with a tool_use block holding the scripted JSON, non-streaming and streamed", async () => {
    fakes.queue("anthropic", { json: { city: "Paris", celsius: 21 } }, { json: { city: "Lyon", celsius: 18 } });
    const message = await client.messages.create(forced);
    expect(message.content).toEqual([{ type: "tool_use", id: expect.stringMatching(/^toolu_/), name: "json_response", input: { city: "Paris", celsius: 21 } }]);
    expect(message.stop_reason).toBe("tool_use");
    expect(fakes.lastRequest("anthropic")?.body).toMatchObject({ tool_choice: { type: "tool", name: "json_response" }, tools: [{ input_schema: schema }] });

    const stream = client.messages.stream(forced);
    const partials: string[] = [];
    stream.on("inputJson", (partial) => partials.push(partial));
    const final = await stream.finalMessage();
    expect(final.content).toEqual([expect.objectContaining({ type: "tool_use", name: "json_response", input: { city: "Lyon", celsius: 18 } })]);
    expect(partials.join("")).toBe('{"city":"Lyon","celsius":18}');
  });

  it("without a scripted answer, the forced tool's input still matches the schema", async () => {
    const message = await client.messages.create(forced);
    expect(message.content).toEqual([expect.objectContaining({ type: "tool_use", name: "json_response", input: { city: "", celsius: 0 } })]);
  });

  it("answers the structured-outputs beta's output_format with the JSON as text", async () => {
    fakes.queue("anthropic", { json: { city: "Paris", celsius: 21 } });
    const message = await client.beta.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 200,
      messages: user("Weather in Paris?"),
      output_format: { type: "json_schema", schema },
      betas: ["structured-outputs-2025-11-13"],
    });
    expect(message.content).toEqual([expect.objectContaining({ type: "text", text: '{"city":"Paris","celsius":21}' })]);
    const request = fakes.lastRequest("anthropic");
    expect(request?.headers["anthropic-beta"]).toBe("structured-outputs-2025-11-13");
    expect(request?.body).toMatchObject({ output_format: { type: "json_schema", schema } });
  });
});
