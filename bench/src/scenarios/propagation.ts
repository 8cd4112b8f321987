import { Promptline } from "promptline";
import { apiKey, benchPrompt, benchVariables, freshDatabase, publishBenchPrompt, startBenchServer } from "../lib/harness.js";
import type { BenchContext } from "../lib/context.js";
import { ms, type Row, type ScenarioResult } from "../lib/report.js";
import { summarize } from "../lib/stats.js";

/**
 * Propagation latency (issue 17, decision 0008): how long after a label move
 * is acknowledged (the PUT's answer) a running SDK client — an hour of cache
 * TTL, live channel on — serves the new version. Two server instances on one
 * database: the move goes through A, the client talks to B (the case a load
 * balancer makes). The client runs the prompt in a loop (each run a call to
 * the fake provider, ~1 ms), so the resolution is about one run.
 */
export async function propagationScenario(context: BenchContext): Promise<ScenarioResult> {
  const kinds: ("sqlite" | "postgres")[] = context.postgres ? ["sqlite", "postgres"] : ["sqlite"];
  const moves = context.quick ? 20 : 100;
  const rows: Row[] = [];
  let worstP99 = 0;
  for (const kind of kinds) {
    const database = await freshDatabase(kind);
    const a = await startBenchServer(database.url, context.serverExecArgv(`propagation-${kind}-a`));
    const b = await startBenchServer(database.url, context.serverExecArgv(`propagation-${kind}-b`));
    const client = new Promptline({ apiKey, baseURL: b.url, env: context.fakes.ready.env, flushOnExit: false, cacheTtlSeconds: 3600, logging: { flushIntervalMs: 60_000 } });
    try {
      await publishBenchPrompt(a.url);
      // A second version that says which one it is in its system message.
      const second = structuredClone(benchPrompt);
      second.prompt_template.messages[0]!.content[0]!.text = "You are a concise assistant for {product}. Answer in one short sentence.";
      await publishBenchPrompt(a.url, { ...second, release_labels: [] });
      const servedVersion = async () => {
        const result = await client.run({ promptName: benchPrompt.prompt_name, promptReleaseLabel: "prod", inputVariables: benchVariables });
        const system = (result.prompt_blueprint.prompt_template as { messages: { content: { text?: string }[] }[] }).messages[0]!.content[0]!.text ?? "";
        return system.includes("short sentence") ? 2 : 1;
      };
      await servedVersion();
      // The channel's first answer.
      for (let waited = 0; (client.stats().liveUpdates?.polls ?? 0) < 1; waited += 10) {
        if (waited > 10_000) throw new Error("the live channel never connected");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      context.log(`propagation (${kind}): ${moves} label moves through instance A, client on instance B`);
      const latencies: number[] = [];
      let fetchesBefore = client.stats().templateFetches;
      let target = 2;
      for (let move = 0; move < moves; move++) {
        const response = await fetch(`${a.url}/api/v1/prompts/${benchPrompt.prompt_name}/labels/prod`, {
          method: "PUT",
          headers: { "x-api-key": apiKey, "content-type": "application/json" },
          body: JSON.stringify({ version: target }),
        });
        if (!response.ok) throw new Error(`label move: ${response.status} ${await response.text()}`);
        const acknowledged = performance.now();
        while ((await servedVersion()) !== target) {
          if (performance.now() - acknowledged > 10_000) throw new Error(`still the old version 10 s after move ${move}`);
        }
        latencies.push(performance.now() - acknowledged);
        target = target === 2 ? 1 : 2;
        // Settle between moves so one move's refresh doesn't overlap the next.
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const summary = summarize(latencies);
      worstP99 = Math.max(worstP99, summary.p99);
      const fetches = client.stats().templateFetches - fetchesBefore;
      fetchesBefore = client.stats().templateFetches;
      rows.push({
        variant: `${kind}, move through A, client on B`,
        moves: summary.n,
        "p50 ms": ms(summary.p50),
        "p99 ms": ms(summary.p99),
        "max ms": ms(summary.max),
        "template fetches per move": Math.round((fetches / moves) * 100) / 100,
      });
    } finally {
      await client.close({ timeoutMs: 2000 });
      await a.close();
      await b.close();
      await database.drop();
    }
  }
  return {
    id: "propagation",
    title: "Propagation: a label move reaching a running SDK client (cacheTtlSeconds 3600, live channel on)",
    rows,
    checks: [{ target: "p99 under 2 s", measured: `${ms(worstP99)} ms`, met: worstP99 < 2000 }],
    notes: [
      "From the PUT's answer to the first run() that serves the new version. The server polls the workspace's registry revision every 150 ms and answers the client's long poll; the client then refetches its cached entries in the background.",
    ],
  };
}
