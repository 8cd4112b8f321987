import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startChild } from "./lib/child-process.js";
import type { BenchContext, FakesReady } from "./lib/context.js";
import { postgresAvailable, postgresAdminUrl } from "./lib/harness.js";
import { machineInfo } from "./lib/machine.js";
import { formatReport, type BenchReport, type ScenarioResult } from "./lib/report.js";
import { fallbackCostScenario } from "./scenarios/fallback-cost.js";
import { footprintScenario } from "./scenarios/footprint.js";
import { growthScenario } from "./scenarios/growth.js";
import { propagationScenario } from "./scenarios/propagation.js";
import { retentionScenario } from "./scenarios/retention.js";
import { runOverheadScenario } from "./scenarios/run-overhead.js";
import { sdkImportScenario } from "./scenarios/sdk-import.js";
import { ingestionScenario, templateFetchScenario } from "./scenarios/server-load.js";
import { streamingScenario } from "./scenarios/streaming.js";
import { tracingCostScenario } from "./scenarios/tracing-cost.js";

const scenarios: Record<string, (context: BenchContext) => Promise<ScenarioResult>> = {
  run: runOverheadScenario,
  stream: streamingScenario,
  ingest: ingestionScenario,
  template: templateFetchScenario,
  growth: growthScenario,
  footprint: footprintScenario,
  propagation: propagationScenario,
  fallback: fallbackCostScenario,
  retention: retentionScenario,
  "sdk-import": sdkImportScenario,
  tracing: tracingCostScenario,
};

const usage = `npm run bench [-- options]

Measures run() and the server against the alternatives on this machine, on
127.0.0.1 only, and prints medians, p99s and ratios from the same run.

  --quick        fewer iterations and rows (default when CI is set)
  --full         the full run (default otherwise; up to an hour: 1M rows on
                 SQLite, 10M on PostgreSQL, a sweep of 1M expired rows on each)
  --json         print the results as JSON instead of tables
  --only=LIST    some of: ${Object.keys(scenarios).join(",")}
  --databases=LIST
                 sqlite,postgres (the default): the databases growth runs
                 on (the others leave PostgreSQL out when it is not listed);
                 --only=growth --full --databases=postgres is the 10M-row
                 PostgreSQL run alone
  --profile      run each server child under node --cpu-prof (profiles in
                 $TMPDIR/promptline-bench-profiles/, summarised with
                 node bench/dist/profile-summary.js <file.cpuprofile>)
  --help`;

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    full: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    only: { type: "string" },
    databases: { type: "string", default: "sqlite,postgres" },
    profile: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const quick = values.quick || (!values.full && Boolean(process.env.CI));
const selected = values.only ? values.only.split(",").map((name) => name.trim()) : Object.keys(scenarios);
const unknown = selected.filter((name) => !(name in scenarios));
if (unknown.length > 0) {
  console.error(`Unknown scenario(s): ${unknown.join(", ")}. Choose from ${Object.keys(scenarios).join(", ")}.`);
  process.exit(2);
}

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
// The benchmark stops by itself whatever happens: children die with the parent (IPC disconnect).
// The full run bulk-loads 10M rows into PostgreSQL (growth) and sweeps 1M (retention): most of its hour.
const deadlineMinutes = quick ? 15 : 90;
setTimeout(() => {
  log(`still running after ${deadlineMinutes} minutes: giving up`);
  process.exit(3);
}, deadlineMinutes * 60_000).unref();

const profileRoot = join(tmpdir(), "promptline-bench-profiles");
const startedAt = new Date();
const fakes = await startChild<FakesReady>("fakes-child", {});
const wanted = new Set(values.databases.split(",").map((name) => name.trim()));
if ([...wanted].some((name) => name !== "sqlite" && name !== "postgres")) {
  console.error(`--databases: sqlite and/or postgres, not ${values.databases}`);
  process.exit(2);
}
const postgres = wanted.has("postgres") && (await postgresAvailable());
const context: BenchContext = {
  quick,
  fakes,
  postgres,
  databases: [...(wanted.has("sqlite") ? (["sqlite"] as const) : []), ...(postgres ? (["postgres"] as const) : [])],
  serverExecArgv: (label) => {
    if (!values.profile) return [];
    const directory = join(profileRoot, label);
    mkdirSync(directory, { recursive: true });
    return ["--cpu-prof", `--cpu-prof-dir=${directory}`];
  },
  log,
};
if (wanted.has("postgres") && !context.postgres) log(`PostgreSQL is not reachable at ${postgresAdminUrl}: its rows are left out`);

const results: ScenarioResult[] = [];
let failed = false;
try {
  for (const name of selected) {
    try {
      results.push(await scenarios[name]!(context));
    } catch (error) {
      failed = true;
      log(`scenario ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      results.push({ id: name, title: `${name} (failed)`, rows: [], checks: [], notes: [`failed: ${error instanceof Error ? error.message : String(error)}`] });
    }
  }
} finally {
  await fakes.close();
}

const report: BenchReport = {
  machine: machineInfo(),
  mode: quick ? "quick" : "full",
  startedAt: startedAt.toISOString(),
  durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
  scenarios: results,
};
if (wanted.has("postgres") && !context.postgres) for (const result of results) if (["ingestion", "template-fetch", "growth"].includes(result.id)) result.notes.push("PostgreSQL was not reachable: SQLite only.");
console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
if (values.profile) log(`CPU profiles in ${profileRoot} (summarise one: node bench/dist/profile-summary.js <file.cpuprofile>)`);
process.exit(failed ? 1 : 0);
