import { startChild } from "../lib/child-process.js";
import { apiKey, benchPrompt, benchVariables, childCpu, freshDatabase, publishBenchPrompt, startBenchServer } from "../lib/harness.js";
import type { BenchContext } from "../lib/context.js";
import { runAlternating, runLoad, type LoadOptions, type LoadResult } from "../lib/http-load.js";
import { batchBodyFactory, trackRequestBody } from "../lib/records.js";
import { ms, type Check, type Row, type ScenarioResult } from "../lib/report.js";
import { trackedRequestFloor, type StatementFloor } from "../lib/storage-floor.js";

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
 * machine and load generator can go. Measured in slices alternating with the
 * route it is the ceiling of (`runAlternating`), so both see the same minutes.
 */
async function measuredAgainstCeiling(
  route: LoadOptions,
  body: string,
  replyBytes: number,
  timing: { warmupMs: number; durationMs: number; slices: number },
): Promise<{ route: LoadResult; ceiling: LoadResult }> {
  const child = await startChild<{ url: string }>("ceiling-child", { replyBytes });
  try {
    const ceiling: LoadOptions = { url: `${child.ready.url}/ceiling`, method: "POST", body: () => body, concurrency: route.concurrency, warmupMs: timing.warmupMs, durationMs: timing.durationMs, peerCpu: () => childCpu(child) };
    const [routeResult, ceilingResult] = await runAlternating(route, ceiling, timing.slices);
    return { route: routeResult, ceiling: ceilingResult };
  } finally {
    await child.close();
  }
}

const ceilingVariant = (of: string) => `ceiling: do-nothing node:http server, same body (alternated with ${of})`;

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

/** Issue 20 §2: a share of the ceiling measured in the same run (and, where measured, the most this machine allows). */
function ceilingCheck(database: string, route: string, rate: number, ceiling: number, goalPercent: number, reachablePercent?: number): Check {
  const percent = (rate / ceiling) * 100;
  const bound = reachablePercent === undefined ? "" : `; at most ${Math.round(reachablePercent)} % is reachable here, see the floor note`;
  return targetCheck(
    `${database}: ${route} at least ${goalPercent} % of the ceiling`,
    percent,
    goalPercent,
    `${Math.round(percent)} % (${rate.toLocaleString("en-US")}/s against ${ceiling.toLocaleString("en-US")}/s${bound})`,
  );
}

const perRequestMicros = (cores: number, result: LoadResult) => (cores * 1e6) / (result.completed / (result.elapsedMs / 1000));

/**
 * The most of the ceiling a /track-request can reach here: with the CPU that
 * served the ceiling (its server's and its load generator's per request, so
 * the machine's other load cancels out), a server that did nothing but the
 * ceiling's HTTP exchange while the database did nothing but its statement
 * floor (lib/storage-floor.ts). Parsing, validation, driver and answer work
 * come on top of that in any real server.
 */
function reachableShare(ceiling: LoadResult, floor: StatementFloor): { percent: number; note: string } {
  const server = perRequestMicros(ceiling.serverCpuCores ?? 0, ceiling);
  const client = perRequestMicros(ceiling.clientCpuCores, ceiling);
  const percent = ((server + client) / (server + client + floor.cpuMicrosPerRequest)) * 100;
  return {
    percent,
    note: `a request to the ceiling costs ${server.toFixed(1)} µs of server CPU and ${client.toFixed(1)} µs of load generator CPU; storing one tracked request costs the database ${floor.cpuMicrosPerRequest.toFixed(1)} µs of CPU for its statements alone (its row with every index, 2 tags, 2 metadata rows; ${floor.group} a transaction, no sync, copied with insert … select, the copy's reads measured alone and taken off; ${Math.round(floor.requestsPerSecond).toLocaleString("en-US")} copies/s). With the CPU that served the ceiling, a server doing only the HTTP exchange and the statements would reach at most ${Math.round(percent)} % of it, before any parsing, validation, driver or answer work.`,
  };
}

const ofCeiling = (rate: number, ceiling: number) => `${Math.round((rate / ceiling) * 100)} % of the ceiling (${ceiling.toLocaleString("en-US")}/s)`;

function databases(context: BenchContext): Array<"sqlite" | "postgres"> {
  return context.postgres ? ["sqlite", "postgres"] : ["sqlite"];
}

/** Measuring time per load, and how many alternating slices a route and its ceiling share it in. */
function timingOf(context: BenchContext) {
  return context.quick ? { warmupMs: 1000, durationMs: 4000, slices: 2 } : { warmupMs: 2000, durationMs: 15_000, slices: 3 };
}

