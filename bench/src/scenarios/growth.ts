import { Agent } from "node:http";
import { createStorage } from "@promptline/server";
import { bulkLoadRequests, requestLogBytes } from "../lib/bulk-load.js";
import { apiKey, freshDatabase, startBenchServer } from "../lib/harness.js";
import type { BenchContext } from "../lib/context.js";
import { send } from "../lib/http-load.js";
import { logRecord } from "../lib/records.js";
import { ms, type Check, type Row, type ScenarioResult } from "../lib/report.js";
import { interleave, nowMs, ratio, summarize, type Summary } from "../lib/stats.js";

const seedChunk = 1000;
/** Rows stored through `insertMany` (the real ingestion path); the rest are copies made inside the database. */
const insertedRows = 10_000;
const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
const firstOfNextMonth = (at: Date) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
const filters = ["tag", "prompt", "by id"] as const;
type Filter = (typeof filters)[number];

/**
 * Scenario 5: the request log filtered by tag and by prompt, and one request
 * fetched by id (`GET /api/v1/requests/{id}`), at growing sizes, read over
 * HTTP from a server in its own process; and the server's RSS at each size
 * (scenario 6's "server holding 1M logged requests"). The first 10,000 rows
 * go through `insertMany`; the rest are bulk-loaded inside the database
 * (`lib/bulk-load.ts`), up to 10M rows on PostgreSQL.
 */
