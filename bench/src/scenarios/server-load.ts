import { startChild } from "../lib/child-process.js";
import { apiKey, benchPrompt, benchVariables, childCpu, freshDatabase, publishBenchPrompt, startBenchServer } from "../lib/harness.js";
import type { BenchContext } from "../lib/context.js";
import { runLoad, type LoadResult } from "../lib/http-load.js";
import { batchBodyFactory, trackRequestBody } from "../lib/records.js";
import { ms, type Check, type Row, type ScenarioResult } from "../lib/report.js";

const batchSize = 100;
const batchClients = 8;
const clients = 64;

function loadRow(variant: string, result: LoadResult, perRequest: number, unit: string): Row {
  return {
    variant,
    [`${unit}/s`]: Math.round((result.completed * perRequest) / (result.elapsedMs / 1000)),
    requests: result.completed,
    "p50 ms": ms(result.p50Ms),
    "p99 ms": ms(result.p99Ms),
    errors: result.errors,
    "server CPU": result.serverCpuCores === null ? null : Math.round(result.serverCpuCores * 100) / 100,
    "client CPU": Math.round(result.clientCpuCores * 100) / 100,
  };
}

/**
 * The same load against a do-nothing server on our runtime (raw `node:http`,
 * which our Hono app runs on; see children/ceiling-child.ts and decision
 * 0025), answering `replyBytes` of JSON: as fast as any server on this stack,
 * machine and load generator can go, in this run.
 */
async function ceilingRow(
  body: string,
  replyBytes: number,
  unit: "records" | "requests",
  concurrency: number,
  timing: { warmupMs: number; durationMs: number },
): Promise<{ row: Row; rate: number }> {
  const child = await startChild<{ url: string }>("ceiling-child", { replyBytes });
  try {
    const result = await runLoad({ url: `${child.ready.url}/ceiling`, method: "POST", body: () => body, concurrency, ...timing, peerCpu: () => childCpu(child) });
    const row = loadRow("ceiling: do-nothing node:http server, same body", result, 1, unit);
    return { row, rate: Number(row[`${unit}/s`]) };
  } finally {
    await child.close();
  }
}

/** Size of the server's answer to one request, so the ceiling answers as much. */
async function answerBytes(url: string, body: string, headers: Record<string, string> = {}): Promise<number> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  if (!response.ok) throw new Error(`probe of ${url}: HTTP ${response.status} ${await response.text()}`);
  return (await response.arrayBuffer()).byteLength;
}

/** A target met or missed, with how far: the measured value over the goal (≥ 1.00 is met). */
function targetCheck(target: string, measured: number, goal: number, shown: string): Check {
  return { target, measured: `${shown} (${(measured / goal).toFixed(2)}× the target)`, met: measured >= goal };
}

/** Issue 20 §2: a share of the ceiling measured in the same run. */
function ceilingCheck(database: string, route: string, rate: number, ceiling: number, goalPercent: number): Check {
  const percent = (rate / ceiling) * 100;
  return targetCheck(
    `${database}: ${route} at least ${goalPercent} % of the ceiling`,
    percent,
    goalPercent,
    `${Math.round(percent)} % (${rate.toLocaleString("en-US")}/s against ${ceiling.toLocaleString("en-US")}/s)`,
  );
}

const ofCeiling = (rate: number, ceiling: number) => `${Math.round((rate / ceiling) * 100)} % of the ceiling (${ceiling.toLocaleString("en-US")}/s)`;

function databases(context: BenchContext): Array<"sqlite" | "postgres"> {
  return context.postgres ? ["sqlite", "postgres"] : ["sqlite"];
}

