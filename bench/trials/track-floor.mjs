/* global process, console */
// The floor under the /track-request target, alone (bench/src/lib/storage-floor.ts): on a fresh database, a real
// server tracks 50 requests (PromptLayer's body, as the bench sends it), then the database's own CPU to store one more
// is measured. The ingestion scenario measures the same in its run.
// node bench/trials/track-floor.mjs [--pg] [--group=64] [--seconds=5]   (npm run build && npx tsc -p bench first)
import { trackedRequestFloor } from "../dist/lib/storage-floor.js";

const onPostgres = process.argv.includes("--pg");
const group = Number(process.argv.find((arg) => arg.startsWith("--group="))?.slice(8) ?? 64);
const seconds = Number(process.argv.find((arg) => arg.startsWith("--seconds="))?.slice(10) ?? 5);
const floor = await trackedRequestFloor(onPostgres ? "postgres" : "sqlite", { group, seconds });
console.log(`${onPostgres ? "postgres" : "sqlite"}: ${Math.round(floor.requestsPerSecond)} tracked requests/s copied in groups of ${group}; ${floor.cpuMicrosPerRequest.toFixed(1)} µs database CPU per stored request (row + tags + metadata, no sync)`);
