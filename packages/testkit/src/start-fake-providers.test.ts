import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { FakeProviders } from "./index.js";
import {
  FAKE_PROVIDER_NAMES,
  describeFakeProviders,
  formatRecordedRequest,
  redactHeaders,
  runFakeProvidersCli,
  startFakeProviders,
} from "./index.js";

let fakes: FakeProviders;

beforeAll(async () => {
  const started = performance.now();
  fakes = await startFakeProviders();
  console.log(`fake providers started in ${(performance.now() - started).toFixed(1)} ms`);
});
beforeEach(() => fakes.reset());
afterAll(() => fakes.close());

const user = (content: string) => [{ role: "user" as const, content }];

describe("startFakeProviders", () => {
  it("serves every provider under its own prefix of one origin", () => {
    expect(fakes.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(fakes.baseURLs).toEqual({
      openai: `${fakes.url}/openai/v1`,
      azure: `${fakes.url}/azure`,
      anthropic: `${fakes.url}/anthropic`,
      google: `${fakes.url}/google`,
      mistral: `${fakes.url}/mistral`,
      bedrock: `${fakes.url}/bedrock`,
      openrouter: `${fakes.url}/openrouter/api/v1`,
      vertex: `${fakes.url}/vertex`,
    });
    expect(fakes.env).toMatchObject({
      OPENAI_BASE_URL: fakes.baseURLs.openai,
      ANTHROPIC_BASE_URL: fakes.baseURLs.anthropic,
      AZURE_OPENAI_ENDPOINT: fakes.baseURLs.azure,
      GOOGLE_GEMINI_BASE_URL: fakes.baseURLs.google,
      MISTRAL_BASE_URL: fakes.baseURLs.mistral,
      BEDROCK_BASE_URL: fakes.baseURLs.bedrock,
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: fakes.baseURLs.bedrock,
      OPENROUTER_BASE_URL: fakes.baseURLs.openrouter,
      GOOGLE_VERTEX_BASE_URL: fakes.baseURLs.vertex,
      GOOGLE_CLOUD_PROJECT: "fake-project",
    });
  });

  it("works with the SDKs configured from its env", async () => {
    const openai = new OpenAI({ baseURL: fakes.env.OPENAI_BASE_URL, apiKey: fakes.env.OPENAI_API_KEY });
    const anthropic = new Anthropic({ baseURL: fakes.env.ANTHROPIC_BASE_URL, apiKey: fakes.env.ANTHROPIC_API_KEY });
    const completion = await openai.chat.completions.create({ model: "m", messages: user("from env") });
    const message = await anthropic.messages.create({ model: "m", max_tokens: 5, messages: user("from env") });
    expect(completion.choices[0]?.message.content).toBe("Echo: from env");
    expect(message.content[0]).toEqual({ type: "text", text: "Echo: from env" });
  });

  it("answers 404 for an unknown prefix without recording it", async () => {
    const response = await fetch(`${fakes.url}/cohere/v1/chat`, { method: "POST", body: "{}" });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: expect.stringContaining("/openai") });
    expect(fakes.requests).toHaveLength(0);
  });

  it("consumes queued replies and faults in order, and not on rejected requests", async () => {
    const openai = new OpenAI({ baseURL: fakes.baseURLs.openai, apiKey: "k", maxRetries: 0 });
    fakes.fault("openai", { status: 500 });
    fakes.queue("openai", { text: "first" }, { text: "second" });
    // A request the fake rejects (no model) uses none of the script.
    await expect(fetch(`${fakes.baseURLs.openai}/chat/completions`, { method: "POST", headers: { authorization: "Bearer k" }, body: "{}" }).then((r) => r.status)).resolves.toBe(400);
    expect(fakes.pending("openai")).toBe(3);
    await expect(openai.chat.completions.create({ model: "m", messages: user("a") })).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    const answers = [];
    for (const prompt of ["b", "c", "d"]) {
      const completion = await openai.chat.completions.create({ model: "m", messages: user(prompt) });
      answers.push(completion.choices[0]?.message.content);
    }
    expect(answers).toEqual(["first", "second", "Echo: d"]);
  });

  it("records every request with its headers and body, and prints them redacted", async () => {
    const openai = new OpenAI({ baseURL: fakes.baseURLs.openai, apiKey: "sk-secret-value-123", maxRetries: 0 });
    await openai.chat.completions.create({ model: "m", messages: user("record me") });
    await fetch(`${fakes.baseURLs.google}/v1beta/models/m:generateContent?key=google-secret-456`, {
      method: "POST",
      body: JSON.stringify({ contents: [{ parts: [{ text: "x" }] }] }),
    });
    const [openaiRequest, googleRequest] = fakes.requests;
    expect(openaiRequest).toMatchObject({
      provider: "openai",
      method: "POST",
      path: "/v1/chat/completions",
      headers: { authorization: "Bearer sk-secret-value-123", "content-type": "application/json" },
      body: { model: "m", messages: user("record me") },
    });
    expect(openaiRequest?.receivedAt).toBeGreaterThan(0);
    expect(fakes.requestsFor("google")).toEqual([googleRequest]);
    expect(fakes.lastRequest()).toBe(googleRequest);

    const printed = fakes.requests.map(formatRecordedRequest).join("\n");
    expect(printed).not.toContain("sk-secret-value-123");
    expect(printed).not.toContain("google-secret-456");
    expect(printed).toContain("Bearer [redacted]");
    expect(printed).toContain("record me");
  });

  it.each([
    [{ authorization: "Bearer sk-abc" }, { authorization: "Bearer [redacted]" }],
    [{ "x-api-key": "sk-ant-abc", accept: "x" }, { "x-api-key": "[redacted]", accept: "x" }],
    [{ "api-key": "az" }, { "api-key": "[redacted]" }],
    [{ "x-goog-api-key": "g" }, { "x-goog-api-key": "[redacted]" }],
    [{ Authorization: "AWS4-HMAC-SHA256 Credential=AKIA/x" }, { Authorization: "AWS4-HMAC-SHA256 [redacted]" }],
    [{ "content-type": "application/json" }, { "content-type": "application/json" }],
  ])("redactHeaders(%o)", (headers, expected) => {
    expect(redactHeaders(headers)).toEqual(expected);
  });

  it("completes 200 concurrent streams with the right content", async () => {
    const openai = new OpenAI({ baseURL: fakes.baseURLs.openai, apiKey: "k", maxRetries: 0 });
    const anthropic = new Anthropic({ baseURL: fakes.baseURLs.anthropic, apiKey: "k", maxRetries: 0 });
    const viaOpenAi = async (index: number) => {
      const stream = await openai.chat.completions.create({ model: "m", messages: user(`prompt number ${index}`), stream: true });
      let text = "";
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
      return text;
    };
    const viaAnthropic = async (index: number) => {
      const message = await anthropic.messages.stream({ model: "m", max_tokens: 50, messages: user(`prompt number ${index}`) }).finalMessage();
      return message.content[0]?.type === "text" ? message.content[0].text : "";
    };
    const indexes = Array.from({ length: 200 }, (_, index) => index);
    const texts = await Promise.all(indexes.map((index) => (index % 2 === 0 ? viaOpenAi(index) : viaAnthropic(index))));
    expect(texts).toEqual(indexes.map((index) => `Echo: prompt number ${index}`));
    expect(fakes.requests).toHaveLength(200);
  });

  it("keeps each provider's script separate", async () => {
    fakes.queue("anthropic", { text: "for anthropic" });
    const openai = new OpenAI({ baseURL: fakes.baseURLs.openai, apiKey: "k" });
    const completion = await openai.chat.completions.create({ model: "m", messages: user("x") });
    expect(completion.choices[0]?.message.content).toBe("Echo: x");
    expect(fakes.pending("anthropic")).toBe(1);
  });
});

describe("runFakeProvidersCli", () => {
  it("starts on the given port and prints base URLs and exports", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const cli = await runFakeProvidersCli(0);
    try {
      const printed = log.mock.calls.map((call) => String(call[0])).join("\n");
      expect(printed).toBe(describeFakeProviders(cli));
      for (const name of FAKE_PROVIDER_NAMES) expect(printed).toContain(cli.baseURLs[name]);
      expect(printed).toContain(`export OPENAI_BASE_URL=${cli.baseURLs.openai}`);
      const response = await fetch(`${cli.baseURLs.mistral}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${cli.env.MISTRAL_API_KEY}` },
        body: JSON.stringify({ model: "m", messages: user("cli") }),
      });
      expect(response.status).toBe(200);
    } finally {
      log.mockRestore();
      await cli.close();
    }
  });
});
