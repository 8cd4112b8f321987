import type { StreamResponse } from "./fake-call.js";

/** One server-sent event: an optional `event:` name and a `data:` payload (JSON-encoded unless a string). */
export interface SseEvent {
  event?: string;
  data: unknown;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes events as `text/event-stream` frames, each ended by `separator` (Gemini uses `\r\n\r\n`). */
export function sseStream(
  events: SseEvent[],
  options: { headers?: Record<string, string>; separator?: string; contentType?: string } = {},
): StreamResponse {
  const separator = options.separator ?? "\n\n";
  const lineBreak = separator.slice(0, separator.length / 2);
  const frames = events.map((event) => {
    const data = typeof event.data === "string" ? event.data : JSON.stringify(event.data);
    const name = event.event === undefined ? "" : `event: ${event.event}${lineBreak}`;
    return encoder.encode(`${name}data: ${data}${separator}`);
  });
  return {
    kind: "stream",
    headers: {
      "content-type": options.contentType ?? "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      ...options.headers,
    },
    frames,
    corrupt: (frame) => encoder.encode(truncateData(decoder.decode(frame), separator)),
  };
}

/** Cuts the `data:` payload of one encoded event in half, keeping the framing, so the JSON is broken. */
function truncateData(frame: string, separator: string): string {
  const body = frame.slice(0, frame.length - separator.length);
  const dataStart = body.lastIndexOf("data: ") + "data: ".length;
  const payload = body.slice(dataStart);
  const kept = payload.slice(0, Math.max(1, Math.floor(payload.length / 2)));
  return `${body.slice(0, dataStart)}${kept}${separator}`;
}
