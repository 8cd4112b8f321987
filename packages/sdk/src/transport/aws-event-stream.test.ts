import { readFileSync } from "node:fs";
import { ProviderError } from "@promptline/core";
import { describe, expect, it } from "vitest";
import { bedrockEventMessage, encodeAwsEventStreamMessage } from "./__fixtures__/aws-event-stream-encoder.js";
import { crc32, decodeAwsEventStream } from "./aws-event-stream.js";
import { readProviderEvents } from "./provider-stream.js";

async function* inChunks(bytes: Uint8Array, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  let offset = 0;
  for (let i = 0; offset < bytes.length; i++) {
    const size = sizes[i % sizes.length] as number;
    yield bytes.slice(offset, offset + size);
    offset += size;
  }
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

describe("crc32", () => {
  it("gives the standard check value", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});

describe("decodeAwsEventStream", () => {
  const uuid = Uint8Array.from({ length: 16 }, (_, i) => i * 7);
  const first = encodeAwsEventStreamMessage(
    {
      ":event-type": "contentBlockDelta",
      yes: { type: "bool", value: true },
      no: { type: "bool", value: false },
      tiny: { type: "byte", value: -3 },
      small: { type: "short", value: 1234 },
      medium: { type: "int", value: -70000 },
      large: { type: "long", value: 2n ** 40n },
      raw: { type: "bytes", value: Uint8Array.from([1, 2, 3]) },
      when: { type: "timestamp", value: 1700000000123n },
      id: { type: "uuid", value: uuid },
    },
    '{"text":"héllo"}',
  );
  const second = encodeAwsEventStreamMessage({ ":event-type": "messageStop" }, "");
  const stream = concat(first, second);

  it("round-trips every header type and the payload, however the bytes are split", async () => {
    for (const sizes of [[stream.length], [1], [3, 7], [11, 1, 29], [12], [first.length - 1, 5]]) {
      const messages = await collect(decodeAwsEventStream(inChunks(stream, sizes)));
      expect(messages).toHaveLength(2);
      expect(messages[0]?.headers).toEqual({
        ":event-type": "contentBlockDelta",
        yes: true,
        no: false,
        tiny: -3,
        small: 1234,
        medium: -70000,
        large: 2n ** 40n,
        raw: Uint8Array.from([1, 2, 3]),
        when: new Date(1700000000123),
        id: uuid,
      });
      expect(new TextDecoder().decode(messages[0]?.payload)).toBe('{"text":"héllo"}');
      expect(messages[1]).toEqual({ headers: { ":event-type": "messageStop" }, payload: new Uint8Array(0) });
    }
  });

  it.each([
    ["prelude checksum", 9, "prelude checksum mismatch"],
    ["payload byte", first.length - 6, "message checksum mismatch"],
    ["message checksum", first.length - 1, "message checksum mismatch"],
  ])("rejects a corrupted %s", async (_, index, reason) => {
    const corrupted = stream.slice();
    corrupted[index] = (corrupted[index] as number) ^ 0xff;
    const error = await collect(decodeAwsEventStream(inChunks(corrupted, [5]))).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).providerMessage).toContain(reason);
    expect((error as ProviderError).isRetryable).toBe(false);
  });

  it("rejects a stream that stops in the middle of a message", async () => {
    const error = await collect(decodeAwsEventStream(inChunks(stream.slice(0, first.length + 10), [64]))).catch((caught: unknown) => caught);
    expect((error as ProviderError).providerMessage).toContain("ended in the middle of a message");
  });
});

describe("Bedrock events", () => {
  const lines = readFileSync(new URL("./__fixtures__/amazon-bedrock-text.chunks.txt", import.meta.url), "utf8").trim().split("\n");
  const recorded = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const framed = concat(
    ...recorded.map((event) => {
      const [eventType, payload] = Object.entries(event)[0] as [string, unknown];
      return bedrockEventMessage(eventType, payload);
    }),
  );
  const options = { provider: "amazon.bedrock", framing: "aws-event-stream", isStreamEnd: (event: unknown) => typeof event === "object" && event !== null && "messageStop" in event } as const;

  it("yields { [eventType]: payload } objects, the recorded shape", async () => {
    expect(await collect(readProviderEvents(inChunks(framed, [17]), options))).toEqual(recorded);
  });

  it("turns an exception message into a ProviderError with its status", async () => {
    const exception = encodeAwsEventStreamMessage(
      { ":exception-type": "throttlingException", ":content-type": "application/json", ":message-type": "exception" },
      JSON.stringify({ message: "Too many requests, please wait before trying again." }),
    );
    const error = await collect(readProviderEvents(inChunks(concat(bedrockEventMessage("messageStart", { role: "assistant" }), exception), [40]), options)).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ status: 429, providerMessage: "Too many requests, please wait before trying again.", errorType: "PROVIDER_RATE_LIMIT" });
  });

  it("fails a stream that ends before messageStop", async () => {
    const withoutStop = concat(bedrockEventMessage("messageStart", { role: "assistant" }), bedrockEventMessage("contentBlockDelta", { delta: { text: "Hi" } }));
    const error = await collect(readProviderEvents(inChunks(withoutStop, [100]), options)).catch((caught: unknown) => caught);
    expect((error as ProviderError).providerMessage).toContain("stream ended unexpectedly");
  });
});
