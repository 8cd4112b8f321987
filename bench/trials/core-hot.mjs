/* global console, process, URL */
// CPU µs per call of core's per-call work (the SDK's warm run() and the server's template fetch), old build against new.
// Usage: npx tsc -b packages/core && node bench/trials/core-hot.mjs [/path/to/old/core/dist] [filter]
// Keep an old build first: cp -r packages/core/dist /tmp/core-before && ln -sfn "$PWD/node_modules" /tmp/node_modules
// (the link lets the copy resolve zod and @huggingface/jinja). Two modes per function:
//   hot:         the call alone in a tight loop (best case, everything cached by the CPU);
//   interleaved: each call preceded by garbage allocation and 512 scattered reads over 4 MB (evicts caches),
//                minus the cost of that filler alone, measured in the same alternation.
// Alternates old/new/filler in rounds and reports medians of CPU time (process.cpuUsage), so load from others matters less.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const root = new URL("../../", import.meta.url);
const oldPath = process.argv[2] && process.argv[2] !== "-" ? resolve(process.argv[2]) : undefined;
const filter = process.argv[3];
const builds = { new: await import(new URL("packages/core/dist/index.js", root).href) };
if (oldPath) builds.old = await import(pathToFileURL(`${oldPath}/index.js`).href);

// Realistic inputs: bench/src/lib/harness.ts's benchPrompt and benchVariables, and core test fixtures.
const benchTemplate = {
  type: "chat",
  input_variables: ["product", "topic"],
  messages: [
    { role: "system", content: [{ type: "text", text: "You are a concise assistant for {product}. Answer in one sentence." }] },
    { role: "user", content: [{ type: "text", text: "Summarise {topic} for a new user." }] },
  ],
};
const benchMetadata = {
  model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 0.2, max_tokens: 256 }, api_type: "chat-completions" },
};
const benchVariables = { product: "Promptline", topic: "release labels" };
const jinjaTemplate = {
  type: "chat",
  input_variables: ["messages", "name"],
  messages: [
    { role: "system", content: [{ type: "text", text: "Hello {{ name | title }}!" }], template_format: "jinja2" },
    {
      role: "user",
      content: [{ type: "text", text: "{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}" }],
      template_format: "jinja2",
    },
  ],
};
const jinjaVariables = {
  name: "ada lovelace",
  messages: [
    { role: "user", content: "hi" },
    { role: "assistant", content: "hello" },
  ],
};
const jinjaOptional = {
  type: "completion",
  template_format: "jinja2",
  content: [{ type: "text", text: "Hello {{ name }}{% if title %}, {{ title }}{% endif %}. {{ signature | default('') }}" }],
};
/** A bigger jinja2 render (a loop of 200 messages with filters): where a per-step cost of the render budget would show. */
const jinjaLoop = {
  type: "completion",
  template_format: "jinja2",
  content: [{ type: "text", text: "{% for m in messages %}{{ loop.index }}. {{ m.role | upper }}: {{ m.content ~ '!' }}\n{% endfor %}" }],
};
const jinjaLoopVariables = { messages: Array.from({ length: 200 }, (_, index) => ({ role: index % 2 ? "assistant" : "user", content: `message ${index}` })) };
const completion = {
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1,
  model: "gpt-4o-mini",
  choices: [{ index: 0, message: { role: "assistant", content: "Echo: hi" }, finish_reason: "stop" }],
  usage: { prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 },
};
const random = new Uint8Array(10).fill(0xa7);
const noSnippets = () => {
  throw new Error("no snippet expected");
};

