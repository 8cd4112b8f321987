import { Mistral } from "@mistralai/mistralai";
import { MistralError } from "@mistralai/mistralai/models/errors";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeProviders } from "../index.js";
import { startFakeProviders } from "../index.js";

let fakes: FakeProviders;
let client: Mistral;
const KEY = "mistral-test-key";

beforeAll(async () => {
  fakes = await startFakeProviders({ apiKeys: { mistral: KEY } });
  client = new Mistral({ serverURL: fakes.baseURLs.mistral, apiKey: KEY });
});
beforeEach(() => fakes.reset());
afterAll(() => fakes.close());

const user = (content: string) => [{ role: "user" as const, content }];

describe("Mistral chat", () => {
  it("answers chat.complete with the echo", async () => {
    const response = await client.chat.complete({ model: "mistral-small-latest", messages: user("Salut") });
    expect(response.choices[0]?.message?.content).toBe("Echo: Salut");
    expect(response.choices[0]?.finishReason).toBe("stop");
    const request = fakes.lastRequest("mistral");
    expect(request?.path).toBe("/v1/chat/completions");
    expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it("streams chat.stream with usage on the last chunk", async () => {
    fakes.queue("mistral", { text: "un deux trois", usage: { input_tokens: 4, output_tokens: 3 } });
    const stream = await client.chat.stream({ model: "mistral-small-latest", messages: user("Compte") });
    let text = "";
    let usage: unknown;
    for await (const event of stream) {
      const content = event.data.choices[0]?.delta.content;
      if (typeof content === "string") text += content;
      if (event.data.usage) usage = event.data.usage;
    }
    expect(text).toBe("un deux trois");
    expect(usage).toEqual({ promptTokens: 4, completionTokens: 3, totalTokens: 7 });
  });

  it("returns tool calls, whole and streamed", async () => {
    const call = { name: "get_weather", arguments: { city: "Lyon" } };
    fakes.queue("mistral", { toolCalls: [call] }, { toolCalls: [call] });
    const response = await client.chat.complete({ model: "m", messages: user("Météo ?") });
    const toolCall = response.choices[0]?.message?.toolCalls?.[0];
    expect(response.choices[0]?.finishReason).toBe("tool_calls");
    expect(toolCall?.function.name).toBe("get_weather");
    expect(JSON.parse(String(toolCall?.function.arguments))).toEqual({ city: "Lyon" });
    expect(toolCall?.id).toMatch(/^[A-Za-z0-9]{9}$/);

    const streamed = [];
    for await (const event of await client.chat.stream({ model: "m", messages: user("Météo ?") })) {
      streamed.push(...(event.data.choices[0]?.delta.toolCalls ?? []));
    }
    expect(streamed.map((toolCallDelta) => toolCallDelta.function.name)).toEqual(["get_weather"]);
  });

  it("answers a bad key with 401 Unauthorized", async () => {
    const wrong = new Mistral({ serverURL: fakes.baseURLs.mistral, apiKey: "wrong" });
    const rejected = wrong.chat.complete({ model: "m", messages: user("x") });
    await expect(rejected).rejects.toBeInstanceOf(MistralError);
    await expect(rejected).rejects.toMatchObject({ statusCode: 401 });
    const error: unknown = await rejected.catch((caught: unknown) => caught);
    expect(error instanceof MistralError && (JSON.parse(error.body) as unknown)).toMatchObject({ message: "Unauthorized" });
  });

  it("rejects a missing model with 422 and answers a queued 429", async () => {
    // The SDK validates its input itself, so the missing field is sent by hand.
    const missing = await fetch(`${fakes.baseURLs.mistral}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ messages: user("x") }),
    });
    expect(missing.status).toBe(422);
    expect(await missing.json()).toMatchObject({ object: "error", message: { detail: [{ loc: ["body", "model"], msg: "Field required" }] } });
    fakes.fault("mistral", { status: 429 });
    await expect(client.chat.complete({ model: "m", messages: user("x") })).rejects.toMatchObject({ statusCode: 429 });
  });
});

describe("Mistral structured output", () => {
  const schema = { type: "object", properties: { city: { type: "string" }, celsius: { type: "number" } }, required: ["city", "celsius"] };

  it("answers response_format json_schema with the scripted JSON as the content, non-streaming and streamed", async () => {
    fakes.queue("mistral", { json: { city: "Paris", celsius: 21 } }, { json: { city: "Lyon", celsius: 18 } });
    const responseFormat = { type: "json_schema" as const, jsonSchema: { name: "weather", schemaDefinition: schema, strict: true } };
    const response = await client.chat.complete({ model: "mistral-small-latest", messages: user("Weather in Paris?"), responseFormat });
    expect(JSON.parse(String(response.choices[0]?.message?.content))).toEqual({ city: "Paris", celsius: 21 });
    expect(fakes.lastRequest("mistral")?.body).toMatchObject({ response_format: { type: "json_schema", json_schema: { name: "weather", schema, strict: true } } });

    let text = "";
    for await (const event of await client.chat.stream({ model: "mistral-small-latest", messages: user("Weather in Lyon?"), responseFormat })) {
      const delta = event.data.choices[0]?.delta.content;
      if (typeof delta === "string") text += delta;
    }
    expect(JSON.parse(text)).toEqual({ city: "Lyon", celsius: 18 });
  });
});
