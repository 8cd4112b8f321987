/* global process, console, performance, setTimeout, URL */
// The growth scenario's bulk loader alone on a fresh database: 10,000 rows through insertMany, then `count` rows
// bulk-loaded into the next month; prints rows/s, bytes per row and, on PostgreSQL, the database's CPU seconds (all
// postgres processes, from /proc: robust to a loaded machine where wall time is not). `--before`: the loader as it was
// before this change (compile it first: git show <commit>:bench/src/lib/bulk-load.ts > bench/src/lib/bulk-load-before.ts).
// node bench/trials/bulk-load-profile.mjs [--pg] [count] [--keep] [--before]
import { readFileSync } from "node:fs";
import pgModule from "pg";
import { createStorage } from "@promptline/server";
import { freshDatabase, postgresAdminUrl } from "../dist/lib/harness.js";

const PgClient = pgModule.Client;
import { logRecord } from "../dist/lib/records.js";

const { bulkLoadRequests, requestLogBytes } = await import(process.argv.includes("--before") ? "../dist/lib/bulk-load-before.js" : "../dist/lib/bulk-load.js");
const pg = process.argv.includes("--pg");
const count = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 1_000_000);
const cpuTicks = (pid) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  } catch {
    return undefined;
  }
};
/** CPU of this database's backends only (other sessions share the server): their pids polled from pg_stat_activity every 200 ms. */
async function trackBackends(databaseName) {
  const admin = new PgClient({ connectionString: postgresAdminUrl });
  await admin.connect();
  const seen = new Map();
  const sample = async () => {
    const { rows } = await admin.query("select pid from pg_stat_activity where datname = $1", [databaseName]);
    for (const { pid } of rows) { const ticks = cpuTicks(pid); if (ticks !== undefined) seen.set(pid, ticks); }
  };
  let stopped = false;
  const loop = (async () => { while (!stopped) { await sample(); await new Promise((resolve) => setTimeout(resolve, 200)); } })();
  return async () => { stopped = true; await loop; await admin.end(); return [...seen.values()].reduce((a, b) => a + b, 0) / 100; };
}
const database = await freshDatabase(pg ? "postgres" : "sqlite");
const storage = await createStorage(database.url);
const ws = await storage.workspaces.ensureDefault();
for (let loaded = 0; loaded < 10_000; loaded += 1000) {
  await storage.requests.insertMany(ws.id, Array.from({ length: 1000 }, (_, i) => logRecord(loaded + i, loaded + i === 0 ? "growth-template" : undefined)));
}
await storage.close();
const started = performance.now();
const cpuBefore = process.cpuUsage();
const stopTracking = pg ? await trackBackends(new URL(database.url).pathname.slice(1)) : undefined;
const { rowsPerSecond } = await bulkLoadRequests(database.url, {
  workspaceId: ws.id, templateRequestId: "growth-template", count,
  from: new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 1)), stepMs: 1,
  log: (line) => console.log(`${((performance.now() - started) / 1000).toFixed(1)} s ${line}`),
});
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const databaseCpu = stopTracking ? await stopTracking() : (cpu.user + cpu.system) / 1e6;
const bytes = await requestLogBytes(database.url);
console.log(JSON.stringify({
  loader: process.argv.includes("--before") ? "before" : "after", database: database.url, count, seconds: +seconds.toFixed(1), rowsPerSecond,
  cpuSeconds: +databaseCpu.toFixed(1), rowsPerCpuSecond: Math.round(count / databaseCpu), bytesPerRow: Math.round(bytes / (count + 10_000)),
}));
if (!process.argv.includes("--keep")) await database.drop();
