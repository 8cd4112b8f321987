/* global process, console, Response, AbortController, setTimeout, clearTimeout, performance, fetch, Buffer, URL */
// Where does the gap between a warm Promptline.run() and a bare fetch come from, on real loopback I/O?
// Run after `npm run build` (or `npx tsc -b packages/core packages/sdk`):
//   node bench/trials/run-gap.mjs [--rounds=3000] [--warmup=300] [--only=a,b] [--testkit] [--before=DIR]
// --before=DIR: a copy of an earlier build (DIR/packages/{core,sdk}/dist, DIR/node_modules/@promptline/core → it)
// adds "… BEFORE" variants, so that old and new code are compared interleaved in one process.
// A child process serves a fixed OpenAI chat completion (bare node:http, or testkit's fake with --testkit)
// and a stub registry (/api/v1/requests:batch and the template route). Variants run interleaved,
// one call each per round in rotating order; CPU µs per call is process.cpuUsage() around the call.
import { fork } from "node:child_process";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";

const template = {
  type: "chat",
  input_variables: ["product", "topic"],
  messages: [
    { role: "system", content: [{ type: "text", text: "You are a concise assistant for {product}. Answer in one sentence." }] },
    { role: "user", content: [{ type: "text", text: "Summarise {topic} for a new user." }] },
  ],
};
const metadata = { model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 0.2, max_tokens: 256 }, api_type: "chat-completions" } };
const completion = {
  id: "chatcmpl-bench", object: "chat.completion", created: 1700000000, model: "gpt-4o-mini",
  choices: [{ index: 0, message: { role: "assistant", content: "Release labels point a name like prod at one version of a prompt.", refusal: null }, logprobs: null, finish_reason: "stop" }],
  usage: { prompt_tokens: 31, completion_tokens: 14, total_tokens: 45 }, system_fingerprint: "fp_bench",
};

if (process.argv[2] === "--child") await child();
else await parent();

async function child() {
  const readBody = (request) => new Promise((resolve) => { const parts = []; request.on("data", (part) => parts.push(part)); request.on("end", () => resolve(Buffer.concat(parts).toString())); });
  const completionText = JSON.stringify(completion);
  const templateText = JSON.stringify({ prompt: { id: 1, name: "bench-summary", tags: [], latest_version: 1, created_at: "2026-01-01T00:00:00.000Z", updated_at: "2026-01-01T00:00:00.000Z" }, version: { id: 1, prompt_id: 1, prompt_name: "bench-summary", version: 1, prompt_template: template, metadata, commit_message: null, author_key_id: 1, created_at: "2026-01-01T00:00:00.000Z" }, labels: ["prod"] });
  let batches = 0, records = 0;
  const send = (response, status, text) => { response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) }); response.end(text); };
  const provider = createServer(async (request, response) => { await readBody(request); send(response, 200, completionText); });
  const registry = createServer(async (request, response) => {
    const body = await readBody(request);
    if (request.url.startsWith("/api/v1/requests:batch")) {
      const parsed = JSON.parse(body);
      batches++; records += parsed.records.length;
      send(response, 200, JSON.stringify({ results: parsed.records.map((record, index) => ({ request_id: record.request_id, id: index + 1, created: true })) }));
    } else if (request.url.startsWith("/api/v1/prompts/")) send(response, 200, templateText);
    else send(response, 404, JSON.stringify({ message: "not found" }));
  });
  let providerBaseURL;
  if (process.argv.includes("--testkit")) {
    const { startFakeProviders } = await import("@promptline/testkit");
    const fakes = await startFakeProviders();
    providerBaseURL = fakes.baseURLs.openai;
  } else {
    await new Promise((resolve) => provider.listen(0, "127.0.0.1", resolve));
    providerBaseURL = `http://127.0.0.1:${provider.address().port}/v1`;
  }
  await new Promise((resolve) => registry.listen(0, "127.0.0.1", resolve));
  process.on("message", (message) => { if (message === "stats") process.send({ batches, records }); });
  process.send({ providerBaseURL, registryURL: `http://127.0.0.1:${registry.address().port}` });
}