/** Scenario 3: `/track-request` (single records, 64 clients) and `requests:batch` (100 a batch), on each database. */
export async function ingestionScenario(context: BenchContext): Promise<ScenarioResult> {
  const rows: Row[] = [];
  const checks: Check[] = [];
  const timing = context.quick ? { warmupMs: 1000, durationMs: 4000 } : { warmupMs: 2000, durationMs: 15_000 };
  let trackProbe: { body: string; replyBytes: number } | undefined;
  const trackRates: Partial<Record<"sqlite" | "postgres", number>> = {};
  for (const kind of databases(context)) {
    const database = await freshDatabase(kind);
    const server = await startBenchServer(database.url, context.serverExecArgv(`ingest-${kind}`));
    try {
      const promptId = await publishBenchPrompt(server.url);
      const peerCpu = () => childCpu(server.child);
      context.log(`ingestion on ${kind}: /track-request, ${clients} clients`);
      const trackBody = trackRequestBody(apiKey, promptId);
      const trackReplyBytes = await answerBytes(`${server.url}/track-request`, trackBody);
      const track = await runLoad({ url: `${server.url}/track-request`, method: "POST", body: () => trackBody, concurrency: clients, ...timing, peerCpu });
      const trackRow = loadRow(`${kind}: /track-request ×1`, track, 1, "records");
      rows.push(trackRow);
      context.log(`ingestion on ${kind}: requests:batch of ${batchSize}, ${batchClients} clients`);
      const batch = await runLoad({
        url: `${server.url}/api/v1/requests:batch`,
        method: "POST",
        headers: { "x-api-key": apiKey },
        body: batchBodyFactory(batchSize),
        concurrency: batchClients,
        ...timing,
        peerCpu,
      });
      const batchRow = loadRow(`${kind}: requests:batch ×${batchSize}`, batch, batchSize, "records");
      rows.push(batchRow);
      trackRates[kind] = Number(trackRow["records/s"]);
      trackProbe ??= { body: trackBody, replyBytes: trackReplyBytes };
      const batched = Number(batchRow["records/s"]);
      // Issue 20 §2: absolute batch rates (the batch is CPU- and disk-bound, not HTTP-bound).
      const batchGoal = kind === "sqlite" ? 15_000 : 10_000;
      const name = kind === "sqlite" ? "SQLite" : "PostgreSQL";
      checks.push(targetCheck(`${name}: at least ${batchGoal.toLocaleString("en-US")} batched records/s (requests:batch ×${batchSize})`, batched, batchGoal, `${batched.toLocaleString("en-US")}/s`));
      for (const result of [track, batch]) if (result.errors) context.log(`  ${result.errors} failed requests`);
    } finally {
      await server.close();
      await database.drop();
    }
  }
  const notes: string[] = [];
  if (trackProbe) {
    context.log(`ingestion: the ceiling (a do-nothing server), ${clients} clients`);
    const ceiling = await ceilingRow(trackProbe.body, trackProbe.replyBytes, "records", clients, timing);
    rows.push(ceiling.row);
    if (trackRates.sqlite !== undefined) checks.push(ceilingCheck("SQLite", "/track-request", trackRates.sqlite, ceiling.rate, 60));
    if (trackRates.postgres !== undefined) checks.push(ceilingCheck("PostgreSQL", "/track-request", trackRates.postgres, ceiling.rate, 40));
    notes.push(`The ceiling is a do-nothing JSON server on the same stack (raw node:http, which Hono on @hono/node-server runs on: the fastest server on it, decision 0025) given the same /track-request body and answering as many bytes (${trackProbe.replyBytes}), with the same load generator in the same run; no server on this stack and machine goes faster.`);
  }
  return {
    id: "ingestion",
    title: "3. Server ingestion",
    rows,
    checks,
    notes: [
      ...notes,
      `Closed loop: ${clients} clients for /track-request (PromptLayer's body, with return_prompt_blueprint), ${batchClients} clients sending batches of ${batchSize} of our SDK's log records; ${timing.durationMs / 1000} s measured after ${timing.warmupMs / 1000} s of warm-up.`,
      "CPU columns: cores busy on average (1 = one core) in the server process and in the load generator; both share the same 2 cores.",
      "SQLite runs WAL with synchronous=FULL (an fsync per commit; log commits sync the WAL from a libuv thread, decision 0017), on a file on the machine's disk.",
    ],
  };
}

/** Scenario 4: `POST /prompt-templates/{name}` with variables (rendered, with `llm_kwargs`), 64 clients. */
export async function templateFetchScenario(context: BenchContext): Promise<ScenarioResult> {
  const rows: Row[] = [];
  const checks: Check[] = [];
  const timing = context.quick ? { warmupMs: 1000, durationMs: 4000 } : { warmupMs: 2000, durationMs: 15_000 };
  const body = JSON.stringify({ label: "prod", input_variables: benchVariables });
  let templateReplyBytes = 0;
  let sqliteRate: number | undefined;
  for (const kind of databases(context)) {
    const database = await freshDatabase(kind);
    const server = await startBenchServer(database.url, context.serverExecArgv(`template-${kind}`));
    try {
      await publishBenchPrompt(server.url);
      const url = `${server.url}/prompt-templates/${benchPrompt.prompt_name}`;
      const check = await fetch(url, { method: "POST", headers: { "x-api-key": apiKey, "content-type": "application/json" }, body });
      const answerText = await check.text();
      templateReplyBytes = Buffer.byteLength(answerText);
      const answer = JSON.parse(answerText) as { llm_kwargs?: unknown };
      if (!JSON.stringify(answer.llm_kwargs ?? null).includes("Summarise release labels")) throw new Error(`template fetch did not render: ${JSON.stringify(answer).slice(0, 300)}`);
      context.log(`template fetch on ${kind}: ${clients} clients`);
      const result = await runLoad({ url, method: "POST", headers: { "x-api-key": apiKey }, body: () => body, concurrency: clients, ...timing, peerCpu: () => childCpu(server.child) });
      const row = loadRow(`${kind}: POST /prompt-templates/{name}`, result, 1, "requests");
      rows.push(row);
      if (result.errors) context.log(`  ${result.errors} failed requests`);
      if (kind === "sqlite") sqliteRate = Number(row["requests/s"]);
    } finally {
      await server.close();
      await database.drop();
    }
  }
  const notes: string[] = [];
  if (sqliteRate !== undefined) {
    context.log(`template fetch: the ceiling (a do-nothing server), ${clients} clients`);
    const ceiling = await ceilingRow(body, templateReplyBytes, "requests", clients, timing);
    rows.push(ceiling.row);
    checks.push(ceilingCheck("SQLite", "template fetch", sqliteRate, ceiling.rate, 70));
    notes.push(`sqlite template fetch ran at ${ofCeiling(sqliteRate, ceiling.rate)} (a do-nothing server on the same stack, same body, answering ${templateReplyBytes} bytes, same load generator, same run).`);
  }
  return {
    id: "template-fetch",
    title: "4. Template fetch (rendered, with llm_kwargs)",
    rows,
    checks,
    notes: [
      ...notes,`Body: {"label":"prod","input_variables":{…}}: the server resolves the label, renders the chat template and builds llm_kwargs; ${timing.durationMs / 1000} s measured.`],
  };
}
