import { describe, expect, it } from "vitest";
import { decodeEventStream, encodeEventStreamMessage } from "./event-stream.js";
import { defaultReplyText, fakeTokenCount } from "./resolve-reply.js";
import { splitText } from "./split-text.js";
import { sseStream } from "./sse.js";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("event-stream", () => {
  it("round-trips headers and payload", () => {
    const headers = { ":event-type": "contentBlockDelta", ":content-type": "application/json", ":message-type": "event" };
    const payload = new TextEncoder().encode('{"delta":{"text":"héllo"}}');
    const frame = encodeEventStreamMessage(headers, payload);
    const view = new DataView(frame.buffer);
    expect(view.getUint32(0)).toBe(frame.length);
    const [decoded, ...rest] = decodeEventStream(new Uint8Array([...frame]));
    expect(rest).toEqual([]);
    expect(decoded?.headers).toEqual(headers);
    expect(text(decoded?.payload ?? new Uint8Array())).toBe('{"delta":{"text":"héllo"}}');
  });

  it("rejects a bad prelude checksum", () => {
    const frame = encodeEventStreamMessage({ a: "b" }, new Uint8Array([1]));
    frame[9] = (frame[9] ?? 0) ^ 1;
    expect(() => decodeEventStream(frame)).toThrow(/prelude checksum/);
  });
});

describe("splitText", () => {
  it.each([
    ["Echo: hello world", {}, ["Echo:", " hello", " world"]],
    ["abcdefg", { chunkSize: 3 }, ["abc", "def", "g"]],
    ["abcdef", { events: 4 }, ["a", "bc", "d", "ef"]],
    ["ab", { events: 5 }, ["a", "b"]],
    ["😀😀😀", { chunkSize: 1 }, ["😀", "😀", "😀"]],
    ["", {}, []],
  ])("splitText(%j, %o)", (input, options, expected) => {
    const parts = splitText(input, options);
    expect(parts).toEqual(expected);
    expect(parts.join("")).toBe(input);
  });
});

describe("default reply", () => {
  it("echoes the collapsed message and cuts long ones", () => {
    expect(defaultReplyText("  hi\n there ")).toBe("Echo: hi there");
    const long = defaultReplyText("x".repeat(500));
    expect(long).toBe(`Echo: ${"x".repeat(200)}…`);
  });

  it.each([
    ["", 1],
    ["abcd", 1],
    ["abcde", 2],
    ["x".repeat(40), 10],
  ])("fakeTokenCount(%j) = %i", (input, expected) => {
    expect(fakeTokenCount(input)).toBe(expected);
  });
});

describe("sseStream", () => {
  it("frames named events and breaks the JSON of a corrupted one", () => {
    const stream = sseStream([{ event: "ping", data: { type: "ping" } }, { data: "[DONE]" }]);
    expect(stream.frames.map(text)).toEqual(['event: ping\ndata: {"type":"ping"}\n\n', "data: [DONE]\n\n"]);
    const broken = text(stream.corrupt(stream.frames[0] ?? new Uint8Array()));
    expect(broken.startsWith("event: ping\ndata: {")).toBe(true);
    expect(broken.endsWith("\n\n")).toBe(true);
    expect(() => JSON.parse(broken.slice(broken.indexOf("data: ") + 6))).toThrow();
  });

  it("uses CRLF framing when asked (Gemini)", () => {
    const stream = sseStream([{ event: "x", data: 1 }], { separator: "\r\n\r\n" });
    expect(text(stream.frames[0] ?? new Uint8Array())).toBe("event: x\r\ndata: 1\r\n\r\n");
  });
});
