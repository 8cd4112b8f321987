/* global process, console, fetch, Buffer */
// Which HTTP client should carry provider calls? One POST of a chat completion to a loopback
// server in a child process, interleaved: global fetch, node:http with a keep-alive Agent,
// undici Pool.request, undici Agent.request (the dispatcher the SDK would use).
//   node bench/trials/http-clients.mjs [--rounds=3000] [--warmup=300]
import { fork } from "node:child_process";
import http, { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { Agent, Pool } from "undici";

const completion = JSON.stringify({
  id: "chatcmpl-bench", object: "chat.completion", created: 1700000000, model: "gpt-4o-mini",
  choices: [{ index: 0, message: { role: "assistant", content: "Release labels point a name like prod at one version of a prompt.", refusal: null }, logprobs: null, finish_reason: "stop" }],
  usage: { prompt_tokens: 31, completion_tokens: 14, total_tokens: 45 },
});
const body = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "system", content: "You are a concise assistant." }, { role: "user", content: "Summarise release labels." }], temperature: 0.2, max_tokens: 256 });

if (process.argv[2] === "--child") {
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => { response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(completion) }); response.end(completion); });
  });
  server.listen(0, "127.0.0.1", () => process.send(`http://127.0.0.1:${server.address().port}`));
} else {
  const arg = (name, fallback) => process.argv.find((value) => value.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;
  const rounds = Number(arg("rounds", 3000));
  const warmup = Number(arg("warmup", 300));
  const child = fork(fileURLToPath(import.meta.url), ["--child"]);
  const origin = await new Promise((resolve) => child.once("message", resolve));
  const url = `${origin}/v1/chat/completions`;
  const headers = { authorization: "Bearer sk-bench", "content-type": "application/json", accept: "application/json" };
  const keepAlive = new http.Agent({ keepAlive: true });
  const pool = new Pool(origin);
  const agent = new Agent();
  const variants = {
    fetch: async () => { const r = await fetch(url, { method: "POST", headers, body }); JSON.parse(await r.text()); },
    "node:http keep-alive": () => new Promise((resolve, reject) => {
      const request = http.request(url, { method: "POST", headers: { ...headers, "content-length": Buffer.byteLength(body) }, agent: keepAlive }, (response) => {
        const parts = []; response.on("data", (part) => parts.push(part)); response.on("end", () => { JSON.parse(Buffer.concat(parts).toString()); resolve(); }); response.on("error", reject);
      });
      request.on("error", reject); request.end(body);
    }),
    "undici Pool.request": async () => { const r = await pool.request({ path: "/v1/chat/completions", method: "POST", headers, body }); JSON.parse(await r.body.text()); },
    "undici Agent.request": async () => { const r = await agent.request({ origin, path: "/v1/chat/completions", method: "POST", headers, body }); JSON.parse(await r.body.text()); },
  };
  const names = Object.keys(variants);
  const samples = Object.fromEntries(names.map((name) => [name, { wall: [], cpu: [] }]));
  for (let round = 0; round < warmup + rounds; round++) {
    for (let offset = 0; offset < names.length; offset++) {
      const name = names[(round + offset) % names.length];
      const cpu0 = process.cpuUsage(); const t0 = process.hrtime.bigint();
      await variants[name]();
      const wall = Number(process.hrtime.bigint() - t0) / 1e3; const cpu = process.cpuUsage(cpu0);
      if (round >= warmup) { samples[name].wall.push(wall); samples[name].cpu.push(cpu.user + cpu.system); }
    }
  }
  const pct = (values, p) => { const s = [...values].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]; };
  const base = pct(samples.fetch.wall, 50);
  for (const name of names) {
    const { wall, cpu } = samples[name];
    console.log(`${name.padEnd(22)} p50 ${pct(wall, 50).toFixed(0).padStart(5)} µs  p99 ${pct(wall, 99).toFixed(0).padStart(6)} µs  ${(pct(wall, 50) / base).toFixed(2)}× fetch  CPU ${(cpu.reduce((a, b) => a + b, 0) / cpu.length).toFixed(0)} µs/call`);
  }
  await pool.close(); await agent.close(); keepAlive.destroy(); child.kill();
}
