/* global process, console */
// Template fetch A/B: the real server (startServer) of two builds, alternated, on fresh SQLite files:
// node bench/trials/template-ab.mjs <rootA> <rootB> [rounds] [seconds]
// A root is a directory holding packages/server/dist (e.g. a copy of main's build with a node_modules symlink to this checkout's).
// Prints requests/s and the server's CPU µs per request (steadier than the rate on a loaded machine).
import { fork } from "node:child_process";
import { mkdtempSync } from "node:fs"; import { tmpdir } from "node:os"; import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runLoad } from "../dist/lib/http-load.js";
import { apiKey, benchPrompt, benchVariables, publishBenchPrompt } from "../dist/lib/harness.js";

if (process.argv[2] === "child") {
  const { startServer } = await import(join(resolve(process.argv[3]), "packages/server/dist/index.js"));
  const server = await startServer({ database: `sqlite:${join(mkdtempSync(join(tmpdir(), "tpl-ab-")), "x.db")}`, apiKey: process.argv[4], port: 0, host: "127.0.0.1" });
  process.send({ url: server.url });
  process.on("message", async (m) => {
    if (m === "cpu") process.send({ cpu: process.cpuUsage() });
    if (m === "close") { await server.close(); process.exit(0); }
  });
} else {
  const roots = [process.argv[2], process.argv[3]];
  const rounds = Number(process.argv[4] ?? 3); const seconds = Number(process.argv[5] ?? 4);
  const body = JSON.stringify({ label: "prod", input_variables: benchVariables });
  for (let round = 0; round < rounds; round++) {
    for (const root of roots) {
      const child = fork(fileURLToPath(import.meta.url), ["child", root, apiKey]);
      const { url } = await new Promise((r) => child.once("message", r));
      await publishBenchPrompt(url);
      const peerCpu = () => new Promise((r) => { child.once("message", (m) => r(m.cpu)); child.send("cpu"); });
      const result = await runLoad({ url: `${url}/prompt-templates/${benchPrompt.prompt_name}`, method: "POST", headers: { "x-api-key": apiKey }, body: () => body, concurrency: 64, warmupMs: 1000, durationMs: seconds * 1000, peerCpu });
      const rate = result.completed / (result.elapsedMs / 1000);
      console.log(root.padEnd(24), Math.round(rate), "req/s", ((result.serverCpuCores * 1e6) / rate).toFixed(1), "server µs/req", "errors", result.errors);
      child.send("close"); await new Promise((r) => child.once("exit", r));
    }
  }
}
