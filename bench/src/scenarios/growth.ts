import { Agent } from "node:http";
import { createStorage } from "@promptline/server";
import { apiKey, freshDatabase, startBenchServer } from "../lib/harness.js";
import type { BenchContext } from "../lib/context.js";
import { send } from "../lib/http-load.js";
import { logRecord } from "../lib/records.js";
import { ms, type Check, type Row, type ScenarioResult } from "../lib/report.js";
import { interleave, nowMs, ratio, summarize, type Summary } from "../lib/stats.js";

const seedChunk = 1000;
const mib = (bytes: number) => Math.round(bytes / 2 ** 20);

/**
 * Scenario 5: the request log filtered by tag and by prompt at growing sizes
 * (bulk-loaded through `insertMany`), read over HTTP from a server in its own
 * process; and the server's RSS at each size (scenario 6's "server holding 1M
 * logged requests").
 */
export async function growthScenario(context: BenchContext): Promise<ScenarioResult> {
  const sizes = context.quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
  const queries = context.quick ? 100 : 300;
  const rows: Row[] = [];
  const checks: Check[] = [];
  const notes: string[] = [];
  for (const kind of context.postgres ? (["sqlite", "postgres"] as const) : (["sqlite"] as const)) {
    const database = await freshDatabase(kind);
    const server = await startBenchServer(database.url, context.serverExecArgv(`growth-${kind}`));
    const storage = await createStorage(database.url);
    try {
      const idle = await server.child.call<{ rss: number }>("usage");
      notes.push(`${kind}: server RSS ${mib(idle.rss)} MiB when started on an empty database.`);
      const workspace = await storage.workspaces.getDefault();
      if (!workspace) throw new Error("no default workspace");
      const firstBySize: Array<{ size: number; tag: Summary; prompt: Summary }> = [];
      let loaded = 0;
      for (const size of sizes) {
        context.log(`growth on ${kind}: loading ${(size - loaded).toLocaleString("en-US")} rows`);
        const seedStarted = nowMs();
        const seedFrom = loaded;
        while (loaded < size) {
          const count = Math.min(seedChunk, size - loaded);
          const records = Array.from({ length: count }, (_, index) => logRecord(loaded + index));
          await storage.requests.insertMany(workspace.id, records);
          loaded += count;
        }
        const seedRate = Math.round((loaded - seedFrom) / ((nowMs() - seedStarted) / 1000));
        // A fresh socket per step: the server closes kept-alive sockets that idled through the bulk load.
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        const query = async (path: string) => {
          const answer = await send(agent, new URL(`${server.url}${path}`), "GET", { "x-api-key": apiKey }, undefined);
          if (answer.status !== 200) throw new Error(`${path}: HTTP ${answer.status} ${answer.text.slice(0, 200)}`);
          const page = JSON.parse(answer.text) as { items: unknown[] };
          if (page.items.length !== 50) throw new Error(`${path}: ${page.items.length} items, expected 50`);
        };
        let turn = 0;
        context.log(`growth on ${kind}: ${queries} queries of each filter at ${size.toLocaleString("en-US")} rows`);
        const samples = await interleave(
          [
            { name: "tag", call: async () => query(`/api/v1/requests?tag=tag-${turn++ % 100}&limit=50`) },
            { name: "prompt", call: async () => query(`/api/v1/requests?prompt=prompt-${turn++ % 100}&limit=50`) },
          ],
          { warmupRounds: 20, rounds: queries },
        );
        agent.destroy();
        const tag = summarize(samples.get("tag")?.get("total") ?? []);
        const prompt = summarize(samples.get("prompt")?.get("total") ?? []);
        firstBySize.push({ size, tag, prompt });
        const usage = await server.child.call<{ rss: number }>("usage");
        rows.push({
          variant: `${kind}: ${size.toLocaleString("en-US")} rows`,
          "by tag p50 ms": ms(tag.p50),
          "by tag p99 ms": ms(tag.p99),
          "by prompt p50 ms": ms(prompt.p50),
          "by prompt p99 ms": ms(prompt.p99),
          "bulk load rows/s": seedRate,
          "server RSS MiB": mib(usage.rss),
        });
      }
      const smallest = firstBySize[0]!;
      const largest = firstBySize.at(-1)!;
      for (const filter of ["tag", "prompt"] as const) {
        const growth = ratio(largest[filter].p50, smallest[filter].p50);
        checks.push({
          target: `${kind}: filter by ${filter} stays flat from ${smallest.size.toLocaleString("en-US")} to ${largest.size.toLocaleString("en-US")} rows (p50 within 1.5×)`,
          measured: `${growth}× (${ms(smallest[filter].p50)} → ${ms(largest[filter].p50)} ms)`,
          met: growth <= 1.5,
        });
      }
    } finally {
      await storage.close();
      await server.close();
      await database.drop();
    }
  }
  notes.push(
    "Rows are bulk-loaded through storage.requests.insertMany (1,000 a call) from the benchmark process; 100 prompts and 100 tags spread evenly, so each filter matches 1% of the log. Each query asks for the newest page of 50 over HTTP.",
  );
  return { id: "growth", title: "5. Cost of growth (request log queries)", rows, checks, notes };
}
