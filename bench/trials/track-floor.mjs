/* global process, console, fetch */
// The floor under the /track-request target, alone: tracks 50 requests through a real server (PromptLayer's body, as
// the bench sends it) so the stored rows have the bench's shape, then measures what the database alone costs to store
// one more (bench/src/lib/storage-floor.ts). The ingestion scenario measures the same in its run.
// node bench/trials/track-floor.mjs [--pg] [--group=64] [--seconds=5]   (npm run build && npx tsc -p bench first)
import { startChild } from "../dist/lib/child-process.js";
import { apiKey, freshDatabase, publishBenchPrompt } from "../dist/lib/harness.js";
import { trackRequestBody } from "../dist/lib/records.js";
import { statementFloor } from "../dist/lib/storage-floor.js";

const onPostgres = process.argv.includes("--pg");
const group = Number(process.argv.find((arg) => arg.startsWith("--group="))?.slice(8) ?? 64);
const seconds = Number(process.argv.find((arg) => arg.startsWith("--seconds="))?.slice(10) ?? 5);
const database = await freshDatabase(onPostgres ? "postgres" : "sqlite");
const child = await startChild("server-child", { database: database.url, apiKey });
const body = trackRequestBody(apiKey, await publishBenchPrompt(child.ready.url));
for (let i = 0; i < 50; i += 1) {
  const response = await fetch(`${child.ready.url}/track-request`, { method: "POST", headers: { "content-type": "application/json" }, body });
  if (!response.ok) throw new Error(`track-request answered ${response.status}: ${await response.text()}`);
}
await child.close();
const floor = await statementFloor(database.url, { group, seconds });
console.log(`${onPostgres ? "postgres" : "sqlite"}: ${Math.round(floor.requestsPerSecond)} tracked requests/s copied in groups of ${group}; ${floor.cpuMicrosPerRequest.toFixed(1)} µs database CPU per stored request (row + tags + metadata, no sync)`);
await database.drop();
