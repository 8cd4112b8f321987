import { describe, expect, it } from "vitest";
import { readEvents } from "./sse.js";

const bodyOf = (...chunks: string[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });

describe("readEvents", () => {
  it("reads named events split across chunks, CRLF line ends and multi-line data", async () => {
    const events = [];
    for await (const event of readEvents(bodyOf("event: delta\r\ndata: {\"te", "xt\":\"Hi\"}\r\n\r\n", ": keep-alive\n\ndata: one\ndata: two\n\n"))) events.push(event);
    expect(events).toEqual([
      { event: "delta", data: '{"text":"Hi"}' },
      { event: "message", data: "one\ntwo" },
    ]);
  });
});
