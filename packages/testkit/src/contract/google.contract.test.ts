import { ApiError, GoogleGenAI } from "@google/genai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeProviders } from "../index.js";
import { fakeTokenCount, startFakeProviders } from "../index.js";

let fakes: FakeProviders;
let client: GoogleGenAI;
const KEY = "gemini-test-key";

beforeAll(async () => {
  fakes = await startFakeProviders({ apiKeys: { google: KEY } });
  client = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: fakes.baseURLs.google } });
});
beforeEach(() => fakes.reset());
afterAll(() => fakes.close());

describe("Gemini", () => {
  it("answers generateContent with the echo and the key header", async () => {
    const response = await client.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "Hello Gemini",
      config: { systemInstruction: "Be brief" },
    });
    expect(response.text).toBe("Echo: Hello Gemini");
    expect(response.candidates?.[0]?.finishReason).toBe("STOP");
    expect(response.usageMetadata?.promptTokenCount).toBe(fakeTokenCount("Be brief\nHello Gemini"));
    const request = fakes.lastRequest("google");
    expect(request?.path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    expect(request?.headers["x-goog-api-key"]).toBe(KEY);
  });

  it("streams server-sent chunks with thoughts, text and usage", async () => {
    fakes.queue("google", { thinking: "Think first.", text: "Streaming works fine", usage: { input_tokens: 3, output_tokens: 6 } });
    const stream = await client.models.generateContentStream({ model: "gemini-2.5-pro", contents: "Go" });
    const texts: string[] = [];
    const thoughts: string[] = [];
    let finishReason: string | undefined;
    for await (const chunk of stream) {
      for (const part of chunk.candidates?.[0]?.content?.parts ?? []) {
        if (part.thought) thoughts.push(part.text ?? "");
        else if (part.text) texts.push(part.text);
      }
      finishReason = chunk.candidates?.[0]?.finishReason ?? finishReason;
      expect(chunk.usageMetadata?.totalTokenCount).toBe(9);
    }
    expect(texts).toEqual(["Streaming", " works", " fine"]);
    expect(thoughts.join("")).toBe("Think first.");
    expect(finishReason).toBe("STOP");
    expect(fakes.lastRequest("google")?.query).toEqual({ alt: "sse" });
  });

  it("returns function calls", async () => {
    fakes.queue("google", { toolCalls: [{ name: "get_weather", arguments: { city: "Oslo" } }] }, { toolCalls: [{ name: "lookup", arguments: { q: 1 } }] });
    const response = await client.models.generateContent({ model: "gemini-2.5-flash", contents: "Weather?" });
    expect(response.functionCalls).toEqual([{ name: "get_weather", args: { city: "Oslo" } }]);
    const calls = [];
    for await (const chunk of await client.models.generateContentStream({ model: "gemini-2.5-flash", contents: "Look" })) {
      calls.push(...(chunk.functionCalls ?? []));
    }
    expect(calls).toEqual([{ name: "lookup", args: { q: 1 } }]);
  });

  it("accepts the key as a query parameter, and rejects what the real API rejects", async () => {
    const viaQuery = await fetch(`${fakes.baseURLs.google}/v1beta/models/m:generateContent?key=${KEY}`, {
      method: "POST",
      body: JSON.stringify({ contents: [{ parts: [{ text: "q" }] }] }),
    });
    expect(viaQuery.status).toBe(200);

    const noContents = await fetch(`${fakes.baseURLs.google}/v1beta/models/m:generateContent?key=${KEY}`, { method: "POST", body: "{}" });
    expect(noContents.status).toBe(400);
    expect(await noContents.json()).toMatchObject({ error: { code: 400, status: "INVALID_ARGUMENT" } });

    const wrong = new GoogleGenAI({ apiKey: "wrong", httpOptions: { baseUrl: fakes.baseURLs.google } });
    const rejected = wrong.models.generateContent({ model: "m", contents: "x" });
    await expect(rejected).rejects.toBeInstanceOf(ApiError);
    await expect(rejected).rejects.toMatchObject({ status: 400, message: expect.stringContaining("API_KEY_INVALID") });
  });

  it("answers a queued 429 as RESOURCE_EXHAUSTED with a RetryInfo", async () => {
    fakes.fault("google", { status: 429, retryAfterSeconds: 7 });
    const limited = client.models.generateContent({ model: "m", contents: "x" });
    await expect(limited).rejects.toMatchObject({ status: 429, message: expect.stringContaining("RESOURCE_EXHAUSTED") });
    fakes.fault("google", { status: 429, retryAfterSeconds: 7 });
    const response = await fetch(`${fakes.baseURLs.google}/v1beta/models/m:generateContent?key=${KEY}`, {
      method: "POST",
      body: JSON.stringify({ contents: [{ parts: [{ text: "q" }] }] }),
    });
    expect(await response.json()).toMatchObject({ error: { details: [{ retryDelay: "7s" }] } });
  });

  it("streams a JSON array without alt=sse", async () => {
    fakes.queue("google", { text: "a b" });
    const response = await fetch(`${fakes.baseURLs.google}/v1beta/models/m:streamGenerateContent?key=${KEY}`, {
      method: "POST",
      body: JSON.stringify({ contents: [{ parts: [{ text: "q" }] }] }),
    });
    const chunks = (await response.json()) as { candidates: { content: { parts: { text: string }[] } }[] }[];
    expect(chunks.map((chunk) => chunk.candidates[0]?.content.parts[0]?.text)).toEqual(["a", " b"]);
  });

  it("makes the stream throw when cut mid-way", async () => {
    fakes.queue("google", { text: "a b c d e", cutAfterEvents: 2 });
    const consume = async () => {
      for await (const chunk of await client.models.generateContentStream({ model: "m", contents: "x" })) void chunk;
    };
    await expect(consume()).rejects.toThrow();
  });
});

describe("Gemini structured output", () => {
  const schema = { type: "object", properties: { city: { type: "string" }, celsius: { type: "number" } }, required: ["city", "celsius"] };

  it("answers JSON mode with a responseJsonSchema with the scripted JSON as text, non-streaming and streamed", async () => {
    fakes.queue("google", { json: { city: "Paris", celsius: 21 } }, { json: { city: "Lyon", celsius: 18 } });
    const config = { responseMimeType: "application/json", responseJsonSchema: schema };
    const response = await client.models.generateContent({ model: "gemini-2.5-flash", contents: "Weather in Paris?", config });
    expect(JSON.parse(response.text ?? "")).toEqual({ city: "Paris", celsius: 21 });
    expect(fakes.lastRequest("google")?.body).toMatchObject({ generationConfig: { responseMimeType: "application/json", responseJsonSchema: schema } });

    let text = "";
    for await (const chunk of await client.models.generateContentStream({ model: "gemini-2.5-flash", contents: "Weather in Lyon?", config })) text += chunk.text ?? "";
    expect(JSON.parse(text)).toEqual({ city: "Lyon", celsius: 18 });
  });

  it("without a scripted answer, the text is JSON matching the (OpenAPI-style) responseSchema", async () => {
    const response = await client.models.generateContent({
      model: "gemini-2.0-flash",
      contents: "Weather?",
      config: { responseMimeType: "application/json", responseSchema: { type: "OBJECT" as never, properties: { ok: { type: "BOOLEAN" as never } }, required: ["ok"] } },
    });
    expect(JSON.parse(response.text ?? "")).toEqual({ ok: false });
  });
});
