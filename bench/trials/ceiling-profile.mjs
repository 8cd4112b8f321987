/* global console */
// Profiles the do-nothing ceiling under the template fetch's load, to read next to
// `ingest-profile.mjs template --prof`: node bench/trials/ceiling-profile.mjs (npm run build && npx tsc -p bench first).
import { startChild } from "../dist/lib/child-process.js";
import { benchVariables, childCpu } from "../dist/lib/harness.js";
import { runLoad } from "../dist/lib/http-load.js";

const child = await startChild("ceiling-child", { replyBytes: 944 }, ["--cpu-prof", "--cpu-prof-dir=/tmp/ceiling-prof"]);
const body = JSON.stringify({ label: "prod", input_variables: benchVariables });
const result = await runLoad({ url: `${child.ready.url}/prompt-templates/x`, method: "POST", headers: { "x-api-key": "x" }, body: () => body, concurrency: 64, warmupMs: 1000, durationMs: 5000, peerCpu: () => childCpu(child) });
const rate = result.completed / (result.elapsedMs / 1000);
console.log("ceiling", Math.round(rate), "requests/s; server cores", result.serverCpuCores.toFixed(2), "=", ((result.serverCpuCores * 1e6) / rate).toFixed(0), "µs CPU/request; client cores", result.clientCpuCores.toFixed(2));
await child.close();
