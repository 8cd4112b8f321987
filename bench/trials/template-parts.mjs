/* global process, console */
// CPU cost of each step of a template fetch's service path, in-process, no HTTP:
// node bench/trials/template-parts.mjs [sqlite|postgres]
import { createStorage } from "@promptline/server";
import { buildTemplateResponse } from "../../packages/server/dist/services/template-response.js";
import { createTemplateRenderer } from "../../packages/server/dist/render/template-renderer.js";
import { mkdtempSync } from "node:fs"; import { tmpdir } from "node:os"; import { join } from "node:path";
const dir = mkdtempSync(join(tmpdir(), "tpl-parts-"));
const storage = await createStorage(process.argv[2] === "postgres" ? "postgres://postgres@127.0.0.1:5432/test" : `sqlite:${join(dir, "x.db")}`);
const ws = await storage.workspaces.ensureDefault();
const key = `pl_bench_key_${Date.now()}_0123456789abcdef`;
await storage.apiKeys.ensure(ws.id, key, { admin: true });
const name = `bench-summary-${Date.now()}`;
await storage.prompts.publish(ws.id, { name, prompt_template: { type: "chat", input_variables: ["product","topic"], messages: [{ role: "system", content: [{ type: "text", text: "You are a concise assistant for {product}." }] }, { role: "user", content: [{ type: "text", text: "Summarise {topic}." }] }] }, metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 0.2 }, api_type: "chat-completions" } }, commit_message: null, tags: null, release_labels: ["prod"] });
const renderer = createTemplateRenderer();
const body = { label: "prod", input_variables: { product: "P", topic: "t" } };
const steps = {
  auth: () => storage.apiKeys.findByPlaintext(key),
  getVersion: () => storage.prompts.getVersion(ws.id, { identifier: name }, { version: null, label: "prod" }),
  build: async () => buildTemplateResponse(storage, ws.id, await storage.prompts.getVersion(ws.id, { identifier: name }, { version: null, label: "prod" }), body, renderer),
  serialise: async () => JSON.stringify(await buildTemplateResponse(storage, ws.id, await storage.prompts.getVersion(ws.id, { identifier: name }, { version: null, label: "prod" }), body, renderer)),
};
for (let round = 0; round < 3; round++) {
  const line = [];
  for (const [label, step] of Object.entries(steps)) {
    const n = 5000; const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) await step();
    const c = process.cpuUsage(c0); line.push(`${label} ${((c.user + c.system) / n).toFixed(1)} µs`);
  }
  console.log(line.join(", "));
}
await storage.close();
