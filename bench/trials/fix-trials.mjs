/* global process, console, performance */
// Run: node bench/trials/fix-trials.mjs template [--stmt-cache] | track | count --count [--print]
// Trials of two server fixes without touching packages/: a prepared-statement cache (monkeypatched
// into better-sqlite3) and group commit (many single records in one insertMany transaction).
import BetterSqlite3 from "better-sqlite3";
import { createApp, createStorage } from "@promptline/server";
import { mkdtempSync } from "node:fs"; import { tmpdir } from "node:os"; import { join } from "node:path";
const mode = process.argv[2];
let prepared = 0;
if (process.argv.includes("--count")) {
  const original = BetterSqlite3.prototype.prepare;
  BetterSqlite3.prototype.prepare = function (sql) { prepared++; if (process.argv.includes("--print")) console.log(sql.slice(0, 160)); return original.call(this, sql); };
}
if (process.argv.includes("--stmt-cache")) {
  const original = BetterSqlite3.prototype.prepare;
  BetterSqlite3.prototype.prepare = function (sql) {
    const cache = (this.__cache ??= new Map());
    let stmt = cache.get(sql);
    if (!stmt) { stmt = original.call(this, sql); cache.set(sql, stmt); }
    return stmt;
  };
}
const dir = mkdtempSync(join(tmpdir(), "fix-trials-"));
const storage = await createStorage(`sqlite:${join(dir, "x.db")}`);
const ws = await storage.workspaces.ensureDefault();
const key = "pl_bench_key_0123456789abcdef0123";
await storage.apiKeys.ensure(ws.id, key, { admin: true });
const app = createApp({ storage });
const tmpl = { prompt_name: "bench-summary", prompt_template: { type: "chat", input_variables: ["product","topic"], messages: [{ role: "system", content: [{ type: "text", text: "You are a concise assistant for {product}." }] }, { role: "user", content: [{ type: "text", text: "Summarise {topic}." }] }] }, metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 0.2 }, api_type: "chat-completions" } } };
await app.request("/rest/prompt-templates", { method: "POST", headers: { "x-api-key": key, "content-type": "application/json" }, body: JSON.stringify({ prompt_template: tmpl, prompt_version: tmpl, release_labels: ["prod"] }) });
const cpuPer = async (n, fn) => { const c0 = process.cpuUsage(); const t = performance.now(); await fn(); const c = process.cpuUsage(c0); return { cpuUs: Math.round((c.user + c.system) / n), wallUs: Math.round((performance.now() - t) * 1000 / n) }; };
if (mode === "count") {
  prepared = 0;
  await (await app.request("/prompt-templates/bench-summary", { method: "POST", headers: { "x-api-key": key, "content-type": "application/json" }, body: JSON.stringify({ label: "prod", input_variables: { product: "P", topic: "t" } }) })).text();
  console.log("statements per template fetch:", prepared);
  prepared = 0;
  await (await app.request("/track-request", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ function_name: "openai.chat.completions.create", provider_type: "openai", args: [], kwargs: { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }, tags: ["a"], api_key: key, metadata: { u: "1" }, prompt_id: 1, prompt_version: 1, return_prompt_blueprint: true, request_response: { id: "x", object: "chat.completion", created: 1, model: "gpt-4o-mini", choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } } }) })).text();
  console.log("statements per /track-request:", prepared);
} else if (mode === "template") {
  const call = () => app.request("/prompt-templates/bench-summary", { method: "POST", headers: { "x-api-key": key, "content-type": "application/json" }, body: JSON.stringify({ label: "prod", input_variables: { product: "P", topic: "t" } }) });
  for (let i = 0; i < 500; i++) await (await call()).text();
  for (let r = 0; r < 3; r++) console.log("template", process.argv.includes("--stmt-cache") ? "stmt-cache" : "as is", await cpuPer(3000, async () => { for (let i = 0; i < 3000; i++) await (await call()).text(); }));
} else {
  const record = (i) => ({ request_id: `r-${mode}-${i}-${Math.random()}`, tags: ["a", "b"], metadata: { u: "1" }, input_variables: {}, status: "SUCCESS", provider: "openai", model: "gpt-4o-mini", request: { messages: [] }, response: { ok: true } });
  const n = 2000;
  // One transaction (one fsync) per record, 64 in flight: what /track-request does now.
  let next = 0;
  const single = await cpuPer(n, () => Promise.all(Array.from({ length: 64 }, async () => { while (next < n) await storage.requests.insert(ws.id, record(next++)); })));
  console.log("64 concurrent single inserts:", single, Math.round(1e6 / single.wallUs), "records/s");
  // Group commit: the 64 waiting records in one transaction.
  const grouped = await cpuPer(n, async () => { for (let i = 0; i < n; i += 64) await storage.requests.insertMany(ws.id, Array.from({ length: Math.min(64, n - i) }, (_, k) => record(n + i + k))); });
  console.log("groups of 64 (group commit):", grouped, Math.round(1e6 / grouped.wallUs), "records/s");
}
await storage.close();