/** Scenario 3: `/track-request` (single records, 64 clients) and `requests:batch` (100 a batch), on each database. */
export async function ingestionScenario(context: BenchContext): Promise<ScenarioResult> {
  const rows: Row[] = [];
  const checks: Check[] = [];
  const timing = timingOf(context);
  const floorNotes: string[] = [];
  let replyBytes: number | undefined;
  for (const kind of databases(context)) {
    const database = await freshDatabase(kind);
    const server = await startBenchServer(database.url, context.serverExecArgv(`ingest-${kind}`));
    const name = kind === "sqlite" ? "SQLite" : "PostgreSQL";
    try {
      const promptId = await publishBenchPrompt(server.url);
      const peerCpu = () => childCpu(server.child);
      context.log(`ingestion on ${kind}: /track-request, ${clients} clients, alternating with the ceiling`);
      const trackBody = trackRequestBody(apiKey, promptId);
      replyBytes = await answerBytes(`${server.url}/track-request`, trackBody);
      const track = { url: `${server.url}/track-request`, method: "POST", body: () => trackBody, concurrency: clients, ...timing, peerCpu } as const;
      const measured = await measuredAgainstCeiling(track, trackBody, replyBytes, timing);
      const trackRow = loadRow(`${kind}: /track-request ×1`, measured.route, 1, "records");
      const ceilingRow = loadRow(ceilingVariant(`${kind} /track-request`), measured.ceiling, 1, "records");
      rows.push(trackRow, ceilingRow);
      context.log(`ingestion on ${kind}: the database's statement floor for a tracked request`);
      const floor = reachableShare(measured.ceiling, await trackedRequestFloor(kind, { group: clients, seconds: context.quick ? 1 : 3 }));
      floorNotes.push(`Floor, ${kind}: ${floor.note}`);
      checks.push(ceilingCheck(name, "/track-request", Number(trackRow["records/s"]), Number(ceilingRow["records/s"]), kind === "sqlite" ? 60 : 40, floor.percent));
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
      const batched = Number(batchRow["records/s"]);
      // Issue 20 §2: absolute batch rates (the batch is CPU- and disk-bound, not HTTP-bound).
      const batchGoal = kind === "sqlite" ? 15_000 : 10_000;
      checks.push(targetCheck(`${name}: at least ${batchGoal.toLocaleString("en-US")} batched records/s (requests:batch ×${batchSize})`, batched, batchGoal, `${batched.toLocaleString("en-US")}/s`));
      for (const result of [measured.route, batch]) if (result.errors) context.log(`  ${result.errors} failed requests`);
    } finally {
      await server.close();
      await database.drop();
    }
  }
  return {
    id: "ingestion",
    title: "3. Server ingestion",
    rows,
    checks,
    notes: [
      `The ceiling is a do-nothing JSON server on the same stack (raw node:http, which Hono on @hono/node-server runs on: the fastest server on it, decision 0025) given the same /track-request body and answering as many bytes (${replyBytes ?? "?"}), with the same load generator; each route's ceiling is measured in ${timing.slices} slices alternating with the route's own (${timing.durationMs / 1000} s each in all), so both see the same minutes of this shared machine.`,
      `Closed loop: ${clients} clients for /track-request (PromptLayer's body, with return_prompt_blueprint), ${batchClients} clients sending batches of ${batchSize} of our SDK's log records; ${timing.durationMs / 1000} s measured after ${timing.warmupMs / 1000} s of warm-up.`,
      "CPU columns: cores busy on average (1 = one core) in the server process and in the load generator; both share the same 2 cores. p50/p99 of an alternated row: the median of its slices'.",
      "SQLite runs WAL with synchronous=FULL (an fsync per commit; log commits sync the WAL from a libuv thread, decision 0017), on a file on the machine's disk.",
      ...floorNotes,
    ],
  };
}

/** Scenario 4: `POST /prompt-templates/{name}` with variables (rendered, with `llm_kwargs`), 64 clients. */
export async function templateFetchScenario(context: BenchContext): Promise<ScenarioResult> {
  const rows: Row[] = [];
  const checks: Check[] = [];
  const timing = timingOf(context);
  const body = JSON.stringify({ label: "prod", input_variables: benchVariables });
  const notes: string[] = [];
  for (const kind of databases(context)) {
    const database = await freshDatabase(kind);
    const server = await startBenchServer(database.url, context.serverExecArgv(`template-${kind}`));
    try {
      await publishBenchPrompt(server.url);
      const url = `${server.url}/prompt-templates/${benchPrompt.prompt_name}`;
      const check = await fetch(url, { method: "POST", headers: { "x-api-key": apiKey, "content-type": "application/json" }, body });
      const answerText = await check.text();
      const replyBytes = Buffer.byteLength(answerText);
      const answer = JSON.parse(answerText) as { llm_kwargs?: unknown };
      if (!JSON.stringify(answer.llm_kwargs ?? null).includes("Summarise release labels")) throw new Error(`template fetch did not render: ${JSON.stringify(answer).slice(0, 300)}`);
      const load = { url, method: "POST", headers: { "x-api-key": apiKey }, body: () => body, concurrency: clients, ...timing, peerCpu: () => childCpu(server.child) } as const;
      let result: LoadResult;
      if (kind === "sqlite") {
        // Issue 20 §2 sets the SQLite target only: its ceiling alternates with it.
        context.log(`template fetch on ${kind}: ${clients} clients, alternating with the ceiling`);
        const measured = await measuredAgainstCeiling(load, body, replyBytes, timing);
        result = measured.route;
        const row = loadRow(`${kind}: POST /prompt-templates/{name}`, result, 1, "requests");
        const ceilingRow = loadRow(ceilingVariant(`${kind} template fetch`), measured.ceiling, 1, "requests");
        rows.push(row, ceilingRow);
        const rate = Number(row["requests/s"]);
        const ceiling = Number(ceilingRow["requests/s"]);
        checks.push(ceilingCheck("SQLite", "template fetch", rate, ceiling, 70));
        notes.push(`sqlite template fetch ran at ${ofCeiling(rate, ceiling)} (a do-nothing server on the same stack, same body, answering ${replyBytes} bytes, same load generator, in ${timing.slices} alternating slices).`);
      } else {
        context.log(`template fetch on ${kind}: ${clients} clients`);
        result = await runLoad(load);
        rows.push(loadRow(`${kind}: POST /prompt-templates/{name}`, result, 1, "requests"));
      }
      if (result.errors) context.log(`  ${result.errors} failed requests`);
    } finally {
      await server.close();
      await database.drop();
    }
  }
  return {
    id: "template-fetch",
    title: "4. Template fetch (rendered, with llm_kwargs)",
    rows,
    checks,
    notes: [...notes, `Body: {"label":"prod","input_variables":{…}}: the server resolves the label, renders the chat template and builds llm_kwargs; ${timing.durationMs / 1000} s measured.`],
  };
}
