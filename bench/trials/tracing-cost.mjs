/* global process, console, Request, Response */
// CPU per warm Promptline.run() with tracing off, with @opentelemetry/api but no tracer provider
// (the default for most users), and with a tracer provider recording every span (in-memory exporter).
// No I/O: `fetch` is a stub answering the registry and the provider from memory, so the numbers are
// the SDK's own work. Run after `npx tsc -b packages/core packages/sdk`:
//   node bench/trials/tracing-cost.mjs [--rounds=5000] [--warmup=500]
// Variants run interleaved, one call each per round in rotating order; CPU µs per call is
// process.cpuUsage() around the call; the median and p90 over the rounds are printed.
import { trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { Promptline } from "../../packages/sdk/dist/index.js";

const arg = (name, fallback) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const rounds = arg("rounds", 5000);
const warmup = arg("warmup", 500);

const template = { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Summarise {topic}." }] }] };
const metadata = { model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 0.2, max_tokens: 256 }, api_type: "chat-completions" } };
const completion = JSON.stringify({
  id: "chatcmpl-bench", object: "chat.completion", created: 1700000000, model: "gpt-4o-mini",
  choices: [{ index: 0, message: { role: "assistant", content: "A short answer." }, finish_reason: "stop" }],
  usage: { prompt_tokens: 31, completion_tokens: 14, total_tokens: 45 },
});
const templateText = JSON.stringify({ prompt: { id: 1, name: "bench", tags: [] }, version: { id: 1, version: 1, prompt_template: template, metadata, commit_message: null }, labels: [] });
const stubFetch = async (input, init) => {
  const url = String(input instanceof Request ? input.url : input);
  if (url.includes("/api/v1/requests:batch")) {
    const records = JSON.parse(init.body).records;
    return new Response(JSON.stringify({ results: records.map((r, i) => ({ request_id: r.request_id, id: i + 1, created: true })) }), { status: 200 });
  }
  if (url.includes("/api/v1/prompts/")) return new Response(templateText, { status: 200, headers: { "content-type": "application/json" } });
  return new Response(completion, { status: 200, headers: { "content-type": "application/json" } });
};

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const common = { apiKey: "pl_bench", baseURL: "http://registry.invalid", env: { OPENAI_API_KEY: "sk-bench" }, fetch: stubFetch, flushOnExit: false, liveUpdates: false, logging: { maxQueueSize: 1_000_000, flushIntervalMs: 60_000, batchSize: 1000 } };
const clients = {
  "tracing off": new Promptline({ ...common, tracing: { enabled: false } }),
  "api, no provider": new Promptline(common),
  "provider recording": new Promptline(common),
};
const params = { promptName: "bench", inputVariables: { topic: "release labels" } };

async function once(name) {
  if (name === "provider recording") trace.setGlobalTracerProvider(provider);
  const before = process.cpuUsage();
  await clients[name].run(params);
  const used = process.cpuUsage(before);
  if (name === "provider recording") trace.disable();
  return used.user + used.system;
}

const names = Object.keys(clients);
const samples = Object.fromEntries(names.map((name) => [name, []]));
for (let round = 0; round < warmup + rounds; round++) {
  for (let i = 0; i < names.length; i++) {
    const name = names[(round + i) % names.length];
    const micros = await once(name);
    if (round >= warmup) samples[name].push(micros);
  }
  if (round % 500 === 0) exporter.reset();
}
const quantile = (values, q) => [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))];
for (const name of names) console.log(`${name.padEnd(20)} median ${quantile(samples[name], 0.5)} µs CPU/run, p90 ${quantile(samples[name], 0.9)} µs (${rounds} runs)`);
await Promise.all(Object.values(clients).map((client) => client.close({ timeoutMs: 10 })));
