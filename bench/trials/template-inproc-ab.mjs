/* global process, console */
// Template fetch through the whole app (app.request: middleware, route, service; no sockets), two builds in one
// process, alternated: node bench/trials/template-inproc-ab.mjs <rootA> <rootB> [rounds]
// A root is a directory holding packages/server/dist. Prints the CPU µs per request of each.
import { mkdtempSync } from "node:fs"; import { tmpdir } from "node:os"; import { join, resolve } from "node:path";
import { apiKey, benchPrompt, benchVariables } from "../dist/lib/harness.js";

const roots = [process.argv[2], process.argv[3]];
const rounds = Number(process.argv[4] ?? 5);
const body = JSON.stringify({ label: "prod", input_variables: benchVariables });
const variants = [];
for (const root of roots) {
  const { createApp, createStorage } = await import(join(resolve(root), "packages/server/dist/index.js"));
  const storage = await createStorage(`sqlite:${join(mkdtempSync(join(tmpdir(), "tpl-inproc-")), "x.db")}`);
  const ws = await storage.workspaces.ensureDefault();
  await storage.apiKeys.ensure(ws.id, apiKey, { admin: true });
  const app = createApp({ storage });
  const { release_labels, ...version } = benchPrompt;
  const published = await app.request("/rest/prompt-templates", { method: "POST", headers: { "x-api-key": apiKey, "content-type": "application/json" }, body: JSON.stringify({ prompt_template: version, prompt_version: version, release_labels }) });
  if (published.status !== 201) throw new Error(await published.text());
  const call = () => app.request(`/prompt-templates/${benchPrompt.prompt_name}`, { method: "POST", headers: { "x-api-key": apiKey, "content-type": "application/json" }, body });
  variants.push({ root, call, storage, samples: [] });
}
for (let round = 0; round < rounds; round++) {
  for (const variant of variants) {
    const n = 3000; const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) { const r = await variant.call(); if (r.status !== 200) throw new Error(await r.text()); await r.text(); }
    const c = process.cpuUsage(c0); variant.samples.push((c.user + c.system) / n);
  }
}
for (const { root, samples, storage } of variants) {
  const sorted = [...samples].sort((a, b) => a - b);
  console.log(root.padEnd(24), "CPU µs/request: median", sorted[Math.floor(sorted.length / 2)].toFixed(1), "all", samples.map((s) => s.toFixed(0)).join(" "));
  await storage.close();
}
