import type { ConverseStreamOutput, Message } from "@aws-sdk/client-bedrock-runtime";
import {
  AccessDeniedException,
  BedrockRuntimeClient,
  BedrockRuntimeServiceException,
  ConverseCommand,
  ConverseStreamCommand,
  ThrottlingException,
  ValidationException,
} from "@aws-sdk/client-bedrock-runtime";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeProviders } from "../index.js";
import { decodeEventStream, fakeTokenCount, formatRecordedRequest, startFakeProviders } from "../index.js";

// The official AWS SDK with its default request handler, which speaks HTTP/2 (cleartext, prior
// knowledge, for an `http://` endpoint); the last tests read the same wire over HTTP/1.1 with fetch,
// as our own SDK's transport does.

let fakes: FakeProviders;
let client: BedrockRuntimeClient;
const KEY = "AKIATESTKEY";
const MODEL = "anthropic.claude-3-haiku-20240307-v1:0";

function bedrockClient(accessKeyId = KEY) {
  return new BedrockRuntimeClient({
    endpoint: fakes.baseURLs.bedrock,
    region: "us-east-1",
    maxAttempts: 1,
    credentials: { accessKeyId, secretAccessKey: fakes.env.AWS_SECRET_ACCESS_KEY ?? "" },
  });
}

beforeAll(async () => {
  fakes = await startFakeProviders({ apiKeys: { bedrock: KEY } });
  client = bedrockClient(fakes.env.AWS_ACCESS_KEY_ID);
});
beforeEach(() => fakes.reset());
afterAll(async () => {
  client.destroy();
  await fakes.close();
});

const messages = (text: string): Message[] => [{ role: "user", content: [{ text }] }];

async function collect(stream: AsyncIterable<ConverseStreamOutput> | undefined) {
  const events: ConverseStreamOutput[] = [];
  for await (const event of stream ?? []) events.push(event);
  return events;
}

