/* global process, console, Response, performance */
// Our own work per warm run(), with nothing on the wire: the provider answered by an in-process HttpClient
// (no undici, no Response), the registry by a stub fetch. What is left is run()'s own CPU per call.
//   node [--cpu-prof] bench/trials/run-own-work.mjs [--runs=20000] [--sdk=DIR]  (after npm run build)
// --sdk=DIR: the build of another checkout (DIR/packages/sdk/dist), for A/B against a base commit with this same script.
const arg = (name, fallback) => process.argv.find((value) => value.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;
const sdkDir = arg("sdk", undefined);
const { Promptline } = await import(sdkDir ? `${sdkDir}/packages/sdk/dist/index.js` : "promptline");
const runs = Number(arg("runs", 20000));
const template = {
  type: "chat", input_variables: ["product", "topic"],
  messages: [
    { role: "system", content: [{ type: "text", text: "You are a concise assistant for {product}. Answer in one sentence." }] },
    { role: "user", content: [{ type: "text", text: "Summarise {topic} for a new user." }] },
  ],
};
const metadata = { model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 0.2, max_tokens: 256 }, api_type: "chat-completions" } };
const completionText = JSON.stringify({
  id: "chatcmpl-bench", object: "chat.completion", created: 1700000000, model: "gpt-4o-mini",
  choices: [{ index: 0, message: { role: "assistant", content: "Release labels point a name like prod at one version of a prompt.", refusal: null, annotations: [] }, logprobs: null, finish_reason: "stop" }],
  usage: { prompt_tokens: 31, completion_tokens: 14, total_tokens: 45 }, system_fingerprint: "fp_bench",
}); // the shape OpenAI (and the testkit's fake) answers today: `annotations: []` on every message
const templateText = JSON.stringify({ prompt: { id: 1, name: "bench-summary", tags: [], latest_version: 1, created_at: "2026-01-01T00:00:00.000Z", updated_at: "2026-01-01T00:00:00.000Z" }, version: { id: 1, prompt_id: 1, prompt_name: "bench-summary", version: 1, prompt_template: template, metadata, commit_message: null, author_key_id: 1, created_at: "2026-01-01T00:00:00.000Z" }, labels: ["prod"] });
let shipped = 0, shippedBytes = 0;
const registry = async (input, init) => {
  if (String(input).includes("requests:batch")) { shipped++; shippedBytes += init.body.length; return new Response('{"results":[]}', { headers: { "content-type": "application/json" } }); }
  return new Response(templateText, { headers: { "content-type": "application/json" } });
};
const httpClient = { post: async () => ({ status: 200, statusText: "OK", headers: { "content-type": "application/json" }, text: async () => completionText, body: null }) };
const client = new Promptline({ apiKey: "k", baseURL: "http://registry", env: { OPENAI_API_KEY: "sk-bench-0123456789" }, fetch: registry, httpClient, flushOnExit: false, liveUpdates: false });
const params = { promptName: "bench-summary", promptReleaseLabel: "prod", inputVariables: { product: "Promptline", topic: "release labels" }, tags: ["bench"] };
for (let index = 0; index < 2000; index++) await client.run(params);
const cpu = process.cpuUsage();
const started = performance.now();
for (let index = 0; index < runs; index++) await client.run(params);
await client.flush();
const used = process.cpuUsage(cpu);
console.log(`${sdkDir ?? "this checkout"}: ${runs} runs: ${((used.user + used.system) / runs).toFixed(1)} µs CPU/run, ${((performance.now() - started) * 1000 / runs).toFixed(1)} µs wall/run; shipped ${shipped} batches, ${(shippedBytes / Math.max(1, shipped) / 100).toFixed(0)} bytes/record`);
await client.close();
