/* global process, console, fetch */
// Which SQL statements one request costs on PostgreSQL: an in-process server on a fresh database, `count`
// sequential requests of one kind (track | batch), every statement the `pg` driver sends counted by text.
// node bench/trials/statements-per-request.mjs track|batch [count]   (npm run build && npx tsc -p bench first)
import pg from "pg";
import { startServer } from "@promptline/server";
import { apiKey, freshDatabase, publishBenchPrompt } from "../dist/lib/harness.js";
import { batchBodyFactory, trackRequestBody } from "../dist/lib/records.js";

const kind = process.argv[2] ?? "track";
const count = Number(process.argv[3] ?? 200);
const database = await freshDatabase("postgres");
const server = await startServer({ database: database.url, apiKey, port: 0, host: "127.0.0.1", logError: (error) => console.error(error) });
const promptId = await publishBenchPrompt(server.url);
const seen = new Map();
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, values, callback) {
  const text = typeof config === "string" ? config : config?.text;
  if (typeof text === "string") {
    const key = text.replace(/\s+/g, " ").slice(0, 110);
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return query.call(this, config, values, callback);
};
const batchBody = batchBodyFactory(100);
for (let sequence = 0; sequence < count; sequence++) {
  const response = kind === "batch"
    ? await fetch(`${server.url}/api/v1/requests:batch`, { method: "POST", headers: { "x-api-key": apiKey, "content-type": "application/json" }, body: batchBody(sequence) })
    : await fetch(`${server.url}/track-request`, { method: "POST", headers: { "content-type": "application/json" }, body: trackRequestBody(apiKey, promptId) });
  if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
  await response.arrayBuffer();
}
pg.Client.prototype.query = query;
for (const [text, times] of [...seen].sort((a, b) => b[1] - a[1])) console.log((times / count).toFixed(2), "per request:", text);
await server.close();
await database.drop();
