import { Promptline } from "promptline";
import type { BenchContext } from "../lib/context.js";
import { apiKey, benchPrompt, benchVariables, freshDatabase, publishBenchPrompt, startBenchServer } from "../lib/harness.js";
import { ms, type ScenarioResult } from "../lib/report.js";
import { interleave, ratio, summarize } from "../lib/stats.js";

/**
 * Scenario 7: what a fallback costs. The primary (OpenAI) answers 500, the
 * fallback (Anthropic) answers. Interleaved: the failed attempt alone (the
 * run without fallbacks, which throws), the fallback's model alone, and the
 * chain. The chain should cost no more than the first two added up: the
 * fallback is prepared only after the failure, and nothing else is added.
 */
export async function fallbackCostScenario(context: BenchContext): Promise<ScenarioResult> {
  const { fakes } = context;
  const database = await freshDatabase("sqlite");
  const server = await startBenchServer(database.url, context.serverExecArgv("fallback"));
  // No retries and no breaker in the way: one failed request per failed attempt.
  const ours = new Promptline({
    apiKey,
    baseURL: server.url,
    env: fakes.ready.env,
    flushOnExit: false,
    providerOptions: { maxRetries: 0 },
    circuitBreaker: { failureThreshold: 1_000_000 },
  });
  const fallback = { provider: "anthropic", model: "claude-3-5-haiku-latest" };
  try {
    await publishBenchPrompt(server.url);
    const runParams = { promptName: benchPrompt.prompt_name, promptReleaseLabel: "prod", inputVariables: benchVariables, tags: ["bench"] };
    await ours.run(runParams); // fills the cache

    const rounds = context.quick ? 200 : 1000;
    const warmupRounds = context.quick ? 30 : 100;
    context.log(`fallback cost: ${warmupRounds} warm-up + ${rounds} rounds of 3 variants`);
    const samples = await interleave(
      [
        {
          name: "failed attempt alone (500, no fallback)",
          call: async () => {
            const failed = await ours.run({ ...runParams, fallbacks: [] }).then(
              () => false,
              () => true,
            );
            if (!failed) throw new Error("the primary was expected to fail");
          },
        },
        { name: "fallback model alone", call: async () => void (await ours.run({ ...runParams, ...fallback })) },
        { name: "chain: 500, then the fallback answers", call: async () => void (await ours.run({ ...runParams, fallbacks: [fallback] })) },
      ],
      {
        warmupRounds,
        rounds,
        // Two 500s per round: one for the failed attempt alone, one for the chain's first attempt.
        onRound: async (round) => {
          if (round % 500 === 0) await fakes.call("reset");
          await fakes.call("fault", { provider: "openai", fault: { status: 500 }, count: 2 });
        },
      },
    );
    await ours.flush({ timeoutMs: 30_000 });
    const summaries = new Map([...samples].map(([name, metrics]) => [name, summarize(metrics.get("total") ?? [])]));
    const failed = summaries.get("failed attempt alone (500, no fallback)")!;
    const alone = summaries.get("fallback model alone")!;
    const chain = summaries.get("chain: 500, then the fallback answers")!;
    const cpu = (name: string) => summarize(samples.get(name)?.get("cpu") ?? []).mean;
    const rows = [...summaries].map(([variant, summary]) => ({
      variant,
      n: summary.n,
      "p50 ms": ms(summary.p50),
      "p99 ms": ms(summary.p99),
      "mean ms": ms(summary.mean),
      "client CPU ms/call": ms(cpu(variant)),
    }));
    const [failedName, aloneName, chainName] = [...summaries.keys()] as [string, string, string];
    const sumCpu = cpu(failedName) + cpu(aloneName);
    const sumP50 = failed.p50 + alone.p50;
    const sumMean = failed.mean + alone.mean;
    return {
      id: "fallback",
      title: "7. A fallback's cost (primary 500, fallback answers)",
      rows,
      checks: [
        { target: "chain p50 ≤ failed attempt p50 + fallback alone p50", measured: `${ms(chain.p50)} ms vs ${ms(sumP50)} ms (${ratio(chain.p50, sumP50)}×)`, met: chain.p50 <= sumP50 },
        { target: "chain client CPU ≤ failed attempt CPU + fallback alone CPU", measured: `${ms(cpu(chainName))} ms vs ${ms(sumCpu)} ms (${ratio(cpu(chainName), sumCpu)}×)`, met: cpu(chainName) <= sumCpu },
        { target: "chain mean ≤ failed attempt mean + fallback alone mean", measured: `${ms(chain.mean)} ms vs ${ms(sumMean)} ms (${ratio(chain.mean, sumMean)}×)`, met: chain.mean <= sumMean },
      ],
      notes: ["maxRetries 0, so the failed attempt is one request; with retries the failed attempt costs its retries and backoff, and the chain adds exactly that."],
    };
  } finally {
    await ours.close({ timeoutMs: 5000 });
    await server.close();
    await database.drop();
  }
}
