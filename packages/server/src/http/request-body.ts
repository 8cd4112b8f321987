import type { IncomingMessage } from "node:http";
import { InvalidRequestError } from "@promptline/core";
import type { Context, MiddlewareHandler } from "hono";
import { PayloadTooLargeError } from "./route-errors.js";

const limitKey = "promptline.body-limit";
const textKey = "promptline.body-text";

/**
 * Refuses a body whose declared length is over `maxBytes` before anything
 * reads it, and records the limit for `readBodyText`, which enforces it on
 * bodies without a length (chunked) as they arrive.
 */
export function limitBodySize(maxBytes: number): MiddlewareHandler {
  return async (c, next) => {
    const declared = requestHeader(c, "content-length");
    if (declared !== undefined && Number(declared) > maxBytes) throw new PayloadTooLargeError(maxBytes);
    c.set(limitKey as never, maxBytes as never);
    await next();
  };
}

/**
 * Looks at each chunk of a body as it arrives (before it is kept): may throw
 * to refuse the request, and may raise or lower the byte limit (`setLimit`).
 * A returned promise holds the reading until it settles.
 */
export type BodyChunkHook = (chunk: Uint8Array, control: { size: number; setLimit(maxBytes: number): void }) => void | Promise<void>;

/**
 * The request's body as UTF-8 text, refused past the body limit. Served by
 * @hono/node-server, it is read straight from Node's `IncomingMessage`:
 * reading it through `c.req` makes the adapter build a full WHATWG `Request`
 * (headers, AbortController, a web stream over the socket), which cost more
 * than the rest of a template fetch together (bench/trials/ceiling.mjs:
 * 2,484 → 7,015 requests/s for a do-nothing JSON route). Elsewhere (`app.request`
 * in tests, other runtimes) it reads the web stream, with the same limit.
 * Read once per request: later calls get the same text.
 */
export async function readBodyText(c: Context, options: { maxBytes?: number; onChunk?: BodyChunkHook } = {}): Promise<string> {
  const cached = c.get(textKey as never) as string | undefined;
  if (cached !== undefined) return cached;
  const maxBytes = options.maxBytes ?? (c.get(limitKey as never) as number | undefined) ?? Number.POSITIVE_INFINITY;
  const text = (await readBody(c, maxBytes, options.onChunk)).toString("utf8");
  c.set(textKey as never, text as never);
  return text;
}

/** The request's body as bytes (OTLP protobuf), refused past the body limit. Not kept: read it once. */
export function readBodyBytes(c: Context): Promise<Buffer> {
  return readBody(c, bodyLimit(c), undefined);
}

/** The body limit `limitBodySize` set for this request. */
export function bodyLimit(c: Context): number {
  return (c.get(limitKey as never) as number | undefined) ?? Number.POSITIVE_INFINITY;
}

async function readBody(c: Context, maxBytes: number, onChunk: BodyChunkHook | undefined): Promise<Buffer> {
  const incoming = nodeIncoming(c);
  // Unless someone already read it: through `c.req` (the adapter's web stream), or the template fetch's
  // front, which passes it on as `rawBody` (decision 0031; an empty body ends without ever being "read").
  // Then only `c.req` can give it.
  if (incoming && !incoming.readableDidRead && !incoming.readableEnded) return readIncoming(incoming, maxBytes, onChunk);
  const body = c.req.raw.body;
  if (!body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  let limit = maxBytes;
  const control = { size: 0, setLimit: (bytes: number) => void (limit = bytes) };
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (onChunk) {
      control.size = size;
      try {
        await onChunk(value, control);
      } catch (error) {
        await reader.cancel();
        throw error;
      }
    }
    if (size > limit) {
      await reader.cancel();
      throw new PayloadTooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** A request header, from Node's already-parsed headers when there are some (the adapter builds a `Headers` object otherwise). */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = nodeIncoming(c);
  return incoming ? incomingHeader(incoming, name) : c.req.header(name);
}

/** A header of a node:http request (lower-case `name`), repeated values joined as `Headers` joins them. */
export function incomingHeader(incoming: IncomingMessage, name: string): string | undefined {
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

/** The `IncomingMessage` @hono/node-server puts in `c.env`, when served by it. */
function nodeIncoming(c: Context): IncomingMessage | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming && typeof incoming.on === "function" ? incoming : undefined;
}

/** A node:http request's body, refused past `maxBytes` as `readBodyText` refuses it: for the node:http front (`template-fetch-front.ts`). */
export function readIncomingBody(incoming: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return readIncoming(incoming, maxBytes, undefined);
}

function readIncoming(incoming: IncomingMessage, maxBytes: number, onChunk: BodyChunkHook | undefined): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let limit = maxBytes;
    const control = { size: 0, setLimit: (bytes: number) => void (limit = bytes) };
    let settled = false;
    /** While a hook's promise is pending: chunks that still arrived (a paused stream may emit what it had), handled after it in order. */
    let waiting: Buffer[] | undefined;
    let ended = false;
    const refuse = (error: unknown) => {
      if (settled) return;
      settled = true;
      cleanup();
      // Stop reading: the rest of the body is not ours to buffer; Node discards it (or closes the connection) after the answer.
      incoming.pause();
      reject(error);
    };
    const finish = () => {
      if (settled) return;
      settled = true;
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    const keep = (chunk: Buffer) => {
      if (size > limit) return refuse(new PayloadTooLargeError(limit));
      chunks.push(chunk);
    };
    const handle = (chunk: Buffer) => {
      size += chunk.length;
      if (!onChunk) return keep(chunk);
      control.size = size;
      let pending: void | Promise<void>;
      try {
        pending = onChunk(chunk, control);
      } catch (error) {
        return refuse(error);
      }
      if (!pending) return keep(chunk);
      // Hold the stream while the hook works (a key lookup).
      waiting = [];
      incoming.pause();
      pending.then(() => {
        const next = waiting ?? [];
        waiting = undefined;
        keep(chunk);
        for (const [index, later] of next.entries()) {
          if (settled) return;
          handle(later);
          // Another hook holds the stream now: what is left waits behind it, in order.
          if (waiting) return void (waiting as Buffer[]).push(...next.slice(index + 1));
        }
        if (settled) return;
        if (ended) return finish();
        incoming.resume();
      }, refuse);
    };
    const onData = (chunk: Buffer) => {
      if (waiting) waiting.push(chunk);
      else handle(chunk);
    };
    const onEnd = () => {
      // The body's end while a hook holds it: it finishes once the hook and the chunks behind it are handled.
      // The body is whole, so the stream's own `close` after its end is no client leaving mid-body.
      if (!waiting) return finish();
      ended = true;
      incoming.off("close", onClose);
    };
    const onError = (error: Error) => {
      if (settled) return;
      settled = true;
      cleanup();
      reject(error);
    };
    // The client went away mid-body: settle, so nothing waits (and holds the chunks) forever.
    const onClose = () => onError(new InvalidRequestError("The client closed the connection before the request body ended."));
    const cleanup = () => {
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onError);
      incoming.off("close", onClose);
    };
    incoming.on("data", onData);
    incoming.on("end", onEnd);
    incoming.on("error", onError);
    incoming.on("close", onClose);
  });
}
