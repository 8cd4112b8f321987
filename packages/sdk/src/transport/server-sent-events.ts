/**
 * Server-sent events over a byte stream, with `eventsource-parser` doing the
 * line protocol (chunks split anywhere, multi-line data, comments, CRLF).
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";

/** One SSE event. */
export interface ServerSentEvent {
  /** The `event:` field, undefined when the server sent none. */
  event: string | undefined;
  /** The `data:` lines joined by `\n`. */
  data: string;
  /**
   * True for an event the stream ended inside of (no blank line after it):
   * it may be whole (a server that omits the last blank line) or cut off.
   */
  unterminated: boolean;
}

/**
 * Parses a byte stream into SSE events as they complete. Bytes are decoded as
 * UTF-8 across chunk boundaries, so a character split between two TCP
 * packets arrives whole.
 */
export async function* readServerSentEvents(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  const ready: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => ready.push(message) });
  const drain = function* (unterminated: boolean): Generator<ServerSentEvent> {
    while (ready.length > 0) {
      const message = ready.shift() as EventSourceMessage;
      yield { event: message.event, data: message.data, unterminated };
    }
  };

  for await (const chunk of chunks) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    yield* drain(false);
  }
  // The blank line the stream may have ended without dispatches the last event.
  parser.feed(`${decoder.decode()}\n\n`);
  yield* drain(true);
}
