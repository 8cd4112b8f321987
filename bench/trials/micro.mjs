/* global console, performance, Response */
// In-process CPU cost of run() with a stub fetch (no network): µs per call, ours against a bare fetch + JSON.
// Run after `npm run build`: node bench/trials/micro.mjs (add --cpu-prof to profile).
import { Promptline } from "promptline";
const completion = {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Echo: hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":3,"total_tokens":6}};
const text = JSON.stringify(completion);
const tmpl = { prompt_template: { type: "chat", input_variables: ["product","topic"], messages: [{ role: "system", content: [{ type: "text", text: "You are a concise assistant for {product}." }] }, { role: "user", content: [{ type: "text", text: "Summarise {topic}." }] }] }, metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 0.2 } , api_type: "chat-completions"} } };
let shipped = 0;
const fakeFetch = async (url, init) => {
  const u = String(url);
  if (u.includes("prompt-templates") || u.includes("/api/v1/prompts")) return new Response(JSON.stringify({ prompt: {id: 1, name: "p", tags: []}, version: { id: 1, version: 1, ...tmpl, commit_message: null }, labels: [] }), { headers: { "content-type": "application/json" } });
  if (u.includes("requests:batch")) { shipped++; const b = JSON.parse(init.body); return new Response(JSON.stringify({ results: b.records.map(r => ({request_id: r.request_id, id: 1, created: true})) }), { headers: { "content-type": "application/json" } }); }
  return new Response(text, { headers: { "content-type": "application/json" } });
};
const direct = async () => { const r = await fakeFetch("http://x/v1/chat/completions"); await r.json(); };
const client = new Promptline({ apiKey: "k", baseURL: "http://registry", env: { OPENAI_API_KEY: "sk", OPENAI_BASE_URL: "http://fake/v1" }, fetch: fakeFetch, flushOnExit: false, onError: (e) => console.error("ERR", e) });
const p = { promptName: "p", inputVariables: { product: "x", topic: "y" }, tags: ["b"] };
await client.run(p);
for (const [name, fn] of [["direct", direct], ["run", () => client.run(p)], ["direct", direct], ["run", () => client.run(p)]]) {
  const n = 20000; const t = performance.now();
  for (let i = 0; i < n; i++) await fn();
  console.log(name, ((performance.now() - t) / n * 1000).toFixed(1), "µs/call");
}
await client.flush(); console.log("shipped batches", shipped, client.stats());
