import type { ServerResponse } from "node:http";
import type { Http2ServerResponse } from "node:http2";
import { constants as http2Constants } from "node:http2";
import type { FakeReply } from "../types.js";
import type { ProviderResponse } from "./fake-call.js";

/** The timing and breakage options of a reply that the writer applies. */
export type WriteOptions = Pick<FakeReply, "firstByteDelayMs" | "eventDelayMs" | "cutAfterEvents" | "malformedEventAt">;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A response on an HTTP/1.1 connection or on an HTTP/2 stream. */
export type AnyResponse = ServerResponse | Http2ServerResponse;

function isGone(response: AnyResponse): boolean {
  return "stream" in response ? response.stream.destroyed : response.destroyed;
}

/**
 * Breaks a response off: destroys the HTTP/1.1 socket, or resets the HTTP/2 stream with
 * INTERNAL_ERROR (a plain destroy would send NO_ERROR, which a client may read as a clean end).
 */
export function cutResponse(response: AnyResponse): void {
  if ("stream" in response) response.stream.close(http2Constants.NGHTTP2_INTERNAL_ERROR);
  else response.destroy();
}

/** Writes one chunk (the two response types' `write` overloads don't unify). */
function write(response: AnyResponse, chunk: Uint8Array, done: () => void = () => undefined): void {
  if ("stream" in response) response.write(chunk, done);
  else response.write(chunk, done);
}

/** Writes one chunk and resolves once it has been handed to the socket. */
function writeChunk(response: AnyResponse, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    if (isGone(response)) return resolve();
    write(response, chunk, resolve);
  });
}

/** Sends the status line and headers now; Http2ServerResponse has `flushHeaders` at runtime, not in @types/node. */
function flushHeaders(response: AnyResponse): void {
  (response as { flushHeaders(): void }).flushHeaders();
}

/**
 * Writes a provider's answer: a JSON body in one piece, or a stream frame by frame with the
 * requested delays, a malformed frame, or the connection cut after some frames.
 */
export async function writeResponse(
  response: AnyResponse,
  answer: ProviderResponse,
  options: WriteOptions = {},
): Promise<void> {
  if (options.firstByteDelayMs) await sleep(options.firstByteDelayMs);
  if (isGone(response)) return;
  if (answer.kind === "json") {
    const body = JSON.stringify(answer.body);
    response.writeHead(answer.status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      ...answer.headers,
    });
    response.end(body);
    return;
  }
  if (!("stream" in response)) response.socket?.setNoDelay(true);
  response.writeHead(200, answer.headers);
  const frames = answer.frames.map((frame, index) => (index === options.malformedEventAt ? answer.corrupt(frame) : frame));
  if (!options.eventDelayMs && options.cutAfterEvents === undefined) {
    // Nothing to time: hand every frame to the socket in one go (hundreds of concurrent streams stay cheap).
    response.cork();
    for (const frame of frames) write(response, frame);
    response.end();
    return;
  }
  flushHeaders(response);
  for (const [index, frame] of frames.entries()) {
    if (isGone(response)) return;
    if (index === options.cutAfterEvents) {
      cutResponse(response);
      return;
    }
    if (index > 0 && options.eventDelayMs) await sleep(options.eventDelayMs);
    await writeChunk(response, frame);
  }
  if (options.cutAfterEvents !== undefined && options.cutAfterEvents <= frames.length) {
    cutResponse(response);
    return;
  }
  response.end();
}
