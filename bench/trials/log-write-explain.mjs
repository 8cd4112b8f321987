/* global process, console */
// EXPLAIN (ANALYZE, BUFFERS, WAL) of PostgreSQL's log write (one group commit of 100 bench records) on a fresh
// database holding `--rows=N` records already (default 20,000): where the database's time goes, per node and trigger.
// node bench/trials/log-write-explain.mjs [--rows=N] [--rounds=N] [--plan] [--cpu] [--sql="statements to try first"]   (npm run build && npx tsc -p bench first)
import pg from "pg";
import { backendCpuSeconds } from "../dist/lib/postgres-cpu.js";
import { createStorage } from "@promptline/server";
import { freshDatabase } from "../dist/lib/harness.js";
import { logRecord } from "../dist/lib/records.js";

const rows = Number(process.argv.find((arg) => arg.startsWith("--rows="))?.slice(7) ?? 20_000);
const database = await freshDatabase("postgres");
let captured;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, values, callback) {
  const text = typeof config === "string" ? config : config?.text;
  if (typeof text === "string" && text.includes("json_populate_recordset")) captured = { text, values: values ?? config.values };
  return query.call(this, config, values, callback);
};
const storage = await createStorage(database.url);
const ws = await storage.workspaces.ensureDefault();
for (let written = 0; written < rows; written += 100) {
  await storage.requests.insertMany(ws.id, Array.from({ length: 100 }, (_, index) => logRecord(written + index)));
}
await storage.close();
pg.Client.prototype.query = query;
if (!captured) throw new Error("no log write statement seen");
const client = new pg.Client({ connectionString: database.url });
await client.connect();
// --sql="…": schema changes to try before the rounds (e.g. partial indexes).
const trial = process.argv.find((arg) => arg.startsWith("--sql="))?.slice(6);
if (trial) await client.query(trial);
// --variant=jsonb: the rows as jsonb (parsed once) instead of json (validated by the cast, parsed again);
// --named: a named prepared statement (a generic plan after five executions) instead of the unnamed one.
if (process.argv.includes("--variant=jsonb")) captured.text = captured.text.replace("json_populate_recordset(", "jsonb_populate_recordset(").replace(/::json\) with ordinality/, "::jsonb) with ordinality");
const named = process.argv.includes("--named");
const run = (values) => client.query(named ? { name: "log_write_trial", text: captured.text, values } : { text: captured.text, values });
const rounds = Number(process.argv.find((arg) => arg.startsWith("--rounds="))?.slice(9) ?? 3);
// The backend's own CPU (utime+stime from /proc), steadier than wall time on a shared machine.
const { rows: [{ pid }] } = await client.query("select pg_backend_pid() as pid");
const backendCpuMs = () => backendCpuSeconds(pid) * 1000;
if (process.argv.includes("--cpu")) {
  // Plain executions (no EXPLAIN): backend CPU per record, over `rounds` statements of 100 fresh records each.
  const before = backendCpuMs();
  for (let round = 0; round < rounds; round++) {
    const values = captured.values.map((value) => (typeof value === "string" ? value.replaceAll('"request_id":"', `"request_id":"cpu${round}-`) : value));
    await run(values);
  }
  if (named) console.log((await client.query("select generic_plans, custom_plans from pg_prepared_statements")).rows);
  console.log(`backend CPU ${(((backendCpuMs() - before) * 1000) / (rounds * 100)).toFixed(1)} µs/record over ${rounds * 100} records`);
}
for (let round = 0; round < (process.argv.includes("--cpu") ? 0 : rounds); round++) {
  // Fresh client ids, so every row is inserted (the captured ones are stored already).
  const values = captured.values.map((value) => (typeof value === "string" ? value.replaceAll('"request_id":"', `"request_id":"explain${round}-`) : value));
  const { rows: plan } = await client.query(`explain (analyze, buffers, wal, verbose off) ${captured.text}`, values);
  if (round === rounds - 1 && process.argv.includes("--plan")) console.log(plan.map((row) => row["QUERY PLAN"]).join("\n"));
  else console.log(plan.filter((row) => /Execution Time|Trigger/.test(row["QUERY PLAN"])).map((row) => row["QUERY PLAN"]).join("\n"));
}
await client.end();
if (process.argv.includes("--keep")) console.log("kept", database.url);
else await database.drop();
