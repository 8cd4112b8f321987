import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeProviders } from "../index.js";
import { fakeTokenCount, startFakeProviders } from "../index.js";

// OpenRouter has no SDK of its own on npm that its docs recommend over `openai` with its base URL: that is the client judging this fake.
let fakes: FakeProviders;
let client: OpenAI;
const KEY = "sk-or-v1-test-0123456789";

beforeAll(async () => {
  fakes = await startFakeProviders({ apiKeys: { openrouter: KEY } });
  client = new OpenAI({ baseURL: fakes.baseURLs.openrouter, apiKey: KEY, maxRetries: 0, defaultHeaders: { "HTTP-Referer": "https://app.example", "X-Title": "Example" } });
});
beforeEach(() => fakes.reset());
afterAll(() => fakes.close());

const user = (content: string) => [{ role: "user" as const, content }];

describe("openrouter fake, judged by the openai SDK", () => {
  it("answers at /api/v1/chat/completions with a gen- id and the upstream provider", async () => {
    const completion = await client.chat.completions.create({ model: "anthropic/claude-sonnet-4", messages: user("Hi there") });
    expect(completion.choices[0]?.message.content).toBe("Echo: Hi there");
    expect(completion.id).toMatch(/^gen-/);
    expect((completion as unknown as { provider: string }).provider).toBe("Anthropic");
    expect(completion.usage?.prompt_tokens).toBe(fakeTokenCount("Hi there"));
    const request = fakes.lastRequest("openrouter");
    expect(request?.path).toBe("/api/v1/chat/completions");
    expect(request?.headers).toMatchObject({ authorization: `Bearer ${KEY}`, "http-referer": "https://app.example", "x-title": "Example" });
  });

  it("streams after a processing comment, with tool calls and usage", async () => {
    fakes.queue("openrouter", { text: "a b", toolCalls: [{ name: "lookup", arguments: { q: "x" } }], usage: { input_tokens: 5, output_tokens: 3 } });
    const stream = await client.chat.completions.create({ model: "openai/gpt-4o", messages: user("go"), stream: true, stream_options: { include_usage: true } });
    let text = "";
    let args = "";
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      expect(chunk.id).toMatch(/^gen-/);
      text += chunk.choices[0]?.delta.content ?? "";
      args += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe("a b");
    expect(JSON.parse(args)).toEqual({ q: "x" });
    expect(usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 3 });
  });

  it("answers errors in OpenRouter's shape, which the SDK maps by status", async () => {
    await expect(new OpenAI({ baseURL: fakes.baseURLs.openrouter, apiKey: "wrong", maxRetries: 0 }).chat.completions.create({ model: "openai/gpt-4o", messages: user("x") })).rejects.toMatchObject({
      status: 401,
      error: { code: 401, message: "No auth credentials found" },
    });
    fakes.fault("openrouter", { status: 429, retryAfterSeconds: 0 });
    await expect(client.chat.completions.create({ model: "openai/gpt-4o", messages: user("x") })).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    fakes.fault("openrouter", { status: 502 });
    await expect(client.chat.completions.create({ model: "openai/gpt-4o", messages: user("x") })).rejects.toMatchObject({ status: 502, error: { metadata: { provider_name: "OpenAI" } } });
  });
});
