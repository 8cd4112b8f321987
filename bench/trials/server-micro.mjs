/* global process, console, performance */
// In-process CPU cost of the server routes (app.request, no sockets): node bench/trials/server-micro.mjs template|track [mem]
import { createApp, createStorage } from "@promptline/server";
import { mkdtempSync } from "node:fs"; import { tmpdir } from "node:os"; import { join } from "node:path";
const which = process.argv[2] ?? "template";
const dir = mkdtempSync(join(tmpdir(), "srv-micro-"));
const storage = await createStorage(process.argv[3] === "mem" ? "sqlite::memory:" : `sqlite:${join(dir, "x.db")}`);
const ws = await storage.workspaces.ensureDefault();
const key = "pl_bench_key_0123456789abcdef0123";
await storage.apiKeys.ensure(ws.id, key, { admin: true });
const app = createApp({ storage });
const tmpl = { prompt_name: "bench-summary", prompt_template: { type: "chat", input_variables: ["product","topic"], messages: [{ role: "system", content: [{ type: "text", text: "You are a concise assistant for {product}." }] }, { role: "user", content: [{ type: "text", text: "Summarise {topic}." }] }] }, metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 0.2 }, api_type: "chat-completions" } } };
const pub = await app.request("/rest/prompt-templates", { method: "POST", headers: { "x-api-key": key, "content-type": "application/json" }, body: JSON.stringify({ prompt_template: tmpl, prompt_version: tmpl, release_labels: ["prod"] }) });
const promptId = (await pub.json()).id;
const completion = {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Echo: hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":3,"total_tokens":6}};
const trackBody = JSON.stringify({ function_name: "openai.chat.completions.create", provider_type: "openai", args: [], kwargs: { messages: [{role:"user", content:"hi"}], model: "gpt-4o-mini", stream: false }, tags: ["a"], request_start_time: "2026-01-01T00:00:00.000Z", request_end_time: "2026-01-01T00:00:00.420Z", api_key: key, metadata: {u: "1"}, prompt_id: promptId, prompt_version: 1, prompt_input_variables: {a: 1}, return_prompt_blueprint: true, span_id: "0000000000000000", request_response: completion });
const call = which === "template"
  ? () => app.request("/prompt-templates/bench-summary", { method: "POST", headers: { "x-api-key": key, "content-type": "application/json" }, body: JSON.stringify({ label: "prod", input_variables: { product: "P", topic: "t" } }) })
  : () => app.request("/track-request", { method: "POST", headers: { "content-type": "application/json" }, body: trackBody });
for (let round = 0; round < 3; round++) {
  const n = 2000; const t = performance.now(); const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) { const r = await call(); if (r.status !== 200) throw new Error(await r.text()); await r.text(); }
  const c = process.cpuUsage(c0); console.log(which, ((performance.now() - t) / n * 1000).toFixed(0), "µs/request wall,", ((c.user + c.system) / n).toFixed(0), "µs CPU");
}
// concurrent: 64 in flight
{ const n = 4000; let done = 0; const t = performance.now();
  await Promise.all(Array.from({length: 64}, async () => { while (done < n) { done++; const r = await call(); await r.text(); } }));
  console.log(which, "64 concurrent:", Math.round(n / ((performance.now() - t) / 1000)), "req/s");
}
await storage.close();
