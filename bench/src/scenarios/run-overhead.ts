import { createRequire } from "node:module";
import OpenAI from "openai";
import type * as PromptLayerModule from "promptlayer";
import { fetchHttpClient, Promptline } from "promptline";
import { Agent } from "undici";
import { apiKey, benchPrompt, benchVariables, freshDatabase, publishBenchPrompt, startBenchServer } from "../lib/harness.js";
import type { BenchContext } from "../lib/context.js";
import { ms, type ScenarioResult } from "../lib/report.js";
import { interleave, ratio, summarize } from "../lib/stats.js";

// promptlayer@1.3.6's ESM build does `require("openai")` at call time, which ESM can't: load its CommonJS build, as a CommonJS app would.
const { PromptLayer } = createRequire(import.meta.url)("promptlayer") as typeof PromptLayerModule;

/**
 * Scenario 1: one non-streaming call. Our `run()` (warm cache, logging on)
 * against the same provider request sent with `fetch`, with a raw request on
 * the HTTP client `run()` itself uses (undici's `Agent.request`, decision
 * 0016: the floor), and with the official `openai` SDK, and against
 * PromptLayer's `run()` on our server. `run()` over the global `fetch`
 * (`httpClient: fetchHttpClient()`, the transport before 0016) runs alongside.
 */