describe("Bedrock Converse (AWS SDK)", () => {
  it("answers Converse with the echo, signed with SigV4 and printed redacted", async () => {
    const answer = await client.send(new ConverseCommand({ modelId: MODEL, system: [{ text: "Be brief" }], messages: messages("Hi Bedrock") }));
    expect(answer.output?.message).toEqual({ role: "assistant", content: [{ text: "Echo: Hi Bedrock" }] });
    expect(answer.stopReason).toBe("end_turn");
    expect(answer.usage?.inputTokens).toBe(fakeTokenCount("Be brief\nHi Bedrock"));
    expect(answer.$metadata.requestId).toMatch(/-0000-4000-8000-000000000000$/);

    const request = fakes.lastRequest("bedrock");
    expect(request?.path).toBe(`/model/${encodeURIComponent(MODEL)}/converse`);
    expect(request?.body).toMatchObject({ system: [{ text: "Be brief" }], messages: messages("Hi Bedrock") });
    expect(request?.headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${KEY}/\\d{8}/us-east-1/bedrock/aws4_request, SignedHeaders=.+, Signature=[0-9a-f]{64}$`));
    expect(request?.headers["x-amz-date"]).toMatch(/^\d{8}T\d{6}Z$/);
    const printed = request === undefined ? "" : formatRecordedRequest(request);
    expect(printed).toContain('"authorization": "AWS4-HMAC-SHA256 [redacted]"');
    expect(printed).not.toContain(KEY);
    expect(printed).not.toContain("Signature=");
  });

  it("returns a queued tool call as toolUse with its input object, and the usage", async () => {
    fakes.queue("bedrock", { text: "Let me look.", toolCalls: [{ name: "lookup", arguments: { q: "x", n: 2 } }], usage: { input_tokens: 3, output_tokens: 4 } });
    const answer = await client.send(new ConverseCommand({ modelId: MODEL, messages: messages("Find x") }));
    const [text, toolUse] = answer.output?.message?.content ?? [];
    expect(text).toEqual({ text: "Let me look." });
    expect(toolUse?.toolUse).toMatchObject({ name: "lookup", input: { q: "x", n: 2 } });
    expect(toolUse?.toolUse?.toolUseId).toMatch(/^tooluse_/);
    expect(answer.stopReason).toBe("tool_use");
    expect(answer.usage).toEqual({ inputTokens: 3, outputTokens: 4, totalTokens: 7 });
  });

  it("streams ConverseStream events that the SDK decodes", async () => {
    fakes.queue("bedrock", {
      thinking: "Hmm.",
      text: "Hi there friend",
      toolCalls: [{ name: "lookup", arguments: { q: "x" } }],
      usage: { input_tokens: 5, output_tokens: 6 },
    });
    const response = await client.send(new ConverseStreamCommand({ modelId: MODEL, messages: messages("Hi") }));
    const events = await collect(response.stream);
    expect(events[0]).toEqual({ messageStart: { role: "assistant" } });
    const deltas = events.flatMap((event) => (event.contentBlockDelta?.delta ? [event.contentBlockDelta.delta] : []));
    expect(deltas.map((delta) => delta.text ?? "").join("")).toBe("Hi there friend");
    expect(deltas.filter((delta) => delta.text !== undefined).length).toBeGreaterThan(1);
    expect(deltas.map((delta) => delta.reasoningContent?.text ?? "").join("")).toBe("Hmm.");
    const toolStart = events.find((event) => event.contentBlockStart)?.contentBlockStart;
    expect(toolStart?.start?.toolUse).toMatchObject({ name: "lookup", toolUseId: expect.stringMatching(/^tooluse_/) as unknown });
    const toolInput = events
      .filter((event) => event.contentBlockDelta?.contentBlockIndex === toolStart?.contentBlockIndex)
      .map((event) => event.contentBlockDelta?.delta?.toolUse?.input ?? "")
      .join("");
    expect(JSON.parse(toolInput)).toEqual({ q: "x" });
    expect(events.at(-2)).toEqual({ messageStop: { stopReason: "tool_use" } });
    expect(events.at(-1)?.metadata?.usage).toEqual({ inputTokens: 5, outputTokens: 6, totalTokens: 11 });
    expect(fakes.lastRequest("bedrock")?.path).toBe(`/model/${encodeURIComponent(MODEL)}/converse-stream`);
  });

  it("maps queued faults and an invalid body to the SDK's exception classes", async () => {
    fakes.fault("bedrock", { status: 429 }, { status: 400 }, { status: 403 });
    const throttled = client.send(new ConverseCommand({ modelId: MODEL, messages: messages("x") }));
    await expect(throttled).rejects.toBeInstanceOf(ThrottlingException);
    await expect(throttled).rejects.toMatchObject({ $metadata: { httpStatusCode: 429 }, message: "Too many requests, please wait before trying again." });
    await expect(client.send(new ConverseCommand({ modelId: MODEL, messages: messages("x") }))).rejects.toBeInstanceOf(ValidationException);
    await expect(client.send(new ConverseStreamCommand({ modelId: MODEL, messages: messages("x") }))).rejects.toBeInstanceOf(AccessDeniedException);

    const empty = client.send(new ConverseCommand({ modelId: MODEL, messages: [] }));
    await expect(empty).rejects.toBeInstanceOf(ValidationException);
    await expect(empty).rejects.toMatchObject({ message: expect.stringMatching(/^A conversation must start with a user message/) as unknown });
  });

  it("rejects an unknown access key and a request without an authorization header", async () => {
    const stranger = bedrockClient("AKIAOTHERKEY");
    const unknown = stranger.send(new ConverseCommand({ modelId: MODEL, messages: messages("x") }));
    await expect(unknown).rejects.toBeInstanceOf(BedrockRuntimeServiceException);
    await expect(unknown).rejects.toMatchObject({ name: "UnrecognizedClientException", $metadata: { httpStatusCode: 403 } });
    stranger.destroy();

    const unsigned = bedrockClient();
    // Runs after signing (the finalizeRequest step), just before the request is sent.
    unsigned.middlewareStack.add(
      (next) => (args) => {
        delete (args.request as { headers: Record<string, string> }).headers.authorization;
        return next(args);
      },
      { step: "deserialize", name: "dropAuthorization" },
    );
    const missing = unsigned.send(new ConverseCommand({ modelId: MODEL, messages: messages("x") }));
    await expect(missing).rejects.toBeInstanceOf(BedrockRuntimeServiceException);
    await expect(missing).rejects.toMatchObject({ name: "MissingAuthenticationTokenException", message: "Missing Authentication Token", $metadata: { httpStatusCode: 403 } });
    expect(fakes.lastRequest("bedrock")?.headers.authorization).toBeUndefined();
    unsigned.destroy();
  });

  it("makes the stream throw when cut mid-way or sent a frame with a bad checksum", async () => {
    fakes.queue("bedrock", { text: "a b c d", cutAfterEvents: 3 }, { text: "a b c d", malformedEventAt: 2 });
    const cut = await client.send(new ConverseStreamCommand({ modelId: MODEL, messages: messages("x") }));
    expect(cut.$metadata.httpStatusCode).toBe(200);
    await expect(collect(cut.stream)).rejects.toMatchObject({ code: "ERR_HTTP2_STREAM_ERROR", message: expect.stringMatching(/INTERNAL_ERROR/) as unknown });
    const malformed = await client.send(new ConverseStreamCommand({ modelId: MODEL, messages: messages("x") }));
    await expect(collect(malformed.stream)).rejects.toThrow(/checksum/i);
  });
});

describe("Bedrock ConverseStream wire over HTTP/1.1", () => {
  const call = () =>
    fetch(`${fakes.baseURLs.bedrock}/model/${encodeURIComponent(MODEL)}/converse-stream`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `AWS4-HMAC-SHA256 Credential=${KEY}/20250101/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc123`,
      },
      body: JSON.stringify({ messages: messages("Hi Bedrock") }),
    });

  it("sends event-stream frames with valid checksums and padded payloads", async () => {
    const response = await call();
    expect(response.headers.get("content-type")).toBe("application/vnd.amazon.eventstream");
    const frames = decodeEventStream(new Uint8Array(await response.arrayBuffer()));
    expect(frames.every((frame) => frame.headers[":message-type"] === "event")).toBe(true);
    expect(frames.map((frame) => frame.headers[":event-type"])).toEqual([
      "messageStart",
      "contentBlockDelta",
      "contentBlockDelta",
      "contentBlockDelta",
      "contentBlockStop",
      "messageStop",
      "metadata",
    ]);
    const first = JSON.parse(new TextDecoder().decode(frames[0]?.payload)) as Record<string, unknown>;
    expect(first).toMatchObject({ role: "assistant", p: expect.any(String) as unknown });
  });

  it("corrupts a frame's checksum for malformedEventAt", async () => {
    fakes.queue("bedrock", { text: "a b", malformedEventAt: 1 });
    const bytes = new Uint8Array(await (await call()).arrayBuffer());
    expect(() => decodeEventStream(bytes)).toThrow(/checksum/);
  });
});

describe("Bedrock Converse structured output", () => {
  const schema = { type: "object", properties: { city: { type: "string" }, celsius: { type: "number" } }, required: ["city", "celsius"] };
  const input = {
    modelId: MODEL,
    messages: [{ role: "user" as const, content: [{ text: "Weather in Paris?" }] }],
    toolConfig: {
      tools: [{ toolSpec: { name: "json_response", description: "Answer as JSON", inputSchema: { json: schema } } }],
      toolChoice: { tool: { name: "json_response" } },
    },
  };

  it("answers a tool forced through toolConfig.toolChoice with a toolUse block holding the scripted JSON", async () => {
    fakes.queue("bedrock", { json: { city: "Paris", celsius: 21 } });
    const response = await client.send(new ConverseCommand(input));
    expect(response.output?.message?.content).toEqual([
      { toolUse: { toolUseId: expect.any(String), name: "json_response", input: { city: "Paris", celsius: 21 } } },
    ]);
    expect(response.stopReason).toBe("tool_use");
    expect(fakes.lastRequest("bedrock")?.body).toMatchObject({ toolConfig: { toolChoice: { tool: { name: "json_response" } } } });
  });

  it("streams the forced tool's input in pieces that add up to the JSON", async () => {
    fakes.queue("bedrock", { json: { city: "Lyon", celsius: 18 } });
    const response = await client.send(new ConverseStreamCommand(input));
    let json = "";
    let name: string | undefined;
    for await (const event of response.stream ?? []) {
      name ??= event.contentBlockStart?.start?.toolUse?.name;
      json += event.contentBlockDelta?.delta?.toolUse?.input ?? "";
    }
    expect(name).toBe("json_response");
    expect(JSON.parse(json)).toEqual({ city: "Lyon", celsius: 18 });
  });
});
