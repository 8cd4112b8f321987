import { EventSourceParserStream } from "eventsource-parser/stream";

/** A server-sent event as the playground route sends them. */
export interface ServerEvent {
  event: string;
  data: string;
}

/** Reads a `text/event-stream` body event by event, parsed by `eventsource-parser` (the SDK's parser too). */
export async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerEvent> {
  // The DOM typings declare TextDecoderStream's input as BufferSource, which Uint8Array is; TypeScript can't see it through the generic.
  const decoder = new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>;
  const reader = body.pipeThrough(decoder).pipeThrough(new EventSourceParserStream()).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      yield { event: value.event ?? "message", data: value.data };
    }
  } finally {
    reader.releaseLock();
  }
}
