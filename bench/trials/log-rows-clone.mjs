/* global process, console, structuredClone */
// What handing a group commit's rows to the SQLite log writer thread costs the server's thread (decision 0029):
// node bench/trials/log-rows-clone.mjs. Rows as the request repository builds them (the bench's SDK records),
// flattened (`toWriteRequest`) and structured-cloned (what postMessage serialises on the sending thread), against
// cloning the row objects as they are. CPU µs per row, for a group of 1 (a lone /track-request) and of 100.
import { toWriteRequest } from "../../packages/server/dist/storage/dialects/sqlite-log-messages.js";
import { toRequestColumns } from "../../packages/server/dist/storage/repositories/request-queries.js";
import { logRecord } from "../dist/lib/records.js";

const rowsOf = (size) => {
  const records = Array.from({ length: size }, (_, index) => logRecord(index));
  const createdAt = new Date().toISOString();
  return {
    requests: records.map((record) => toRequestColumns(1, record, { promptId: 1, promptName: record.prompt_name, traceId: null }, createdAt)),
    tags: records.flatMap((record) => record.tags.map((tag, position) => ({ request_id: record.request_id, tag, position }))),
    metadata: records.flatMap((record) => Object.entries(record.metadata).map(([key, value]) => ({ request_id: record.request_id, key, value }))),
    createdAt,
  };
};
const cpu = (work, times) => {
  const before = process.cpuUsage();
  for (let index = 0; index < times; index += 1) work();
  const used = process.cpuUsage(before);
  return used.user + used.system;
};
for (const size of [1, 100]) {
  const rows = rowsOf(size);
  const times = Math.round(200_000 / size);
  for (let pass = 0; pass < 3; pass += 1) {
    const flatten = cpu(() => toWriteRequest(1, 1, rows), times);
    const request = toWriteRequest(1, 1, rows);
    const cloneFlat = cpu(() => structuredClone(request), times);
    const cloneObjects = cpu(() => structuredClone(rows), times);
    const perRow = (microseconds) => (microseconds / (times * size)).toFixed(2);
    if (pass > 0) console.log(`group of ${size}: flatten ${perRow(flatten)} + clone flat ${perRow(cloneFlat)} µs CPU/row; clone the row objects instead ${perRow(cloneObjects)} µs/row`);
  }
}
