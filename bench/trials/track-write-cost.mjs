/* global process, console, fetch */
// What PostgreSQL's log write costs the backend per statement and per record, by group size, for the record a
// tracked request stores: captures one /track-request write from an in-process server, then replays it (named,
// as the server sends it) with groups of 1..N fresh records on one connection and reads the backend's CPU.
// node bench/trials/track-write-cost.mjs [--rounds=N] [--sizes=1,4,16,64] [--sql="statements to try first"] [--raw-json]
//   (npm run build && npx tsc -p bench first)
import pg from "pg";
import { backendCpuSeconds } from "../dist/lib/postgres-cpu.js";
import { startServer } from "@promptline/server";
import { apiKey, freshDatabase, publishBenchPrompt } from "../dist/lib/harness.js";
import { trackRequestBody } from "../dist/lib/records.js";

const rawJson = process.argv.includes("--raw-json");
const rounds = Number(process.argv.find((arg) => arg.startsWith("--rounds="))?.slice(9) ?? 200);
const sizes = (process.argv.find((arg) => arg.startsWith("--sizes="))?.slice(8) ?? "1,4,16,64").split(",").map(Number);
const database = await freshDatabase("postgres");
let captured;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, values, callback) {
  const text = typeof config === "string" ? config : config?.text;
  if (typeof text === "string" && text.includes("json_populate_recordset")) captured = { text, values: values ?? config.values };
  return query.call(this, config, values, callback);
};
const server = await startServer({ database: database.url, apiKey, port: 0, host: "127.0.0.1", logError: (error) => console.error(error) });
const promptId = await publishBenchPrompt(server.url);
const response = await fetch(`${server.url}/track-request`, { method: "POST", headers: { "content-type": "application/json" }, body: trackRequestBody(apiKey, promptId) });
await response.arrayBuffer();
await server.close();
pg.Client.prototype.query = query;
if (!captured) throw new Error("no log write statement seen");

const client = new pg.Client({ connectionString: database.url });
await client.connect();
const trial = process.argv.find((arg) => arg.startsWith("--sql="))?.slice(6);
if (trial) await client.query(trial);
const { rows: [{ pid }] } = await client.query("select pg_backend_pid() as pid");
const backendCpuMs = () => backendCpuSeconds(pid) * 1000;
// The JSON arrays among the values: rows keyed by request_id, replicated under fresh ids.
const [original] = JSON.parse(captured.values.find((value) => typeof value === "string" && value.startsWith('[{"id"') || (typeof value === "string" && value.includes('"request_id"') && value.includes('"workspace_id"'))));
let serial = 0;
const groupValues = (size) => {
  const ids = Array.from({ length: size }, () => `w${process.pid}-${serial++}`.padStart(24, "0"));
  return captured.values.map((value) => {
    if (typeof value !== "string" || !value.startsWith("[")) return value;
    const rows = JSON.parse(value);
    const copies = ids.flatMap((id) => rows.filter((row) => row.request_id === original.request_id).map((row) => ({ ...row, request_id: id })));
    // --raw-json: JSON text columns embedded as JSON values (json_populate_recordset stores their text as is), not as escaped strings.
    if (rawJson) for (const row of copies) for (const [key, column] of Object.entries(row)) if (typeof column === "string" && /^[[{]/.test(column)) row[key] = JSON.parse(column);
    return JSON.stringify(copies);
  });
};
for (const size of sizes) {
  for (let warm = 0; warm < 10; warm++) await client.query({ name: "trial_write", text: captured.text, values: groupValues(size) });
  const before = backendCpuMs();
  const started = process.hrtime.bigint();
  for (let round = 0; round < rounds; round++) await client.query({ name: "trial_write", text: captured.text, values: groupValues(size) });
  const cpuUs = (backendCpuMs() - before) * 1000;
  const wallUs = Number(process.hrtime.bigint() - started) / 1000;
  console.log(`group of ${size}: backend CPU ${(cpuUs / rounds).toFixed(0)} µs a statement, ${(cpuUs / rounds / size).toFixed(1)} µs a record; wall ${(wallUs / rounds).toFixed(0)} µs a statement`);
}
await client.end();
await database.drop();
