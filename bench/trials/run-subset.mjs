/* global process, console, fetch, URL */
// The run-overhead scenario with a chosen subset of its variants, to see which neighbour moves run()'s numbers:
//   node bench/trials/run-subset.mjs [--rounds=1000] [--with=fetch,undici,openai,promptlayer,overfetch]
// (npm run build && npx tsc -p bench first.)
import { createRequire } from "node:module";
import OpenAI from "openai";
import { fetchHttpClient, Promptline } from "promptline";
import { Agent } from "undici";
import { startChild } from "../dist/lib/child-process.js";
import { apiKey, benchPrompt, benchVariables, freshDatabase, publishBenchPrompt, startBenchServer } from "../dist/lib/harness.js";
import { interleave, summarize } from "../dist/lib/stats.js";

const arg = (name, fallback) => process.argv.find((value) => value.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;
const rounds = Number(arg("rounds", 1000));
const chosen = new Set(arg("with", "fetch,undici").split(","));
const { PromptLayer } = createRequire(import.meta.url)("promptlayer");
const fakes = await startChild("fakes-child", {});
const database = await freshDatabase("sqlite");
const server = await startBenchServer(database.url);
const providerEnv = fakes.ready.env;
Object.assign(process.env, { OPENAI_API_KEY: providerEnv.OPENAI_API_KEY, OPENAI_BASE_URL: providerEnv.OPENAI_BASE_URL });
const ours = new Promptline({ apiKey, baseURL: server.url, env: providerEnv, flushOnExit: false });
const oursOverFetch = new Promptline({ apiKey, baseURL: server.url, env: providerEnv, flushOnExit: false, httpClient: fetchHttpClient() });
const undici = new Agent();
const openai = new OpenAI({ apiKey: providerEnv.OPENAI_API_KEY, baseURL: fakes.ready.openaiBaseURL });
const promptLayer = new PromptLayer({ apiKey, baseURL: server.url });
await publishBenchPrompt(server.url);
const runParams = { promptName: benchPrompt.prompt_name, promptReleaseLabel: "prod", inputVariables: benchVariables, tags: ["bench"] };
await ours.run(runParams);
await oursOverFetch.run(runParams);
const sent = await fakes.call("lastRequest", "openai");
const body = sent.body;
const url = `${fakes.ready.openaiBaseURL}/chat/completions`;
const { origin, pathname } = new URL(url);
const headers = { authorization: `Bearer ${providerEnv.OPENAI_API_KEY}`, "content-type": "application/json" };
const all = {
  run: async () => void (await ours.run(runParams)),
  fetch: async () => { const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(body) }); await response.json(); },
  undici: async () => { const response = await undici.request({ origin, path: pathname, method: "POST", headers, body: JSON.stringify(body) }); await response.body.json(); },
  overfetch: async () => void (await oursOverFetch.run(runParams)),
  openai: async () => void (await openai.chat.completions.create(body)),
  promptlayer: async () => void (await promptLayer.run({ promptName: benchPrompt.prompt_name, promptReleaseLabel: "prod", inputVariables: benchVariables, tags: ["bench"] })),
};
const variants = Object.entries(all).filter(([name]) => name === "run" || chosen.has(name)).map(([name, call]) => ({ name, call }));
const samples = await interleave(variants, { warmupRounds: 200, rounds, onRound: async (round) => void (round % 500 === 0 && (await fakes.call("reset"))) });
const base = summarize(samples.get("undici")?.get("total") ?? samples.get("run").get("total"));
for (const [name, metrics] of samples) {
  const total = summarize(metrics.get("total")), cpu = summarize(metrics.get("cpu"));
  console.log(name.padEnd(12), "p50", total.p50.toFixed(3), "p99", total.p99.toFixed(3), "cpu", cpu.mean.toFixed(3), "p50/undici", (total.p50 / base.p50).toFixed(3));
}
await ours.close({ timeoutMs: 5000 }); await oursOverFetch.close({ timeoutMs: 5000 }); await undici.close(); await server.close(); await database.drop(); await fakes.close();
