/* global console, process */
// CPU per record of validating a `requests:batch` body of 100 SDK records: zod's parse (before) against the
// structural fast path (after), interleaved in one process. Run after `npm run build && npx tsc -p bench`:
// node bench/trials/record-check.mjs [rounds]
import { wellFormedBatchRecords } from "@promptline/core";
import { batchRequestsBody } from "@promptline/core/wire";
import { batchBodyFactory } from "../dist/lib/records.js";

const bodies = Array.from({ length: 20 }, (_, sequence) => JSON.parse(batchBodyFactory(100)(sequence)));
if (!wellFormedBatchRecords(bodies[0])) throw new Error("the bench records do not take the fast path");
const variants = {
  zod: (body) => batchRequestsBody.parse(body).records,
  fast: (body) => wellFormedBatchRecords(body) ?? batchRequestsBody.parse(body).records,
};
const rounds = Number(process.argv[2] ?? 8);
const totals = { zod: 0, fast: 0 };
for (let round = 0; round < rounds; round++) {
  for (const name of round % 2 ? ["fast", "zod"] : ["zod", "fast"]) {
    const start = process.cpuUsage();
    let records = 0;
    for (let pass = 0; pass < 25; pass++) for (const body of bodies) records += variants[name](body).length;
    const used = process.cpuUsage(start);
    const micros = (used.user + used.system) / records;
    if (round > 0) totals[name] += micros; // round 0 warms up
    console.log(round, name, micros.toFixed(2), "µs CPU/record");
  }
}
console.log("mean µs CPU/record: zod", (totals.zod / (rounds - 1)).toFixed(2), "fast", (totals.fast / (rounds - 1)).toFixed(2), "ratio", (totals.fast / totals.zod).toFixed(3));
