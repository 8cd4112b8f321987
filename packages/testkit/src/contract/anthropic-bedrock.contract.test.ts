import { AnthropicBedrock } from "@anthropic-ai/bedrock-sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeProviders } from "../index.js";
import { startFakeProviders } from "../index.js";

// Claude on Bedrock InvokeModel, judged by Anthropic's own Bedrock client (SigV4 signing, event-stream decoding).
let fakes: FakeProviders;
let client: AnthropicBedrock;
const ACCESS_KEY = "AKIAFAKEINVOKEMODEL01";
const MODEL = "us.anthropic.claude-3-5-haiku-20241022-v1:0";

beforeAll(async () => {
  fakes = await startFakeProviders({ apiKeys: { bedrock: ACCESS_KEY } });
  client = new AnthropicBedrock({ awsAccessKey: ACCESS_KEY, awsSecretKey: "fake-secret", awsRegion: "us-east-1", baseURL: fakes.baseURLs.bedrock, maxRetries: 0 });
});
beforeEach(() => fakes.reset());
afterAll(() => fakes.close());

describe("anthropic.bedrock (InvokeModel) fake, judged by @anthropic-ai/bedrock-sdk", () => {
  it("answers a Messages body at /model/{id}/invoke, signed with SigV4", async () => {
    fakes.queue("bedrock", { text: "Hello from Bedrock.", toolCalls: [{ name: "lookup", arguments: { q: "x" } }], usage: { input_tokens: 9, output_tokens: 5 } });
    const message = await client.messages.create({ model: MODEL, max_tokens: 50, messages: [{ role: "user", content: "Hi" }] });
    expect(message.content[0]).toEqual({ type: "text", text: "Hello from Bedrock." });
    expect(message.content[1]).toMatchObject({ type: "tool_use", name: "lookup", input: { q: "x" } });
    expect(message.stop_reason).toBe("tool_use");
    expect(message.usage).toMatchObject({ input_tokens: 9, output_tokens: 5 });
    const request = fakes.lastRequest("bedrock");
    expect(decodeURIComponent(request!.path)).toBe(`/model/${MODEL}/invoke`);
    expect(request!.headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${ACCESS_KEY}/`));
    expect(request!.body).toMatchObject({ anthropic_version: "bedrock-2023-05-31", max_tokens: 50 });
    expect(request!.body).not.toHaveProperty("model");
  });

  it("streams through /invoke-with-response-stream: base64 chunks of the Messages events", async () => {
    fakes.queue("bedrock", { text: "one two three", usage: { input_tokens: 4, output_tokens: 3 } });
    const stream = await client.messages.create({ model: MODEL, max_tokens: 50, messages: [{ role: "user", content: "count" }], stream: true });
    const types: string[] = [];
    let text = "";
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "content_block_delta" && event.delta.type === "text_delta") text += event.delta.text;
    }
    expect(text).toBe("one two three");
    expect(types[0]).toBe("message_start");
    expect(types.at(-1)).toBe("message_stop");
    expect(decodeURIComponent(fakes.lastRequest("bedrock")!.path)).toBe(`/model/${MODEL}/invoke-with-response-stream`);
  });

  it("rejects a body the real service rejects, and maps faults by status", async () => {
    const raw = await fetch(`${fakes.baseURLs.bedrock}/model/${encodeURIComponent(MODEL)}/invoke`, {
      method: "POST",
      headers: { authorization: `Bearer ${ACCESS_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "x", max_tokens: 5, messages: [{ role: "user", content: "x" }] }),
    });
    expect(raw.status).toBe(400);
    fakes.fault("bedrock", { status: 429 });
    await expect(client.messages.create({ model: MODEL, max_tokens: 5, messages: [{ role: "user", content: "x" }] })).rejects.toMatchObject({ status: 429 });
  });
});
