/* global process, console */
// Interleaved A/B of the template fetch (decision 0031) against the do-nothing ceiling, all in one minute:
// node bench/trials/template-front-ab.mjs [rounds] [seconds] [variants...] (npm run build && npx tsc -p bench first).
// Variants: ceiling (raw node:http, the bench's), front (this build), hono (this build, templateFront: false),
// base (a copy of the baseline build at $BASE, default /tmp/base: its bench/dist and packages/*/dist).
// Every variant's process is started first and idles while the others are loaded. Prints requests/s and
// server CPU µs per request, per round and overall.
import { startChild } from "../dist/lib/child-process.js";
import { apiKey, benchPrompt, benchVariables, childCpu, freshDatabase, publishBenchPrompt } from "../dist/lib/harness.js";
import { runLoad } from "../dist/lib/http-load.js";

const [roundsArg, secondsArg, ...named] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 3);
const seconds = Number(secondsArg ?? 4);
const variants = named.length ? named : ["ceiling", "front", "hono", "base"];
const base = process.env.BASE ?? "/tmp/base";
const body = JSON.stringify({ label: "prod", input_variables: benchVariables });

const started = [];
for (const name of variants) {
  if (name === "ceiling") {
    const child = await startChild("ceiling-child", { replyBytes: 944 });
    started.push({ name, child, url: `${child.ready.url}/prompt-templates/${benchPrompt.prompt_name}`, drop: async () => {} });
  } else {
    const start = name === "base" ? (await import(`${base}/bench/dist/lib/child-process.js`)).startChild : startChild;
    const database = await freshDatabase("sqlite");
    const child = await start("server-child", { database: database.url, apiKey, ...(name === "hono" && { templateFront: false }) });
    await publishBenchPrompt(child.ready.url);
    started.push({ name, child, url: `${child.ready.url}/prompt-templates/${benchPrompt.prompt_name}`, drop: database.drop });
  }
}
const totals = new Map(variants.map((name) => [name, { completed: 0, ms: 0, cpu: 0 }]));
for (let round = 1; round <= rounds; round++) {
  const line = [];
  for (const { name, child, url } of started) {
    const result = await runLoad({ url, method: "POST", headers: { "x-api-key": apiKey }, body: () => body, concurrency: 64, warmupMs: 500, durationMs: seconds * 1000, peerCpu: () => childCpu(child) });
    const rate = result.completed / (result.elapsedMs / 1000);
    const total = totals.get(name);
    total.completed += result.completed;
    total.ms += result.elapsedMs;
    total.cpu += result.serverCpuCores * result.elapsedMs * 1000;
    line.push(`${name} ${Math.round(rate)}/s ${((result.serverCpuCores * 1e6) / rate).toFixed(0)}µs (srv ${result.serverCpuCores.toFixed(2)} cli ${result.clientCpuCores.toFixed(2)}${result.errors ? ` err ${result.errors}` : ""})`);
  }
  console.log(`round ${round}: ${line.join(" | ")}`);
}
const ceiling = totals.get("ceiling");
for (const [name, total] of totals) {
  const rate = total.completed / (total.ms / 1000);
  const share = ceiling ? ` (${Math.round((100 * rate) / (ceiling.completed / (ceiling.ms / 1000)))} % of the ceiling)` : "";
  console.log(`${name}: ${Math.round(rate)}/s overall${share}, ${(total.cpu / total.completed).toFixed(1)} µs server CPU per request`);
}
for (const { child, drop } of started) {
  await child.close();
  await drop();
}
