/* global process, console */
// Interleaved A/B of do-nothing ceilings and our /track-request on one loaded machine:
// node bench/trials/stack-ab.mjs [rounds] [seconds] [variants...] (npm run build && npx tsc -p bench first).
// Variants: ceiling-node, ceiling-hono, track (this build), track-base (a copy of the baseline build at
// $BASE, default /tmp/base: its bench/dist and packages/*/dist), track-pg, track-base-pg.
// Every variant's process is started first and idles while the others are loaded, so each round
// measures all of them within the same minute. Prints records/s and server CPU µs per request.
import { startChild } from "../dist/lib/child-process.js";
import { apiKey, childCpu, freshDatabase, publishBenchPrompt } from "../dist/lib/harness.js";
import { runLoad } from "../dist/lib/http-load.js";
import { trackRequestBody } from "../dist/lib/records.js";

const [roundsArg, secondsArg, ...named] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 3);
const seconds = Number(secondsArg ?? 4);
const variants = named.length ? named : ["ceiling-node", "ceiling-hono", "track", "track-base"];
const base = process.env.BASE ?? "/tmp/base";
const replyBytes = 1220;

const started = [];
for (const name of variants) {
  if (name.startsWith("ceiling-")) {
    const child = await startChild("ceiling-child", { replyBytes, stack: name.slice("ceiling-".length) });
    const body = trackRequestBody(apiKey, 1);
    started.push({ name, child, url: `${child.ready.url}/track-request`, body, drop: async () => {} });
  } else {
    const start = name.includes("-base") ? (await import(`${base}/bench/dist/lib/child-process.js`)).startChild : startChild;
    const database = await freshDatabase(name.endsWith("-pg") ? "postgres" : "sqlite");
    const child = await start("server-child", { database: database.url, apiKey });
    const promptId = await publishBenchPrompt(child.ready.url);
    started.push({ name, child, url: `${child.ready.url}/track-request`, body: trackRequestBody(apiKey, promptId), drop: database.drop });
  }
}
const totals = new Map(variants.map((name) => [name, { completed: 0, ms: 0, cpu: 0 }]));
for (let round = 1; round <= rounds; round++) {
  const line = [];
  for (const { name, child, url, body } of started) {
    const result = await runLoad({ url, method: "POST", body: () => body, concurrency: 64, warmupMs: 500, durationMs: seconds * 1000, peerCpu: () => childCpu(child) });
    const rate = result.completed / (result.elapsedMs / 1000);
    const total = totals.get(name);
    total.completed += result.completed;
    total.ms += result.elapsedMs;
    total.cpu += result.serverCpuCores * result.elapsedMs * 1000;
    line.push(`${name} ${Math.round(rate)}/s ${((result.serverCpuCores * 1e6) / rate).toFixed(0)}µs (srv ${result.serverCpuCores.toFixed(2)} cli ${result.clientCpuCores.toFixed(2)}${result.errors ? ` err ${result.errors}` : ""})`);
  }
  console.log(`round ${round}: ${line.join(" | ")}`);
}
for (const [name, total] of totals) console.log(`${name}: ${Math.round(total.completed / (total.ms / 1000))}/s overall, ${(total.cpu / total.completed).toFixed(0)} µs server CPU per request`);
for (const { child, drop } of started) {
  await child.close();
  await drop();
}
