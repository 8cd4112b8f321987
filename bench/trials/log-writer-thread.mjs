/* global process, console, performance */
// The SQLite log write alone, in-thread (Kysely, decision 0017) against the writer thread (decision 0029):
// node bench/trials/log-writer-thread.mjs [commits] [records per commit]. One caller, insertMany in a loop,
// alternating the two storages; prints CPU µs per record of this (the server's) thread and of the whole process.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createStorage } from "@promptline/server";
import { logRecord } from "../dist/lib/records.js";

const commits = Number(process.argv[2] ?? 100);
const perCommit = Number(process.argv[3] ?? 100);
const directory = mkdtempSync(join(tmpdir(), "log-writer-thread-"));
const open = async (thread) => {
  const storage = await createStorage(`sqlite:${join(directory, `${thread}.db`)}`, { logWriterThread: thread });
  const workspace = await storage.workspaces.create({ slug: "w" });
  return { storage, workspace, thread };
};
const variants = [await open(false), await open(true)];
let sequence = 0;
const round = async ({ storage, workspace }) => {
  const cpu = process.cpuUsage();
  const resource = process.resourceUsage();
  const started = performance.now();
  // Eight callers at once, as the bench's eight clients.
  await Promise.all(Array.from({ length: 8 }, async () => {
    for (let commit = 0; commit < commits / 8; commit += 1) {
      const records = Array.from({ length: perCommit }, () => logRecord(sequence++));
      await storage.requests.insertMany(workspace.id, records);
    }
  }));
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { wall, processCpu: used.user + used.system, resource };
};
for (let pass = 0; pass < 4; pass += 1) {
  for (const variant of variants) {
    // This thread's CPU (Linux: /proc/self/task/<pid>/stat, in 10 ms ticks; the main thread's id is the pid).
    const threadCpu = () => { const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8").split(") ")[1].split(" "); return (Number(fields[11]) + Number(fields[12])) * 10_000; };
    const before = threadCpu();
    const result = await round(variant);
    const records = commits * perCommit;
    console.log(`${variant.thread ? "thread  " : "in-thread"} ${(records / (result.wall / 1000)).toFixed(0)} records/s; process ${(result.processCpu / records).toFixed(1)} µs CPU/record; this thread ${((threadCpu() - before) / records).toFixed(1)} µs`);
  }
}
for (const { storage } of variants) await storage.close();
rmSync(directory, { recursive: true, force: true });
