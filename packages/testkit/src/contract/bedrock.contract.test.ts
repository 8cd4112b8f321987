import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeProviders } from "../index.js";
import { decodeEventStream, startFakeProviders } from "../index.js";

// No AWS SDK is installed here, so these tests speak the wire format directly: JSON for Converse,
// and AWS event-stream frames (checked by `decodeEventStream`, CRCs included) for ConverseStream.

let fakes: FakeProviders;
const SIGV4 =
  "AWS4-HMAC-SHA256 Credential=AKIATESTKEY/20250101/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc123";

beforeAll(async () => {
  fakes = await startFakeProviders({ apiKeys: { bedrock: "AKIATESTKEY" } });
});
beforeEach(() => fakes.reset());
afterAll(() => fakes.close());

const modelId = encodeURIComponent("anthropic.claude-3-haiku-20240307-v1:0");
const body = { messages: [{ role: "user", content: [{ text: "Hi Bedrock" }] }], system: [{ text: "Be brief" }] };

function call(operation: "converse" | "converse-stream", authorization: string | null = SIGV4, payload: unknown = body) {
  return fetch(`${fakes.baseURLs.bedrock}/model/${modelId}/${operation}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(payload),
  });
}

async function streamEvents(response: Response) {
  const messages = decodeEventStream(new Uint8Array(await response.arrayBuffer()));
  return messages.map((message) => ({
    type: message.headers[":event-type"],
    messageType: message.headers[":message-type"],
    payload: JSON.parse(new TextDecoder().decode(message.payload)) as Record<string, unknown>,
  }));
}

describe("Bedrock Converse", () => {
  it("answers Converse with JSON", async () => {
    fakes.queue("bedrock", { text: "Hello!", toolCalls: [{ name: "lookup", arguments: { q: "x" } }], usage: { input_tokens: 3, output_tokens: 4 } });
    const response = await call("converse");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      output: { message: { role: "assistant", content: [{ text: "Hello!" }, { toolUse: { name: "lookup", input: { q: "x" } } }] } },
      stopReason: "tool_use",
      usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 },
    });
    expect(fakes.lastRequest("bedrock")?.path).toBe(`/model/${modelId}/converse`);
  });

  it("streams ConverseStream as event-stream frames with valid checksums", async () => {
    fakes.queue("bedrock", { thinking: "Hmm.", text: "Hi there friend", toolCalls: [{ name: "lookup", arguments: { q: "x" } }] });
    const response = await call("converse-stream");
    expect(response.headers.get("content-type")).toBe("application/vnd.amazon.eventstream");
    const events = await streamEvents(response);
    expect(events.every((event) => event.messageType === "event")).toBe(true);
    expect(events[0]).toMatchObject({ type: "messageStart", payload: { role: "assistant" } });
    expect(events.slice(-2).map((event) => event.type)).toEqual(["messageStop", "metadata"]);
    const text = events
      .filter((event) => event.type === "contentBlockDelta")
      .map((event) => (event.payload.delta as { text?: string }).text ?? "")
      .join("");
    expect(text).toBe("Hi there friend");
    const toolInput = events
      .filter((event) => event.type === "contentBlockDelta")
      .map((event) => (event.payload.delta as { toolUse?: { input: string } }).toolUse?.input ?? "")
      .join("");
    expect(JSON.parse(toolInput)).toEqual({ q: "x" });
  });

  it("rejects a missing or unknown credential with Bedrock's 403", async () => {
    const missing = await call("converse", null);
    expect(missing.status).toBe(403);
    expect(await missing.json()).toEqual({ message: "Missing Authentication Token" });
    const unknown = await call("converse", SIGV4.replace("AKIATESTKEY", "AKIAOTHER"));
    expect(unknown.status).toBe(403);
    expect(unknown.headers.get("x-amzn-errortype")).toMatch(/^UnrecognizedClientException/);
  });

  it("rejects a body without messages and answers a queued throttle", async () => {
    const invalid = await call("converse", SIGV4, {});
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get("x-amzn-errortype")).toMatch(/^ValidationException/);
    fakes.fault("bedrock", { status: 429 });
    const throttled = await call("converse");
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("x-amzn-errortype")).toMatch(/^ThrottlingException/);
  });

  it("corrupts a frame's checksum for malformedEventAt", async () => {
    fakes.queue("bedrock", { text: "a b", malformedEventAt: 1 });
    const response = await call("converse-stream");
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(() => decodeEventStream(bytes)).toThrow(/checksum/);
  });
});
