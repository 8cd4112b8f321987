import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { serveChild } from "../lib/child-process.js";

/**
 * The ceiling: a do-nothing JSON server on the same stack as ours (Hono on
 * @hono/node-server, body read from the socket, parsed, a JSON answer of
 * `replyBytes`). What it reaches with the same load generator on the same
 * machine in the same run is as fast as any server on this stack could go:
 * our rows are read against it.
 */
await serveChild<{ replyBytes: number }, { url: string }>(async ({ replyBytes }) => {
  const reply = { success: true, request_id: 1, message: "x".repeat(Math.max(0, replyBytes - 60)) };
  const app = new Hono<{ Bindings: { incoming: IncomingMessage } }>();
  app.post("*", async (c) => {
    const chunks: Buffer[] = [];
    for await (const chunk of c.env.incoming) chunks.push(chunk as Buffer);
    JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
    return c.json(reply);
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const instance = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(instance));
  });
  return {
    ready: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
    handlers: {},
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});
