import { readFileSync } from "node:fs";
import { ProviderError } from "@promptline/core";
import { describe, expect, it } from "vitest";
import { defaultStreamEnd, readProviderEvents, type StreamEndCheck } from "./provider-stream.js";
import { readServerSentEvents } from "./server-sent-events.js";

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8");
const bytes = (text: string) => new TextEncoder().encode(text);

async function* split(data: Uint8Array, at: readonly number[]): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const end of [...at, data.length]) {
    yield data.slice(start, end);
    start = end;
  }
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

const read = (body: Uint8Array, at: readonly number[], provider = "openai", isStreamEnd: StreamEndCheck | null = defaultStreamEnd(provider)) =>
  collect(readProviderEvents(split(body, at), { provider, framing: "sse", isStreamEnd }));

const failure = (promise: Promise<unknown>) => promise.then(
  () => {
    throw new Error("expected a failure");
  },
  (error: unknown) => error as ProviderError,
);

describe("readServerSentEvents", () => {
  it("joins multi-line data, skips comments and keeps event names", async () => {
    const body = bytes(': keep-alive\n\nevent: update\ndata: {"a":\ndata: 1}\n\nretry: 10\ndata: last');
    expect(await collect(readServerSentEvents(split(body, [3])))).toEqual([
      { event: "update", data: '{"a":\n1}', unterminated: false },
      { event: undefined, data: "last", unterminated: true },
    ]);
  });
});

describe("readProviderEvents over SSE", () => {
  const recorded = fixture("anthropic-fallback-tool-call.sse");
  const expected = recorded
    .split("\n\n")
    .map((block) => block.replace(/^data: /, "").trim())
    .filter((data) => data && data !== "[DONE]")
    .map((data) => JSON.parse(data) as unknown);

  it("parses a recorded OpenAI-compatible stream split at every byte position", async () => {
    const body = bytes(recorded);
    expect(expected.length).toBeGreaterThan(3);
    for (let at = 1; at < body.length; at++) {
      expect(await read(body, [at])).toEqual(expected);
    }
  });

  it("decodes UTF-8 characters split between chunks, with CRLF line endings", async () => {
    const body = bytes('data: {"text":"héllo 👋"}\r\n\r\ndata: [DONE]\r\n\r\n');
    const emoji = body.indexOf(0xf0);
    expect(await read(body, [emoji + 1, emoji + 2, emoji + 3])).toEqual([{ text: "héllo 👋" }]);
    expect(await read(body, [body.indexOf(0xc3) + 1])).toEqual([{ text: "héllo 👋" }]);
  });

  it("stops at [DONE] and ignores what follows it", async () => {
    expect(await read(bytes('data: {"n":1}\n\ndata: [DONE]\n\ndata: {"n":2}\n\n'), [])).toEqual([{ n: 1 }]);
  });

  it("accepts a last event without its blank line", async () => {
    expect(await read(bytes('data: {"n":1}\n\ndata: [DONE]'), [])).toEqual([{ n: 1 }]);
  });

  it("drops Anthropic pings and comments, and requires message_stop", async () => {
    const lines = fixture("anthropic-text.chunks.txt").trim().split("\n");
    const sse = lines
      .map((line) => {
        const type = (JSON.parse(line) as { type: string }).type;
        return `event: ${type}\ndata: ${line}\n\n: comment\n\n`;
      })
      .join("");
    const events = await read(bytes(sse), [7, 400], "anthropic");
    expect(events).toEqual(lines.map((line) => JSON.parse(line) as unknown).filter((event) => (event as { type: string }).type !== "ping"));

    const withoutStop = sse.slice(0, sse.lastIndexOf("event: message_stop"));
    const error = await failure(read(bytes(withoutStop), [], "anthropic"));
    expect(error.providerMessage).toContain("stream ended unexpectedly");
  });

  it("fails an OpenAI stream without [DONE], but not a Google one (Google sends no marker)", async () => {
    const body = bytes('data: {"n":1}\n\n');
    expect((await failure(read(body, []))).providerMessage).toContain("stream ended unexpectedly");
    expect(await read(body, [], "google")).toEqual([{ n: 1 }]);
    expect(await read(body, [], "openai", null)).toEqual([{ n: 1 }]);
  });

  it("accepts an OpenAI Responses stream that ends with response.completed", async () => {
    const body = bytes('data: {"type":"response.created"}\n\ndata: {"type":"response.completed"}\n\n');
    expect(await read(body, [])).toHaveLength(2);
  });

  it("reports a stream cut inside an event as ended unexpectedly", async () => {
    const error = await failure(read(bytes('data: {"n":1}\n\ndata: {"n":'), []));
    expect(error.providerMessage).toContain("in the middle of an event");
  });

  it("fails on a malformed event", async () => {
    const error = await failure(read(bytes("data: {not json}\n\n"), []));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.providerMessage).toContain("malformed stream event");
    expect(error.errorType).toBe("PROVIDER_ERROR");
  });

  it.each([
    [
      "Anthropic event: error",
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
      "anthropic",
      { status: 529, providerMessage: "Overloaded", errorType: "PROVIDER_ERROR", isRetryable: true },
    ],
    [
      "OpenAI Responses error event",
      'data: {"type":"error","error":{"type":"insufficient_quota","code":"insufficient_quota","message":"You exceeded your current quota"}}\n\n',
      "openai",
      { status: undefined, errorType: "PROVIDER_QUOTA_LIMIT" },
    ],
    [
      "Google error payload",
      'data: {"error":{"code":429,"message":"Resource exhausted","status":"RESOURCE_EXHAUSTED"}}\n\n',
      "google",
      { status: 429, providerMessage: "Resource exhausted", errorType: "PROVIDER_RATE_LIMIT" },
    ],
  ])("throws a ProviderError for an in-stream error: %s", async (_, sse, provider, fields) => {
    const error = await failure(read(bytes(sse), [5], provider));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject(fields);
  });
});
