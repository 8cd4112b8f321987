/* global console, fetch */
// How big a tracked record's row is on PostgreSQL, column by column (pg_column_size: after TOAST compression):
// node bench/trials/track-row-size.mjs   (npm run build && npx tsc -p bench first)
import pg from "pg";
import { startServer } from "@promptline/server";
import { apiKey, freshDatabase, publishBenchPrompt } from "../dist/lib/harness.js";
import { batchBodyFactory, trackRequestBody } from "../dist/lib/records.js";

const database = await freshDatabase("postgres");
const server = await startServer({ database: database.url, apiKey, port: 0, host: "127.0.0.1", logError: (error) => console.error(error) });
const promptId = await publishBenchPrompt(server.url);
for (let sequence = 0; sequence < 20; sequence++) {
  const response = await fetch(`${server.url}/track-request`, { method: "POST", headers: { "content-type": "application/json" }, body: trackRequestBody(apiKey, promptId) });
  await response.arrayBuffer();
}
const response = await fetch(`${server.url}/api/v1/requests:batch`, { method: "POST", headers: { "x-api-key": apiKey, "content-type": "application/json" }, body: batchBodyFactory(20)(0) });
await response.arrayBuffer();
await server.close();
const client = new pg.Client({ connectionString: database.url });
await client.connect();
const { rows: columns } = await client.query("select attname from pg_attribute where attrelid = 'request_log'::regclass and attnum > 0 and not attisdropped order by attnum");
const sizes = columns.map(({ attname }) => `sum(pg_column_size(${pg.escapeIdentifier(attname)}))::int as ${pg.escapeIdentifier(attname)}`);
const lengths = columns.map(({ attname }) => `sum(octet_length(${pg.escapeIdentifier(attname)}::text))::int as ${pg.escapeIdentifier("len_" + attname)}`);
const { rows } = await client.query(`select (prompt_label is null) as tracked, count(*)::int as n, avg(pg_column_size(request_log.*))::int as row_bytes, ${sizes.join(", ")}, ${lengths.join(", ")} from request_log group by 1`);
for (const row of rows) {
  console.log(row.tracked ? "tracked" : "batched", "rows", row.n, "row bytes", row.row_bytes);
  for (const { attname } of columns) if (row[attname] / row.n > 40) console.log("  ", attname, "stored", Math.round(row[attname] / row.n), "text", Math.round(row["len_" + attname] / row.n));
}
await client.end();
await database.drop();
