/* global console */
import { Worker } from "node:worker_threads";
import { toWriteRequest } from "../../packages/server/dist/storage/dialects/sqlite-log-messages.js";
import { toRequestColumns } from "../../packages/server/dist/storage/repositories/request-queries.js";
import { trackedRequestFrom } from "../../packages/server/dist/services/track-request.js";
import { trackRequestBody } from "../dist/lib/records.js";
import { performance } from "node:perf_hooks";

const body = JSON.parse(trackRequestBody("k", 1));
const worker = new Worker("const { parentPort } = require('node:worker_threads'); parentPort.on('message', () => {});", { eval: true });
for (const size of [1, 8, 32]) {
  for (let pass = 0; pass < 3; pass++) {
    let total = 0; const times = 3000;
    for (let i = 0; i < times; i++) {
      const rows = { requests: [], tags: [], metadata: [], createdAt: new Date().toISOString() };
      for (let r = 0; r < size; r++) {
        const { insert } = trackedRequestFrom(body, `id-${i}-${r}`, null);
        rows.requests.push(toRequestColumns(1, insert, { promptId: 1, promptName: "p", traceId: null }, rows.createdAt));
      }
      const message = toWriteRequest(i, 1, rows);
      const start = performance.now();
      worker.postMessage(message);
      total += performance.now() - start;
    }
    console.log(`group of ${size}: postMessage ${(total * 1000 / times / size).toFixed(2)} µs/row (${(total * 1000 / times).toFixed(1)} µs/message)`);
  }
}
await worker.terminate();
