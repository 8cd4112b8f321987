import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { apiKey, benchPrompt, benchVariables, freshDatabase, publishBenchPrompt, startBenchServer } from "../lib/harness.js";
import type { BenchContext } from "../lib/context.js";
import { ms, type Row, type ScenarioResult } from "../lib/report.js";
import { summarize } from "../lib/stats.js";

const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url));
const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 100) / 100;
const kib = (bytes: number) => Math.round(bytes / 2 ** 10);

interface Subject {
  name: string;
  /** Module code run after `const module = await import(specifier)`, timed with it. */
  then: string;
  specifier: string;
}

interface Sample {
  ms: number;
  rssDelta: number;
  heapDelta: number;
}

function node(code: string, env: Record<string, string> = {}): string {
  return execFileSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", code], {
    cwd: repositoryRoot,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
}

/** Wall time of the import (and what follows it), and the RSS and heap it added, after a GC on both sides. */
function measureOnce(subject: Subject, env: Record<string, string>): Sample {
  const code = `
    globalThis.gc();
    const before = process.memoryUsage();
    const started = performance.now();
    const module = await import(${JSON.stringify(subject.specifier)});
    ${subject.then}
    const elapsed = performance.now() - started;
    globalThis.gc();
    const after = process.memoryUsage();
    process.stdout.write(JSON.stringify({ ms: elapsed, rssDelta: after.rss - before.rss, heapDelta: after.heapUsed - before.heapUsed }));
    process.exit(0);`;
  return JSON.parse(node(code, env)) as Sample;
}

/** The JavaScript files V8 compiled for the import (a count that does not depend on the machine's load). */
function modulesLoaded(subject: Subject, env: Record<string, string>): string[] {
  const code = `
    import { Session } from "node:inspector";
    const session = new Session();
    session.connect();
    const urls = [];
    session.on("Debugger.scriptParsed", (message) => { if (message.params.url.startsWith("file:")) urls.push(message.params.url); });
    session.post("Debugger.enable");
    const module = await import(${JSON.stringify(subject.specifier)});
    ${subject.then}
    process.stdout.write(JSON.stringify(urls));
    process.exit(0);`;
  return (JSON.parse(node(code, env)) as string[]).filter((url) => !url.includes("[eval"));
}

/**
 * The SDK's import cost: `import("promptline")` of the built dist in a fresh
 * node process (wall time, RSS and heap added), with a client constructed,
 * and through a first `run()`; and which modules each loads (ours, under
 * packages/, and dependencies), so a change in what the SDK pulls in shows
 * as a number that does not move with the machine's load.
 */
export async function sdkImportScenario(context: BenchContext): Promise<ScenarioResult> {
  const repeats = context.quick ? 7 : 21;
  const database = await freshDatabase("sqlite");
  const server = await startBenchServer(database.url);
  try {
    await publishBenchPrompt(server.url);
    const env = { ...context.fakes.ready.env, PROMPTLINE_API_KEY: apiKey };
    const runParams = JSON.stringify({ promptName: benchPrompt.prompt_name, promptReleaseLabel: "prod", inputVariables: benchVariables });
    const subjects: Subject[] = [
      { name: 'import("promptline")', specifier: "promptline", then: "" },
      { name: "… and new Promptline()", specifier: "promptline", then: "new module.Promptline({ flushOnExit: false });" },
      {
        name: "… and a first run() (OpenAI)",
        specifier: "promptline",
        then: `const client = new module.Promptline({ apiKey: ${JSON.stringify(apiKey)}, baseURL: ${JSON.stringify(server.url)}, env: process.env, flushOnExit: false });
          await client.run(${runParams});
          await client.close?.();`,
      },
      { name: 'import("@promptline/core") (all of core)', specifier: "@promptline/core", then: "" },
    ];
    context.log(`sdk import: ${repeats} fresh processes per variant`);
    const samples = new Map(subjects.map((subject) => [subject.name, [] as Sample[]]));
    for (let round = 0; round < repeats; round++) {
      for (const subject of subjects) samples.get(subject.name)!.push(measureOnce(subject, env));
    }
    const rows: Row[] = subjects.map((subject) => {
      const list = samples.get(subject.name)!;
      const files = modulesLoaded(subject, env);
      const ours = files.filter((url) => url.includes("/packages/"));
      const bytes = (urls: string[]) => urls.reduce((total, url) => total + statSync(fileURLToPath(url)).size, 0);
      return {
        variant: subject.name,
        "p50 ms": ms(summarize(list.map((sample) => sample.ms)).p50),
        "min ms": ms(summarize(list.map((sample) => sample.ms)).min),
        "RSS added MiB": mib(summarize(list.map((sample) => sample.rssDelta)).p50),
        "heap added MiB": mib(summarize(list.map((sample) => sample.heapDelta)).p50),
        "modules (ours)": ours.length,
        "modules (deps)": files.length - ours.length,
        "KiB of JS": kib(bytes(files)),
      };
    });
    return {
      id: "sdk-import",
      title: "SDK import cost",
      rows,
      checks: [],
      notes: [
        "Fresh `node` process per sample, the built dist (no source conditions); time from before `import()` to after what follows it, memory added between two forced GCs; medians.",
        "Modules: the JavaScript files V8 compiled (inspector `scriptParsed`), ours under packages/ and the rest from node_modules; with their size on disk.",
      ],
    };
  } finally {
    await server.close();
    await database.drop();
  }
}
