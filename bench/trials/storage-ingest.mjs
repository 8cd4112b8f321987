/* global process, console, performance, setTimeout */
// Storage-level ingestion alone (no HTTP): batches of 100 bench records through storage.requests.insertMany, 8 in flight,
// on a fresh database. Prints records/s, this process's CPU per record and, on PostgreSQL, the database's CPU per record
// (from /proc, the backends' utime+stime). node bench/trials/storage-ingest.mjs [--pg] [seconds]
import { readFileSync, readdirSync } from "node:fs";
import { createStorage } from "@promptline/server";
import { freshDatabase } from "../dist/lib/harness.js";
import { logRecord } from "../dist/lib/records.js";

const pg = process.argv.includes("--pg");
const seconds = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 5);
const database = await freshDatabase(pg ? "postgres" : "sqlite");
const storage = await createStorage(database.url);
const ws = await storage.workspaces.ensureDefault();
const postgresCpuTicks = () => {
  let ticks = 0;
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (!stat.includes("(postgres)")) continue;
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch { /* gone */ }
  }
  return ticks;
};
let written = 0;
let stop = false;
const worker = async () => { while (!stop) { await storage.requests.insertMany(ws.id, Array.from({ length: 100 }, (_, i) => logRecord(written + i))); written += 100; } };
await Promise.race([Promise.all(Array.from({ length: 8 }, worker)), new Promise((resolve) => setTimeout(resolve, 1000))]);
const start = performance.now(); const cpu0 = process.cpuUsage(); const pg0 = pg ? postgresCpuTicks() : 0; const w0 = written;
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const elapsed = (performance.now() - start) / 1000; const cpu = process.cpuUsage(cpu0); const records = written - w0;
stop = true;
const pgCpu = pg ? ((postgresCpuTicks() - pg0) * 10_000) / records : 0;
console.log(pg ? "postgres" : "sqlite", Math.round(records / elapsed), "records/s;", Math.round((cpu.user + cpu.system) / records), "µs node CPU/record", pg ? `; ${Math.round(pgCpu)} µs postgres CPU/record` : "");
await new Promise((resolve) => setTimeout(resolve, 300));
await storage.close();
await database.drop();
