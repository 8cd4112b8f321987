/* global process, console */
// CPU of storage.requests.insert (insert + read back) against insertMany([one]): node bench/trials/insert-vs-many.mjs
import { createStorage } from "@promptline/server";
const storage = await createStorage("sqlite::memory:");
const ws = await storage.workspaces.ensureDefault();
const record = (i) => ({ request_id: `r-${i}-${Math.random()}`, tags: ["a", "b"], metadata: { u: "1" }, input_variables: {}, status: "SUCCESS", provider: "openai", model: "gpt-4o-mini", request: { messages: [] }, response: { ok: true } });
const cpuPer = async (n, fn) => { const c0 = process.cpuUsage(); for (let i = 0; i < n; i++) await fn(i); const c = process.cpuUsage(c0); return Math.round((c.user + c.system) / n); };
for (let r = 0; r < 3; r++) {
  console.log("insert (+ get)", await cpuPer(3000, (i) => storage.requests.insert(ws.id, record(i))), "µs CPU;", "insertMany([one])", await cpuPer(3000, (i) => storage.requests.insertMany(ws.id, [record(i)])), "µs CPU");
}
await storage.close();
