import { createStorage } from "@promptline/server";
import { bulkLoadRequests, requestLogBytes } from "../lib/bulk-load.js";
import { apiKey, childCpu, freshDatabase, startBenchServer } from "../lib/harness.js";
import type { BenchContext } from "../lib/context.js";
import { runLoad, type LoadResult } from "../lib/http-load.js";
import { batchBodyFactory, logRecord } from "../lib/records.js";
import { ms, type Check, type Row, type ScenarioResult } from "../lib/report.js";
import { ratio } from "../lib/stats.js";

const batchSize = 100;
const batchClients = 8;
const retentionDays = 30;

interface SweepProgress {
  requests: number;
  spans: number;
  sweeping: boolean;
}

/**
 * Issue 20 §3: log ingestion (`requests:batch`, as the ingestion scenario
 * loads it) on a log holding `expired` rows older than the retention, first
 * with the sweep idle, then while the background sweep deletes them. The
 * sweep is started by a call to the server's process, so both windows run on
 * the same server, database and rows.
 */
export async function retentionScenario(context: BenchContext): Promise<ScenarioResult> {
  const expired = context.quick ? 100_000 : 1_000_000;
  const timing = context.quick ? { warmupMs: 1000, durationMs: 4000 } : { warmupMs: 2000, durationMs: 15_000 };
  const rows: Row[] = [];
  const checks: Check[] = [];
  const notes: string[] = [];
  for (const kind of context.postgres ? (["sqlite", "postgres"] as const) : (["sqlite"] as const)) {
    const database = await freshDatabase(kind);
    try {
      const storage = await createStorage(database.url);
      const workspace = await storage.workspaces.ensureDefault();
      await storage.requests.insertMany(workspace.id, [logRecord(0, "bulk-template")]);
      await storage.close();
      context.log(`retention on ${kind}: bulk-loading ${expired.toLocaleString("en-US")} expired rows`);
      const load = await bulkLoadRequests(database.url, {
        workspaceId: workspace.id,
        templateRequestId: "bulk-template",
        count: expired,
        from: new Date("2020-01-01T00:00:00.000Z"),
        stepMs: 10,
      });
      const bytes = await requestLogBytes(database.url);
      notes.push(
        `${kind}: ${expired.toLocaleString("en-US")} expired rows (each with 2 tags and 1 metadata row) bulk-loaded at ${load.rowsPerSecond.toLocaleString("en-US")} rows/s; ` +
          `on disk ${Math.round(bytes / 2 ** 20).toLocaleString("en-US")} MiB, ${Math.round(bytes / (expired + 1)).toLocaleString("en-US")} bytes per record (indexes, tags and metadata included).`,
      );

      const server = await startBenchServer(database.url, context.serverExecArgv(`retention-${kind}`), {
        retentionDays,
        // Only the `sweep` call below starts it.
        retentionSweep: { startDelayMs: 24 * 3_600_000 },
      });
      try {
        const ingest = (): Promise<LoadResult> =>
          runLoad({
            url: `${server.url}/api/v1/requests:batch`,
            method: "POST",
            headers: { "x-api-key": apiKey },
            body: batchBodyFactory(batchSize),
            concurrency: batchClients,
            ...timing,
            peerCpu: () => childCpu(server.child),
          });
        context.log(`retention on ${kind}: ingestion, sweep idle`);
        const idle = await ingest();
        context.log(`retention on ${kind}: ingestion during the sweep`);
        await server.child.call("sweep");
        const sweepStarted = performance.now();
        const during = await ingest();
        const progress = await server.child.call<SweepProgress>("retention");
        const sweptPerSecond = Math.round(progress.requests / ((performance.now() - sweepStarted) / 1000));
        const rate = (result: LoadResult) => Math.round((result.completed * batchSize) / (result.elapsedMs / 1000));
        const row = (variant: string, result: LoadResult, swept: number | null): Row => ({
          variant,
          "records/s": rate(result),
          "p50 ms": ms(result.p50Ms),
          "p99 ms": ms(result.p99Ms),
          errors: result.errors,
          "server CPU": result.serverCpuCores === null ? null : Math.round(result.serverCpuCores * 100) / 100,
          "records/s per server core": result.serverCpuCores ? Math.round(rate(result) / result.serverCpuCores) : null,
          "swept rows/s": swept,
        });
        rows.push(row(`${kind}: requests:batch ×${batchSize}, sweep idle`, idle, null), row(`${kind}: requests:batch ×${batchSize}, during the sweep`, during, sweptPerSecond));
        const kept = ratio(rate(during), rate(idle));
        checks.push({
          target: `${kind}: ingestion during a sweep of ${expired.toLocaleString("en-US")} expired rows stays at ≥ 80 % of its rate without the sweep`,
          measured: `${Math.round(kept * 100)} % (${rate(idle).toLocaleString("en-US")} → ${rate(during).toLocaleString("en-US")} records/s; ${progress.requests.toLocaleString("en-US")} rows swept meanwhile${progress.sweeping ? ", sweep still running" : ", sweep finished inside the window"})`,
          met: kept >= 0.8,
        });
        if (sweptPerSecond > 0) {
          notes.push(`${kind}: the sweep deleted ${sweptPerSecond.toLocaleString("en-US")} requests/s under full ingestion load (with their tags and metadata): ${expired.toLocaleString("en-US")} rows in ~${Math.round(expired / sweptPerSecond / 60)} min.`);
        }
      } finally {
        await server.close();
      }
    } finally {
      await database.drop();
    }
  }
  notes.push(
    `Closed loop: ${batchClients} clients sending batches of ${batchSize} log records for ${timing.durationMs / 1000} s after ${timing.warmupMs / 1000} s of warm-up, on a server started with --retention-days ${retentionDays}; the same server and rows for both windows, the sweep started between them (500 rows a batch, 10 % duty cycle: decision 0018).`,
  );
  return { id: "retention", title: "Retention: ingestion during a sweep of expired rows", rows, checks, notes };
}
