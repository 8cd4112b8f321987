/* global process, console */
// Profiles one ingestion variant alone: node bench/trials/ingest-profile.mjs batch|track|template [--pg] [--prof]
// (npm run build && npx tsc -p bench first). Prints records/s and server CPU µs per record.
import { startChild } from "../dist/lib/child-process.js";
import { apiKey, benchPrompt, benchVariables, freshDatabase, publishBenchPrompt, childCpu } from "../dist/lib/harness.js";
import { runLoad } from "../dist/lib/http-load.js";
import { batchBodyFactory, trackRequestBody } from "../dist/lib/records.js";

const kind = process.argv[2] ?? "batch";
const prof = process.argv.includes("--prof");
const database = await freshDatabase(process.argv.includes("--pg") ? "postgres" : "sqlite");
const child = await startChild("server-child", { database: database.url, apiKey }, prof ? ["--cpu-prof", "--cpu-prof-dir=/tmp/ingest-prof"] : []);
const url = child.ready.url;
const promptId = await publishBenchPrompt(url);
const templateBody = JSON.stringify({ label: "prod", input_variables: benchVariables });
const options = kind === "template"
  ? { url: `${url}/prompt-templates/${benchPrompt.prompt_name}`, headers: { "x-api-key": apiKey }, body: () => templateBody, concurrency: 64, perRequest: 1 }
  : kind === "batch"
  ? { url: `${url}/api/v1/requests:batch`, headers: { "x-api-key": apiKey }, body: batchBodyFactory(100), concurrency: 8, perRequest: 100 }
  : { url: `${url}/track-request`, body: (() => { const b = trackRequestBody(apiKey, promptId); return () => b; })(), concurrency: 64, perRequest: 1 };
const result = await runLoad({ ...options, method: "POST", warmupMs: 1000, durationMs: 5000, peerCpu: () => childCpu(child) });
const rate = (result.completed * options.perRequest) / (result.elapsedMs / 1000);
console.log(kind, Math.round(rate), "records/s; errors", result.errors, "; server cores", result.serverCpuCores.toFixed(2), "=", ((result.serverCpuCores * 1e6) / rate).toFixed(0), "µs CPU/record; client cores", result.clientCpuCores.toFixed(2), "; p50", result.p50Ms, "p99", result.p99Ms);
await child.close();
await database.drop();
