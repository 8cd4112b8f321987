import type { ServerResponse } from "node:http";
import type { FakeReply } from "../types.js";
import type { ProviderResponse } from "./fake-call.js";

/** The timing and breakage options of a reply that the writer applies. */
export type WriteOptions = Pick<FakeReply, "firstByteDelayMs" | "eventDelayMs" | "cutAfterEvents" | "malformedEventAt">;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Writes one chunk and resolves once it has been handed to the socket. */
function writeChunk(response: ServerResponse, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    if (response.destroyed) return resolve();
    response.write(chunk, () => resolve());
  });
}

/**
 * Writes a provider's answer: a JSON body in one piece, or a stream frame by frame with the
 * requested delays, a malformed frame, or the connection cut after some frames.
 */
export async function writeResponse(
  response: ServerResponse,
  answer: ProviderResponse,
  options: WriteOptions = {},
): Promise<void> {
  if (options.firstByteDelayMs) await sleep(options.firstByteDelayMs);
  if (response.destroyed) return;
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
  response.socket?.setNoDelay(true);
  response.writeHead(200, answer.headers);
  const frames = answer.frames.map((frame, index) => (index === options.malformedEventAt ? answer.corrupt(frame) : frame));
  if (!options.eventDelayMs && options.cutAfterEvents === undefined) {
    // Nothing to time: hand every frame to the socket in one go (hundreds of concurrent streams stay cheap).
    response.cork();
    for (const frame of frames) response.write(frame);
    response.end();
    return;
  }
  response.flushHeaders();
  for (const [index, frame] of frames.entries()) {
    if (response.destroyed) return;
    if (index === options.cutAfterEvents) {
      response.destroy();
      return;
    }
    if (index > 0 && options.eventDelayMs) await sleep(options.eventDelayMs);
    await writeChunk(response, frame);
  }
  if (options.cutAfterEvents !== undefined && options.cutAfterEvents <= frames.length) {
    response.destroy();
    return;
  }
  response.end();
}
