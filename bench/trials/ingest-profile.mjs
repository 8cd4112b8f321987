/* global process, console, URL */
// Profiles one ingestion variant alone: node bench/trials/ingest-profile.mjs batch|track|template [--pg] [--prof]
// [--seconds=N] [--no-front] (npm run build && npx tsc -p bench first). --no-front serves template fetches and
// /track-request through Hono (decisions 0031, 0032); PROF_DIR sets where --prof writes. Prints records/s and server CPU µs per record
// (and, with --pg, the CPU of the PostgreSQL backends connected to the bench database).
import { startChild } from "../dist/lib/child-process.js";
import { apiKey, benchPrompt, benchVariables, freshDatabase, publishBenchPrompt, childCpu } from "../dist/lib/harness.js";
import { runLoad } from "../dist/lib/http-load.js";
import { batchBodyFactory, trackRequestBody } from "../dist/lib/records.js";
import { postgresCpuSeconds } from "./postgres-cpu.mjs";

const kind = process.argv[2] ?? "batch";
const prof = process.argv.includes("--prof");
const database = await freshDatabase(process.argv.includes("--pg") ? "postgres" : "sqlite");
const child = await startChild("server-child", { database: database.url, apiKey, ...(process.argv.includes("--no-front") && { templateFront: false, trackFront: false }) }, prof ? ["--cpu-prof", `--cpu-prof-dir=${process.env.PROF_DIR ?? "/tmp/ingest-prof"}`] : []);
const url = child.ready.url;
const promptId = await publishBenchPrompt(url);
const templateBody = JSON.stringify({ label: "prod", input_variables: benchVariables });
const options = kind === "template"
  ? { url: `${url}/prompt-templates/${benchPrompt.prompt_name}`, headers: { "x-api-key": apiKey }, body: () => templateBody, concurrency: 64, perRequest: 1 }
  : kind === "batch"
  ? { url: `${url}/api/v1/requests:batch`, headers: { "x-api-key": apiKey }, body: batchBodyFactory(100), concurrency: 8, perRequest: 100 }
  : { url: `${url}/track-request`, body: (() => { const b = trackRequestBody(apiKey, promptId); return () => b; })(), concurrency: 64, perRequest: 1 };
// PostgreSQL's CPU over the measured window, sampled when the server's is (peerCpu: before and after).
const postgresCpu = [];
const peerCpu = async () => {
  postgresCpu.push(postgresCpuSeconds(database.url.startsWith("postgres") ? new URL(database.url).pathname.slice(1) : undefined));
  return childCpu(child);
};
const durationMs = Number(process.argv.find((arg) => arg.startsWith("--seconds="))?.slice(10) ?? 5) * 1000;
const result = await runLoad({ ...options, method: "POST", warmupMs: 1000, durationMs, peerCpu });
const rate = (result.completed * options.perRequest) / (result.elapsedMs / 1000);
const postgresCores = ((postgresCpu[1] ?? 0) - (postgresCpu[0] ?? 0)) / (result.elapsedMs / 1000);
const postgresNote = database.url.startsWith("postgres") ? `; postgres cores ${postgresCores.toFixed(2)} = ${((postgresCores * 1e6) / rate).toFixed(0)} µs CPU/record` : "";
console.log(kind, Math.round(rate), "records/s; errors", result.errors, "; server cores", result.serverCpuCores.toFixed(2), "=", ((result.serverCpuCores * 1e6) / rate).toFixed(0), "µs CPU/record; client cores", result.clientCpuCores.toFixed(2), "; p50", result.p50Ms, "p99", result.p99Ms, postgresNote);
await child.close();
await database.drop();
