/* global process, console, performance, Buffer, AbortController, setTimeout, clearTimeout */
// What do the options of one undici Agent.request cost? The floor of run() (issue 20 §1) is a raw
// request with a string body, a headers object and no signal; the transport adds a signal and a
// timer per attempt. Interleaved in one process, against a bare node:http child:
//   node bench/trials/undici-options.mjs [--rounds=3000] [--warmup=300]
import { fork } from "node:child_process";
import { EventEmitter } from "node:events";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";

const completionText = JSON.stringify({
  id: "chatcmpl-bench", object: "chat.completion", created: 1700000000, model: "gpt-4o-mini",
  choices: [{ index: 0, message: { role: "assistant", content: "Release labels point a name like prod at one version of a prompt.", refusal: null }, logprobs: null, finish_reason: "stop" }],
  usage: { prompt_tokens: 31, completion_tokens: 14, total_tokens: 45 },
});

if (process.argv[2] === "--child") {
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(completionText) });
      response.end(completionText);
    });
  });
  server.listen(0, "127.0.0.1", () => process.send({ port: server.address().port }));
} else {
  const arg = (name, fallback) => Number(process.argv.find((value) => value.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
  const rounds = arg("rounds", 3000), warmup = arg("warmup", 300);
  const child = fork(fileURLToPath(import.meta.url), ["--child"], { stdio: "inherit" });
  const { port } = await new Promise((resolve) => child.once("message", resolve));
  const { Agent } = await import("undici");
  const agent = new Agent();
  const origin = `http://127.0.0.1:${port}`;
  const body = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "system", content: "You are a concise assistant for Promptline. Answer in one sentence." }, { role: "user", content: "Summarise release labels for a new user." }], temperature: 0.2, max_tokens: 256 });
  const headers = { authorization: "Bearer sk-bench-0123456789", "content-type": "application/json", accept: "application/json" };
  const headerArray = Object.entries(headers).flat();
  const send = async (options) => {
    const response = await agent.request({ origin, path: "/v1/chat/completions", method: "POST", ...options });
    JSON.parse(await response.body.text());
  };
  const variants = {
    "string body (floor)": () => send({ headers, body }),
    "Buffer body": () => send({ headers, body: Buffer.from(body) }),
    "headers as array": () => send({ headers: headerArray, body }),
    "+ timer": async () => {
      const timer = setTimeout(() => {}, 600_000);
      await send({ headers, body });
      clearTimeout(timer);
    },
    "+ AbortController unused": () => { new AbortController(); return send({ headers, body }); },
    "+ AbortController, listener added and removed": async () => {
      const controller = new AbortController();
      const listener = () => {};
      controller.signal.addEventListener("abort", listener, { once: true });
      await send({ headers, body });
      controller.signal.removeEventListener("abort", listener);
    },
    "+ EventEmitter signal": () => send({ headers, body, signal: new EventEmitter() }),
    "+ AbortController": () => send({ headers, body, signal: new AbortController().signal }),
    "+ AbortController + timer": async () => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 600_000);
      await send({ headers, body, signal: controller.signal });
      clearTimeout(timer);
    },
  };
  const entries = Object.entries(variants);
  const samples = new Map(entries.map(([name]) => [name, { cpu: [], wall: [] }]));
  for (let round = 0; round < warmup + rounds; round++) {
    for (let offset = 0; offset < entries.length; offset++) {
      const [name, call] = entries[(round + offset) % entries.length];
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      await call();
      const wall = (performance.now() - started) * 1000;
      const cpu = process.cpuUsage(cpuBefore);
      if (round < warmup) continue;
      samples.get(name).wall.push(wall);
      samples.get(name).cpu.push(cpu.user + cpu.system);
    }
  }
  const sorted = (values) => [...values].sort((a, b) => a - b);
  const at = (values, p) => values[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];
  const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
  console.log(`rounds ${rounds} (+${warmup} warm-up), node ${process.version}`);
  console.log("variant".padEnd(28), "cpu µs mean".padStart(12), "wall p50 µs".padStart(12), "wall p99 µs".padStart(12));
  for (const [name, sample] of samples) {
    const wall = sorted(sample.wall);
    console.log(name.padEnd(28), mean(sample.cpu).toFixed(0).padStart(12), at(wall, 50).toFixed(0).padStart(12), at(wall, 99).toFixed(0).padStart(12));
  }
  await agent.close();
  child.kill();
}