export async function growthScenario(context: BenchContext): Promise<ScenarioResult> {
  const sizesOf = (kind: "sqlite" | "postgres") =>
    context.quick ? [10_000, 100_000] : kind === "postgres" ? [10_000, 100_000, 1_000_000, 10_000_000] : [10_000, 100_000, 1_000_000];
  const queries = context.quick ? 100 : 300;
  const rows: Row[] = [];
  const checks: Check[] = [];
  const notes: string[] = [];
  for (const kind of context.databases) {
    const database = await freshDatabase(kind);
    let server = await startBenchServer(database.url, context.serverExecArgv(`growth-${kind}`));
    try {
      const idle = await server.child.call<{ rss: number }>("usage");
      notes.push(`${kind}: server RSS ${mib(idle.rss)} MiB when started on an empty database.`);
      const storage = await createStorage(database.url);
      const workspace = await storage.workspaces.getDefault();
      if (!workspace) throw new Error("no default workspace");
      let loaded = 0;
      let newest = new Date();
      const seedStarted = nowMs();
      while (loaded < insertedRows) {
        const records = Array.from({ length: seedChunk }, (_, index) => logRecord(loaded + index, loaded + index === 0 ? "growth-template" : undefined));
        await storage.requests.insertMany(workspace.id, records);
        loaded += seedChunk;
      }
      const insertRate = Math.round(insertedRows / ((nowMs() - seedStarted) / 1000));
      // One storage per SQLite file per process (storage/README.md): the bulk loader opens its own connection.
      await storage.close();

      const firstBySize: Array<{ size: number } & Record<Filter, Summary>> = [];
      for (const size of sizesOf(kind)) {
        let loadRate = insertRate;
        if (size > loaded) {
          context.log(`growth on ${kind}: bulk-loading ${(size - loaded).toLocaleString("en-US")} rows`);
          // Newer than everything before, so the newest page comes from the grown table; and in a month of its own,
          // as a log that grew over months is (on PostgreSQL a month without rows loads beside the table, lib/bulk-load.ts).
          const from = firstOfNextMonth(newest);
          const count = size - loaded;
          const bulk = await bulkLoadRequests(database.url, { workspaceId: workspace.id, templateRequestId: "growth-template", count, from, stepMs: 1, log: context.log });
          context.log(`growth on ${kind}: ${count.toLocaleString("en-US")} rows loaded at ${bulk.rowsPerSecond.toLocaleString("en-US")} rows/s`);
          loadRate = bulk.rowsPerSecond;
          loaded = size;
          newest = new Date(from.getTime() + count);
          // A fresh server: its caches and the database's statistics see the grown table.
          await server.close();
          server = await startBenchServer(database.url, context.serverExecArgv(`growth-${kind}-${size}`));
        }
        // A fresh socket per step: the server closes kept-alive sockets that idled through the bulk load.
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        const get = async (path: string) => {
          const answer = await send(agent, new URL(`${server.url}${path}`), "GET", { "x-api-key": apiKey }, undefined);
          if (answer.status !== 200) throw new Error(`${path}: HTTP ${answer.status} ${answer.text.slice(0, 200)}`);
          return JSON.parse(answer.text) as { items?: unknown[]; id?: number };
        };
        const page = async (path: string) => {
          const items = (await get(path)).items ?? [];
          if (items.length !== 50) throw new Error(`${path}: ${items.length} items, expected 50`);
        };
        let turn = 0;
        // Request numbers 1…loaded, spread over the whole table (golden-ratio stride: no two alike in a run).
        const someNumber = () => 1 + Math.floor(((turn++ * 0.6180339887) % 1) * loaded);
        context.log(`growth on ${kind}: ${queries} queries of each kind at ${size.toLocaleString("en-US")} rows`);
        const samples = await interleave(
          [
            { name: "tag", call: async () => page(`/api/v1/requests?tag=tag-${turn++ % 100}&limit=50`) },
            { name: "prompt", call: async () => page(`/api/v1/requests?prompt=prompt-${turn++ % 100}&limit=50`) },
            {
              name: "by id",
              call: async () => {
                const number = someNumber();
                if ((await get(`/api/v1/requests/${number}`)).id !== number) throw new Error(`request ${number} came back as another`);
              },
            },
          ],
          { warmupRounds: 20, rounds: queries },
        );
        agent.destroy();
        const summary = Object.fromEntries(filters.map((filter) => [filter, summarize(samples.get(filter)?.get("total") ?? [])])) as Record<Filter, Summary>;
        firstBySize.push({ size, ...summary });
        const usage = await server.child.call<{ rss: number }>("usage");
        // Sizing (docs/server.md): the request tables on disk over the rows they hold.
        const bytesPerRow = Math.round((await requestLogBytes(database.url)) / loaded);
        rows.push({
          variant: `${kind}: ${size.toLocaleString("en-US")} rows`,
          "by tag p50 ms": ms(summary.tag.p50),
          "by tag p99 ms": ms(summary.tag.p99),
          "by prompt p50 ms": ms(summary.prompt.p50),
          "by prompt p99 ms": ms(summary.prompt.p99),
          "by id p50 ms": ms(summary["by id"].p50),
          "by id p99 ms": ms(summary["by id"].p99),
          "load rows/s": loadRate,
          "server RSS MiB": mib(usage.rss),
          "disk bytes/row": bytesPerRow,
        });
      }
      const smallest = firstBySize[0]!;
      const largest = firstBySize.at(-1)!;
      for (const filter of filters) {
        const growth = ratio(largest[filter].p50, smallest[filter].p50);
        checks.push({
          target: `${kind}: ${filter === "by id" ? "GET /api/v1/requests/{id}" : `filter by ${filter}`} stays flat from ${smallest.size.toLocaleString("en-US")} to ${largest.size.toLocaleString("en-US")} rows (p50 within 1.5×)`,
          measured: `${growth}× (${ms(smallest[filter].p50)} → ${ms(largest[filter].p50)} ms)`,
          met: growth <= 1.5,
        });
      }
    } finally {
      await server.close();
      await database.drop();
    }
  }
  notes.push(
    `The first ${insertedRows.toLocaleString("en-US")} rows go through storage.requests.insertMany (1,000 a call, "load rows/s" of the first row); the rest are copies of one of them made inside the database (recursive CTE on SQLite, generate_series on PostgreSQL; lib/bulk-load.ts), each with its own id, number, time, prompt and tags. 100 prompts and 100 tags spread evenly, so each filter matches 1% of the log. Each filter asks for the newest page of 50 over HTTP; "by id" fetches one request by its number, spread over the whole table. "disk bytes/row": the request tables (PostgreSQL: every partition, request_key, indexes and TOAST; SQLite: the whole file after a checkpoint) over the rows; bulk-loaded indexes are built by sorting, denser than ones grown by ingestion.`,
  );
  return { id: "growth", title: "5. Cost of growth (request log queries)", rows, checks, notes };
}