export async function runOverheadScenario(context: BenchContext): Promise<ScenarioResult> {
  const { fakes } = context;
  const database = await freshDatabase("sqlite");
  const server = await startBenchServer(database.url, context.serverExecArgv("run-overhead"));
  const providerEnv = fakes.ready.env;
  // PromptLayer's SDK builds its own OpenAI client from process.env.
  Object.assign(process.env, { OPENAI_API_KEY: providerEnv.OPENAI_API_KEY, OPENAI_BASE_URL: providerEnv.OPENAI_BASE_URL });
  const ours = new Promptline({ apiKey, baseURL: server.url, env: providerEnv, flushOnExit: false });
  const oursOverFetch = new Promptline({ apiKey, baseURL: server.url, env: providerEnv, flushOnExit: false, httpClient: fetchHttpClient() });
  const undici = new Agent();
  const openai = new OpenAI({ apiKey: providerEnv.OPENAI_API_KEY, baseURL: fakes.ready.openaiBaseURL });
  const promptLayer = new PromptLayer({ apiKey, baseURL: server.url });
  try {
    await publishBenchPrompt(server.url);
    const runParams = { promptName: benchPrompt.prompt_name, promptReleaseLabel: "prod", inputVariables: benchVariables, tags: ["bench"] };
    await ours.run(runParams); // fills the cache
    await oursOverFetch.run(runParams);
    // The direct variants send exactly the body our run() sent.
    const sent = await fakes.call<{ body: Record<string, unknown>; headers: Record<string, string> }>("lastRequest", "openai");
    const body = sent.body;
    const url = `${fakes.ready.openaiBaseURL}/chat/completions`;
    const { origin, pathname } = new URL(url);
    const headers = { authorization: `Bearer ${providerEnv.OPENAI_API_KEY}`, "content-type": "application/json" };

    const rounds = context.quick ? 300 : 2000;
    const warmupRounds = context.quick ? 50 : 200;
    context.log(`run overhead: ${warmupRounds} warm-up + ${rounds} rounds of 6 variants`);
    const samples = await interleave(
      [
        { name: "Promptline run()", call: async () => void (await ours.run(runParams)) },
        {
          name: "fetch (direct)",
          call: async () => {
            const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
            if (!response.ok) throw new Error(`fetch: ${response.status}`);
            await response.json();
          },
        },
        {
          name: "undici request (direct)",
          call: async () => {
            const response = await undici.request({ origin, path: pathname, method: "POST", headers, body: JSON.stringify(body) });
            if (response.statusCode !== 200) throw new Error(`undici: ${response.statusCode}`);
            await response.body.json();
          },
        },
        { name: "Promptline run() over fetch", call: async () => void (await oursOverFetch.run(runParams)) },
        { name: "openai SDK (direct)", call: async () => void (await openai.chat.completions.create(body as never)) },
        {
          name: "PromptLayer SDK run()",
          call: async () => void (await promptLayer.run({ promptName: benchPrompt.prompt_name, promptReleaseLabel: "prod", inputVariables: benchVariables, tags: ["bench"] })),
        },
      ],
      { warmupRounds, rounds, onRound: async (round) => void (round % 500 === 0 && (await fakes.call("reset"))) },
    );
    const flushed = await ours.flush({ timeoutMs: 30_000 });
    await oursOverFetch.flush({ timeoutMs: 30_000 });
    const stats = ours.stats();

    const summaries = new Map([...samples].map(([name, metrics]) => [name, summarize(metrics.get("total") ?? [])]));
    const cpuMean = (name: string) => summarize(samples.get(name)?.get("cpu") ?? []).mean;
    const ourRun = summaries.get("Promptline run()")!;
    const direct = summaries.get("fetch (direct)")!;
    const raw = summaries.get("undici request (direct)")!;
    const overFetch = summaries.get("Promptline run() over fetch")!;
    const sdk = summaries.get("openai SDK (direct)")!;
    const pl = summaries.get("PromptLayer SDK run()")!;
    /** The client CPU per call of ours and of the variant compared, next to a ratio. */
    const cpu = (other: string) => ` (client CPU ${ms(cpuMean("Promptline run()"))} vs ${ms(cpuMean(other))} ms/call)`;
    const rows = [...summaries].map(([variant, summary]) => ({
      variant,
      n: summary.n,
      "p50 ms": ms(summary.p50),
      "p99 ms": ms(summary.p99),
      "mean ms": ms(summary.mean),
      "p50 vs fetch": ratio(summary.p50, direct.p50),
      "p99 vs fetch": ratio(summary.p99, direct.p99),
      "p50 vs raw": ratio(summary.p50, raw.p50),
      "client CPU ms/call": ms(cpuMean(variant)),
    }));
    return {
      id: "run-overhead",
      title: "1. run() overhead (non-streaming, warm cache, logging on)",
      rows,
      checks: [
        // Issue 20: faster than the call a user would write with fetch, and within 15 % of the raw request on our own HTTP client.
        { target: "p50 at most 1.00× the direct fetch call", measured: `${ratio(ourRun.p50, direct.p50)}×${cpu("fetch (direct)")}`, met: ourRun.p50 <= direct.p50 },
        { target: "p99 within 1.2× of the direct fetch call", measured: `${ratio(ourRun.p99, direct.p99)}×`, met: ourRun.p99 <= direct.p99 * 1.2 },
        { target: "p50 within 1.15× of a raw request on the same HTTP client (undici)", measured: `${ratio(ourRun.p50, raw.p50)}×${cpu("undici request (direct)")}`, met: ourRun.p50 <= raw.p50 * 1.15 },
        { target: "p99 within 1.2× of a raw request on the same HTTP client (undici)", measured: `${ratio(ourRun.p99, raw.p99)}×`, met: ourRun.p99 <= raw.p99 * 1.2 },
        { target: "p50 at most 1.00× the direct openai SDK call", measured: `${ratio(ourRun.p50, sdk.p50)}×${cpu("openai SDK (direct)")}`, met: ourRun.p50 <= sdk.p50 },
        { target: "at least 2.5× faster than PromptLayer's run() (p50)", measured: `${ratio(pl.p50, ourRun.p50)}×`, met: pl.p50 >= ourRun.p50 * 2.5 },
      ],
      notes: [
        `run() over the global fetch (the transport before decision 0016): p50 ${ratio(overFetch.p50, direct.p50)}× the direct fetch call, ${ratio(ourRun.p50, overFetch.p50)}× for run() on undici against it.`,
        `Our logs: ${stats.delivered ?? "?"} delivered, ${stats.dropped ?? "?"} dropped, ${flushed.pending ?? 0} pending after flush; ${stats.templateFetches} template fetch(es) in ${ourRun.n + 1 + warmupRounds} runs.`,
        "client CPU ms/call: CPU time of the benchmark process during the call (mean); the fake provider and the server run in other processes. Our log shipper's background work is charged to whichever call is running when it fires.",
        "PromptLayer's run() uses its defaults (cacheTtlSeconds 0): template fetch and /track-request on every call, both to our server in another process.",
      ],
    };
  } finally {
    await ours.close({ timeoutMs: 5000 });
    await oursOverFetch.close({ timeoutMs: 5000 });
    await undici.close();
    await server.close();
    await database.drop();
  }
}
