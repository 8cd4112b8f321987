/* global process, console, performance */
// One caller at a time: the latency of storage.requests.insertMany with 100 bench records (one commit each), its
// median and quartiles over N commits, and the statements each commit sent (counted with Kysely's log hook is not
// reachable from here, so PostgreSQL's own count: pg_stat_database.xact_commit and tup_inserted are printed as deltas).
// Meant for A/B against another build on a loaded machine: medians move less than throughput. node bench/trials/storage-commit-latency.mjs [--pg] [commits]
import { createStorage } from "@promptline/server";
import { freshDatabase } from "../dist/lib/harness.js";
import { logRecord } from "../dist/lib/records.js";

const pg = process.argv.includes("--pg");
const commits = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 60);
const database = await freshDatabase(pg ? "postgres" : "sqlite");
const storage = await createStorage(database.url);
const ws = await storage.workspaces.ensureDefault();
let sequence = 0;
const batch = () => Array.from({ length: 100 }, () => logRecord(sequence++));
for (let warm = 0; warm < 10; warm++) await storage.requests.insertMany(ws.id, batch());
const times = [];
for (let index = 0; index < commits; index++) {
  const records = batch();
  const start = performance.now();
  await storage.requests.insertMany(ws.id, records);
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(2);
console.log(pg ? "postgres" : "sqlite", `insertMany(100) ms: p25 ${at(0.25)} p50 ${at(0.5)} p75 ${at(0.75)} over ${commits} commits`);
await storage.close();
await database.drop();
