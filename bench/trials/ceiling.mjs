/* global process, Buffer, console */
// The ceiling of this machine: how many requests/s a do-nothing server can answer to the bench's own load generator.
// node bench/trials/ceiling.mjs [bare|hono]
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runLoad } from "../dist/lib/http-load.js";

const mode = process.argv[2] ?? "bare";
if (process.argv[3] === "child") {
  const reply = JSON.stringify({ success: true, request_id: 12345, prompt_blueprint: { messages: [{ role: "user", content: [{ type: "text", text: "x".repeat(600) }] }] } });
  let server;
  if (mode === "bare") {
    const { createServer } = await import("node:http");
    server = createServer((req, res) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
        res.writeHead(200, { "content-type": "application/json" });
        res.end(reply);
      });
    });
  } else if (mode === "hono-noread" || mode === "hono-incoming" || mode === "hono-text") {
    const { Hono } = await import("hono");
    const { createAdaptorServer } = await import("@hono/node-server");
    const app = new Hono();
    const readIncoming = (incoming) => new Promise((resolve, reject) => {
      const chunks = [];
      incoming.on("data", (c) => chunks.push(c));
      incoming.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      incoming.on("error", reject);
    });
    app.post("*", async (c) => {
      if (mode === "hono-incoming") JSON.parse(await readIncoming(c.env.incoming));
      if (mode === "hono-text") JSON.parse(await c.req.text());
      return c.json(JSON.parse(reply));
    });
    server = createAdaptorServer({ fetch: app.fetch });
  } else {
    const { Hono } = await import("hono");
    const { createAdaptorServer } = await import("@hono/node-server");
    const app = new Hono();
    app.post("*", async (c) => { await c.req.json(); return c.json(JSON.parse(reply)); });
    server = createAdaptorServer({ fetch: app.fetch });
  }
  server.listen(0, "127.0.0.1", () => process.send({ port: server.address().port }));
  process.on("message", (m) => { if (m === "cpu") process.send({ cpu: process.cpuUsage() }); });
} else {
  const child = fork(fileURLToPath(import.meta.url), [mode, "child"]);
  const { port } = await new Promise((r) => child.once("message", r));
  const peerCpu = () => new Promise((r) => { child.once("message", (m) => r(m.cpu)); child.send("cpu"); });
  const body = JSON.stringify({ function_name: "openai.chat.completions.create", kwargs: { messages: [{ role: "user", content: "hello ".repeat(50) }] }, tags: ["bench"] });
  const result = await runLoad({ url: `http://127.0.0.1:${port}/x`, method: "POST", body: () => body, concurrency: 64, warmupMs: 1000, durationMs: 4000, peerCpu });
  console.log(mode, Math.round(result.completed / (result.elapsedMs / 1000)), "req/s", "server cores", result.serverCpuCores.toFixed(2), "client cores", result.clientCpuCores.toFixed(2));
  child.kill();
}