async function parent() {
  const arg = (name, fallback) => process.argv.find((value) => value.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;
  const rounds = Number(arg("rounds", 3000));
  const warmup = Number(arg("warmup", 300));
  const only = arg("only", undefined)?.split(",");
  const server = fork(fileURLToPath(import.meta.url), ["--child", ...(process.argv.includes("--testkit") ? ["--testkit"] : [])], { stdio: "inherit" });
  const ready = await new Promise((resolve) => server.once("message", resolve));
  const { Promptline, defaultHttpClient } = await import("promptline");
  const { Agent } = await import("undici");
  const undici = new Agent();
  const { sendProviderRequest, resolveProviderEndpoint } = await import("../../packages/sdk/dist/transport/index.js");

  const env = { OPENAI_API_KEY: "sk-bench-0123456789", OPENAI_BASE_URL: ready.providerBaseURL };
  const url = `${ready.providerBaseURL}/chat/completions`;
  const headers = { authorization: `Bearer ${env.OPENAI_API_KEY}`, "content-type": "application/json" };
  const runParams = { promptName: "bench-summary", promptReleaseLabel: "prod", inputVariables: { product: "Promptline", topic: "release labels" }, tags: ["bench"] };
  const errors = [];
  const onError = (error) => errors.push(error);
  // Registry answered in-process (no network for logs), provider over real fetch.
  const stubRegistryText = JSON.stringify({ prompt: { id: 1, name: "bench-summary", tags: [], latest_version: 1, created_at: "2026-01-01T00:00:00.000Z", updated_at: "2026-01-01T00:00:00.000Z" }, version: { id: 1, prompt_id: 1, prompt_name: "bench-summary", version: 1, prompt_template: template, metadata, commit_message: null, author_key_id: 1, created_at: "2026-01-01T00:00:00.000Z" }, labels: ["prod"] });
  const stubFetch = (input, init) => {
    const target = String(input);
    if (!target.startsWith("http://registry")) return fetch(input, init);
    // The shipper ignores the results; not parsing the batch keeps the registry's work out of this process.
    if (target.includes("requests:batch")) return Promise.resolve(new Response('{"results":[]}', { headers: { "content-type": "application/json" } }));
    return Promise.resolve(new Response(stubRegistryText, { headers: { "content-type": "application/json" } }));
  };
  // Providers over the default client (undici, decision 0016), the registry stubbed in-process.
  const stubbed = new Promptline({ apiKey: "k", baseURL: "http://registry", env, fetch: stubFetch, httpClient: defaultHttpClient(), flushOnExit: false, onError });
  const real = new Promptline({ apiKey: "k", baseURL: ready.registryURL, env, flushOnExit: false, onError });
  // No network at all: the provider answered in-process too (what bench/trials/micro.mjs measures, but interleaved here).
  const completionText = JSON.stringify(completion);
  const noNetFetch = (input, init) => String(input).startsWith("http://registry") ? stubFetch(input, init) : Promise.resolve(new Response(completionText, { headers: { "content-type": "application/json" } }));
  const offline = new Promptline({ apiKey: "k", baseURL: "http://registry", env, fetch: noNetFetch, flushOnExit: false, onError });
  const beforeDir = arg("before", undefined);
  const before = beforeDir && {
    ...(await import(`${beforeDir}/packages/sdk/dist/transport/index.js`)),
    Promptline: (await import(`${beforeDir}/packages/sdk/dist/index.js`)).Promptline,
  };
  const stubbedBefore = before && new before.Promptline({ apiKey: "k", baseURL: "http://registry", env, fetch: stubFetch, flushOnExit: false, onError });
  const offlineBefore = before && new before.Promptline({ apiKey: "k", baseURL: "http://registry", env, fetch: noNetFetch, flushOnExit: false, onError });
  const realBefore = before && new before.Promptline({ apiKey: "k", baseURL: ready.registryURL, env, flushOnExit: false, onError });
  const clients = [stubbed, real, offline, ...(before ? [stubbedBefore, offlineBefore, realBefore] : [])];
  for (const client of clients) await client.run(runParams);

  // The exact body run() sends, for the direct variants.
  const prepared = (await import("@promptline/core")).prepareRequest({ template, metadata, variables: runParams.inputVariables, mode: "strict" });
  const providerBody = prepared.codec.toHttpRequest(prepared.kwargs, { stream: false }).body;
  const sentBody = JSON.stringify(providerBody);

  const variants = {
    "fetch": async () => { const response = await fetch(url, { method: "POST", headers, body: sentBody }); await response.json(); },
    "fetch+signal": async () => {
      const controller = new AbortController();
      const response = await fetch(url, { method: "POST", headers, body: sentBody, signal: controller.signal });
      await response.json();
    },
    "fetch+signal+timer": async () => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 600_000);
      const response = await fetch(url, { method: "POST", headers, body: sentBody, signal: controller.signal });
      await response.json();
      clearTimeout(timer);
    },
    "fetch+timer": async () => {
      const timer = setTimeout(() => {}, 600_000);
      const response = await fetch(url, { method: "POST", headers, body: sentBody });
      await response.json();
      clearTimeout(timer);
    },
    "fetch+text+headers": async () => {
      const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", accept: "application/json", ...headers }, body: sentBody });
      Object.fromEntries(response.headers);
      JSON.parse(await response.text());
    },
    "undici raw": async () => {
      const { origin, pathname } = new URL(url);
      const response = await undici.request({ origin, path: pathname, method: "POST", headers, body: sentBody });
      await response.body.json();
    },
    "sendProviderRequest": async () => { await sendProviderRequest({ endpoint: resolveProviderEndpoint("openai", env), path: "/chat/completions", body: providerBody, stream: false }); },
    "stub fetch (no net)": async () => { const response = await noNetFetch(url); await response.json(); },
    "run (no net)": async () => { await offline.run(runParams); },
    "run (stub registry)": async () => { await stubbed.run(runParams); },
    "run (http registry)": async () => { await real.run(runParams); },
    ...(before && {
      "sendProviderReq BEFORE": async () => { await before.sendProviderRequest({ endpoint: before.resolveProviderEndpoint("openai", env), path: "/chat/completions", body: providerBody, stream: false }); },
      "run (no net) BEFORE": async () => { await offlineBefore.run(runParams); },
      "run (stub reg) BEFORE": async () => { await stubbedBefore.run(runParams); },
      "run (http reg) BEFORE": async () => { await realBefore.run(runParams); },
    }),
  };
  const chosen = Object.entries(variants).filter(([name]) => !only || only.some((part) => name.startsWith(part)));
  const samples = new Map(chosen.map(([name]) => [name, { cpu: [], sys: [], wall: [] }]));
  const cpuStart = process.cpuUsage();
  for (let round = 0; round < warmup + rounds; round++) {
    for (let offset = 0; offset < chosen.length; offset++) {
      const [name, call] = chosen[(round + offset) % chosen.length];
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      await call();
      const wall = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      if (round < warmup) continue;
      const sample = samples.get(name);
      sample.wall.push(wall * 1000);
      sample.cpu.push(cpu.user + cpu.system);
      sample.sys.push(cpu.system);
    }
  }
  const totalCpu = process.cpuUsage(cpuStart);
  const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  const base = samples.get("fetch");
  const summary = (values) => { const sorted = [...values].sort((a, b) => a - b); return { mean: sorted.reduce((a, b) => a + b, 0) / sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) }; };
  const baseWall = base && summary(base.wall), baseCpu = base && summary(base.cpu);
  console.log(`rounds ${rounds} (+${warmup} warm-up), provider ${process.argv.includes("--testkit") ? "testkit" : "bare node:http"}, node ${process.version}`);
  console.log("variant".padEnd(22), "cpu µs mean".padStart(12), "(sys)".padStart(6), "vs fetch".padStart(9), "wall p50 µs".padStart(12), "vs fetch".padStart(9), "wall p99 µs".padStart(12), "vs fetch".padStart(9));
  for (const [name, sample] of samples) {
    const cpu = summary(sample.cpu), wall = summary(sample.wall);
    const vs = (a, b) => (b ? (a / b).toFixed(2) + "x" : "");
    console.log(name.padEnd(22), cpu.mean.toFixed(0).padStart(12), summary(sample.sys).mean.toFixed(0).padStart(6), vs(cpu.mean, baseCpu?.mean).padStart(9), wall.p50.toFixed(0).padStart(12), vs(wall.p50, baseWall?.p50).padStart(9), wall.p99.toFixed(0).padStart(12), vs(wall.p99, baseWall?.p99).padStart(9));
  }
  const flushed = await Promise.all(clients.map((client) => client.flush({ timeoutMs: 10_000 })));
  server.send("stats");
  const childStats = await new Promise((resolve) => server.once("message", resolve));
  console.log(`process CPU total ${(totalCpu.user + totalCpu.system) / 1000} ms; errors ${errors.length}${errors[0] ? ` (${errors[0].message})` : ""}; pending after flush ${flushed.map((f) => f.pending)}; registry got ${childStats.batches} batches / ${childStats.records} records`);
  for (const client of clients) await client.close({ timeoutMs: 1000 });
  await undici.close();
  server.kill();
}
