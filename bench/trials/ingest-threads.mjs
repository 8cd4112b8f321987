/* global process, console */
// Like ingest-profile.mjs, but splits the server's CPU by thread (decision 0029: log writes on a worker thread):
// node bench/trials/ingest-threads.mjs batch|track [seconds]. Linux only (reads /proc/<pid>/task/*/stat).
// Prints records/s, the server process's CPU µs per record, and the main thread's (the event loop: what bounds a one-thread server).
import { readdirSync, readFileSync } from "node:fs";
import { startChild } from "../dist/lib/child-process.js";
import { apiKey, freshDatabase, publishBenchPrompt } from "../dist/lib/harness.js";
import { runLoad } from "../dist/lib/http-load.js";
import { batchBodyFactory, trackRequestBody } from "../dist/lib/records.js";

const kind = process.argv[2] ?? "batch";
const seconds = Number(process.argv[3] ?? 5);
const database = await freshDatabase("sqlite");
const child = await startChild("server-child", { database: database.url, apiKey });
const url = child.ready.url;
const promptId = await publishBenchPrompt(url);
const options = kind === "batch"
  ? { url: `${url}/api/v1/requests:batch`, headers: { "x-api-key": apiKey }, body: batchBodyFactory(100), concurrency: 8, perRequest: 100 }
  : { url: `${url}/track-request`, body: (() => { const b = trackRequestBody(apiKey, promptId); return () => b; })(), concurrency: 64, perRequest: 1 };

/** CPU ticks (utime + stime) per thread of the child: main is the thread whose id is the pid. */
const ticks = () => {
  const result = { main: 0, all: 0 };
  for (const tid of readdirSync(`/proc/${child.pid}/task`)) {
    const fields = readFileSync(`/proc/${child.pid}/task/${tid}/stat`, "utf8").split(") ")[1].split(" ");
    const used = Number(fields[11]) + Number(fields[12]);
    result.all += used;
    if (Number(tid) === child.pid) result.main += used;
  }
  return result;
};
let before;
const result = await runLoad({ ...options, method: "POST", warmupMs: 1000, durationMs: seconds * 1000, peerCpu: async () => { before ??= ticks(); return { user: 0, system: 0 }; } });
const after = ticks();
const records = result.completed * options.perRequest;
const rate = records / (result.elapsedMs / 1000);
const perRecord = (ticksUsed) => ((ticksUsed * 10_000) / records).toFixed(0);
console.log(`${kind} ${Math.round(rate)} records/s; errors ${result.errors}; process ${perRecord(after.all - before.all)} µs CPU/record, main thread ${perRecord(after.main - before.main)} µs; client cores ${result.clientCpuCores.toFixed(2)}; p50 ${result.p50Ms} p99 ${result.p99Ms}`);
await child.close();
await database.drop();
