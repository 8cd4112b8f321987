/* global process, console, performance */
// The growth scenario's bulk loader alone on a fresh database: 10,000 rows through insertMany, then `count` rows
// bulk-loaded; prints rows/s and bytes per row. node bench/trials/bulk-load-profile.mjs [--pg] [count] [--keep]
import { createStorage } from "@promptline/server";
import { bulkLoadRequests, requestLogBytes } from "../dist/lib/bulk-load.js";
import { freshDatabase } from "../dist/lib/harness.js";
import { logRecord } from "../dist/lib/records.js";

const pg = process.argv.includes("--pg");
const count = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 1_000_000);
const database = await freshDatabase(pg ? "postgres" : "sqlite");
const storage = await createStorage(database.url);
const ws = await storage.workspaces.ensureDefault();
for (let loaded = 0; loaded < 10_000; loaded += 1000) {
  await storage.requests.insertMany(ws.id, Array.from({ length: 1000 }, (_, i) => logRecord(loaded + i, loaded + i === 0 ? "growth-template" : undefined)));
}
await storage.close();
const started = performance.now();
const { rowsPerSecond } = await bulkLoadRequests(database.url, {
  workspaceId: ws.id, templateRequestId: "growth-template", count, from: new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 1)), stepMs: 1,
  log: (line) => console.log(`${((performance.now() - started) / 1000).toFixed(1)} s ${line}`),
});
const bytes = await requestLogBytes(database.url);
console.log(JSON.stringify({ database: database.url, count, seconds: +((performance.now() - started) / 1000).toFixed(1), rowsPerSecond, bytesPerRow: Math.round(bytes / (count + 10_000)) }));
if (!process.argv.includes("--keep")) await database.drop();
