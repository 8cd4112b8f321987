import OpenAI from "openai";
import { Promptline } from "promptline";
import { apiKey, benchPrompt, benchVariables, freshDatabase, publishBenchPrompt, startBenchServer } from "../lib/harness.js";
import type { BenchContext } from "../lib/context.js";
import { ms, type ScenarioResult } from "../lib/report.js";
import { interleave, nowMs, ratio, summarize } from "../lib/stats.js";

const streamEvents = 200;
const streamText = Array.from({ length: streamEvents }, (_, index) => `word${index}`).join(" ");

/** Scenario 2: a 200-event stream, time to first and to last chunk, ours against the official SDK's stream. */
export async function streamingScenario(context: BenchContext): Promise<ScenarioResult> {
  const { fakes } = context;
  const database = await freshDatabase("sqlite");
  const server = await startBenchServer(database.url, context.serverExecArgv("streaming"));
  const providerEnv = fakes.ready.env;
  const ours = new Promptline({ apiKey, baseURL: server.url, env: providerEnv, flushOnExit: false });
  const openai = new OpenAI({ apiKey: providerEnv.OPENAI_API_KEY, baseURL: fakes.ready.openaiBaseURL });
  try {
    await publishBenchPrompt(server.url);
    const rounds = context.quick ? 60 : 400;
    const warmupRounds = context.quick ? 10 : 40;
    await fakes.call("reset");
    await fakes.call("queue", { provider: "openai", reply: { text: streamText, events: streamEvents }, count: 1 + (rounds + warmupRounds) * 2 });
    const runParams = { promptName: benchPrompt.prompt_name, promptReleaseLabel: "prod", inputVariables: benchVariables, tags: ["bench"], stream: true as const };
    let warmChunks = 0;
    for await (const _chunk of await ours.run(runParams)) warmChunks++;
    const sent = await fakes.call<{ body: Record<string, unknown> }>("lastRequest", "openai");
    const body = sent.body;
    context.log(`streaming: ${warmChunks} chunks per stream; ${warmupRounds} warm-up + ${rounds} rounds of 2 variants`);

    const samples = await interleave(
      [
        {
          name: "Promptline run({stream})",
          call: async (record) => {
            const started = nowMs();
            let first = true;
            for await (const _chunk of await ours.run(runParams)) {
              if (first) record("first", nowMs() - started);
              first = false;
            }
            record("last", nowMs() - started);
          },
        },
        {
          name: "openai SDK stream (direct)",
          call: async (record) => {
            const started = nowMs();
            let first = true;
            const stream = await openai.chat.completions.create({ ...(body as object), stream: true } as OpenAI.ChatCompletionCreateParamsStreaming);
            for await (const _chunk of stream) {
              if (first) record("first", nowMs() - started);
              first = false;
            }
            record("last", nowMs() - started);
          },
        },
      ],
      { warmupRounds, rounds },
    );
    await ours.flush({ timeoutMs: 30_000 });
    const left = await fakes.call<number>("queue", { provider: "openai", reply: {}, count: 0 });
    const byName = (name: string, metric: string) => summarize(samples.get(name)?.get(metric) ?? []);
    const names = [...samples.keys()];
    const sdkFirst = byName("openai SDK stream (direct)", "first");
    const sdkLast = byName("openai SDK stream (direct)", "last");
    const rows = names.map((variant) => {
      const first = byName(variant, "first");
      const last = byName(variant, "last");
      return {
        variant,
        n: first.n,
        "first p50 ms": ms(first.p50),
        "first p99 ms": ms(first.p99),
        "last p50 ms": ms(last.p50),
        "last p99 ms": ms(last.p99),
        "last mean ms": ms(last.mean),
        "first p50 vs SDK": ratio(first.p50, sdkFirst.p50),
        "last p50 vs SDK": ratio(last.p50, sdkLast.p50),
        "client CPU ms/stream": ms(byName(variant, "cpu").mean),
      };
    });
    const oursFirst = byName(names[0]!, "first");
    const oursLast = byName(names[0]!, "last");
    const cpu = ` (client CPU ${ms(byName(names[0]!, "cpu").mean)} vs ${ms(byName("openai SDK stream (direct)", "cpu").mean)} ms/stream)`;
    return {
      id: "streaming",
      title: `2. Streaming (${streamEvents} content events)`,
      rows,
      checks: [
        // Issue 20: no slower than the official SDK, to the first chunk and to the last.
        { target: "time to first chunk at most 1.00× the openai SDK (p50)", measured: `${ratio(oursFirst.p50, sdkFirst.p50)}×${cpu}`, met: oursFirst.p50 <= sdkFirst.p50 },
        { target: "time to last chunk at most 1.00× the openai SDK (p50)", measured: `${ratio(oursLast.p50, sdkLast.p50)}×${cpu}`, met: oursLast.p50 <= sdkLast.p50 },
      ],
      notes: [
        `Each of our streams yields ${warmChunks} chunks (content deltas plus the role, finish and usage events, plus our final chunk with the complete blueprint).`,
        ...(left === 0 ? [] : [`${left} scripted replies were left unused (expected 0).`]),
      ],
    };
  } finally {
    await ours.close({ timeoutMs: 5000 });
    await server.close();
    await database.drop();
  }
}
