import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import { Hono } from "hono";
import { serveChild } from "../lib/child-process.js";

/** Which do-nothing server: raw `node:http` (the bench's ceiling: the fastest on this stack) or Hono on @hono/node-server. */
export type CeilingStack = "node" | "hono";

/** The body of a request, read straight from the socket. */
function readIncoming(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    incoming.on("error", reject);
  });
}

/**
 * The ceiling: a do-nothing JSON server on the same runtime as ours (body
 * read from the socket, parsed with `JSON.parse`, a JSON answer of
 * `replyBytes`). By default raw `node:http`, which measured faster than Hono
 * on @hono/node-server (decision 0025): the ceiling must be the fastest server
 * on this stack, so what our server reaches is read against it.
 */
await serveChild<{ replyBytes: number; stack?: CeilingStack }, { url: string }>(async ({ replyBytes, stack = "node" }) => {
  const reply = { success: true, request_id: 1, message: "x".repeat(Math.max(0, replyBytes - 60)) };
  let server: Server;
  if (stack === "hono") {
    const app = new Hono<{ Bindings: { incoming: IncomingMessage } }>();
    app.post("*", async (c) => {
      JSON.parse((await readIncoming(c.env.incoming)) || "{}");
      return c.json(reply);
    });
    server = createAdaptorServer({ fetch: app.fetch }) as Server;
  } else {
    server = createServer((request, response) => {
      readIncoming(request).then((text) => {
        JSON.parse(text || "{}");
        const answer = JSON.stringify(reply);
        response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(answer) });
        response.end(answer);
      }, () => response.destroy());
    });
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    ready: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
    handlers: {},
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});