/** The calls to time, for one build. */
function calls(core) {
  const prepared = core.prepareRequest({ template: benchTemplate, metadata: benchMetadata, variables: benchVariables });
  return {
    "renderTemplate f-string strict (SDK)": () => core.renderTemplate(benchTemplate, benchVariables),
    "renderTemplate f-string compatible (server)": () => core.renderTemplate(benchTemplate, benchVariables, { mode: "compatible" }),
    "renderTemplate jinja2 strict": () => core.renderTemplate(jinjaTemplate, jinjaVariables),
    "renderTemplate jinja2 compatible, 2 unset names (server)": () =>
      core.renderTemplate(jinjaOptional, { name: "ada" }, { mode: "compatible" }),
    "renderTemplate jinja2 loop of 200 (render budget per step)": () => core.renderTemplate(jinjaLoop, jinjaLoopVariables, { mode: "compatible" }),
    "expandSnippets, none (server)": () => core.expandSnippets(benchTemplate, noSnippets),
    "resolveModelSettings, no override": () => core.resolveModelSettings(benchMetadata.model, {}),
    uuidv7: () => core.uuidv7(1_700_000_000_123, random),
    buildBlueprint: () =>
      core.buildBlueprint({ codec: prepared.codec, kwargs: prepared.kwargs, response: completion, provider: "openai", apiType: "chat-completions" }),
    "prepareRequest (SDK)": () => core.prepareRequest({ template: benchTemplate, metadata: benchMetadata, variables: benchVariables }),
    "server template path": async () => {
      const expanded = await core.expandSnippets(benchTemplate, noSnippets);
      const rendered = core.renderTemplate(expanded, benchVariables, { mode: "compatible" });
      return core.prepareRequest({ template: rendered, metadata: benchMetadata, skipRendering: true });
    },
  };
}

// ---- filler for the interleaved mode ----------------------------------------
const big = new Int32Array(1 << 20); // 4 MB
let sink = 0;
let walk = 0;
function filler() {
  const garbage = [];
  for (let index = 0; index < 40; index++) garbage.push({ index, text: `g${index}`, list: [index, index + 1] });
  for (let index = 0; index < 512; index++) {
    walk = (walk + 1031 * 16) & ((1 << 20) - 1);
    sink += big[walk];
  }
  sink += garbage.length;
}

const isPromise = (value) => typeof value?.then === "function";

/** CPU µs for `count` iterations of `fn` (async-aware: awaits only when fn returns a promise). */
async function cpuOf(fn, count, withFiller) {
  const start = process.cpuUsage();
  for (let index = 0; index < count; index++) {
    if (withFiller) filler();
    const result = fn?.();
    if (isPromise(result)) await result;
  }
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function measure(name, variants, mode) {
  const withFiller = mode === "interleaved";
  // CORE_HOT_SCALE=0.05 for slow calls (the 200-item loop), so a round stays short.
  const scale = Number(process.env.CORE_HOT_SCALE ?? 1);
  const count = Math.max(10, Math.round((withFiller ? 1_000 : 20_000) * scale));
  const rounds = withFiller ? 25 : 9;
  const samples = Object.fromEntries(Object.keys(variants).map((key) => [key, []]));
  const fillerSamples = [];
  for (const fn of Object.values(variants)) await cpuOf(fn, count, withFiller); // warm up
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? Object.keys(variants) : Object.keys(variants).reverse();
    for (const key of order) samples[key].push((await cpuOf(variants[key], count, withFiller)) / count);
    if (withFiller) fillerSamples.push((await cpuOf(undefined, count, true)) / count);
  }
  const base = withFiller ? median(fillerSamples) : 0;
  const cells = Object.keys(variants).map((key) => `${key} ${(median(samples[key]) - base).toFixed(2).padStart(7)}`);
  const filled = withFiller ? ` (filler ${base.toFixed(1)} µs subtracted)` : "";
  console.log(`${mode.padEnd(11)} ${name.padEnd(58)} ${cells.join("  ")} µs/call${filled}`);
}

const perBuild = Object.fromEntries(Object.entries(builds).map(([key, core]) => [key, calls(core)]));
const names = Object.keys(perBuild.new).filter((name) => !filter || name.includes(filter));
for (const mode of ["hot", "interleaved"]) {
  for (const name of names) {
    await measure(name, Object.fromEntries(Object.entries(perBuild).map(([key, fns]) => [key, fns[name]])), mode);
  }
}
if (sink === 0.5) console.log(sink);
