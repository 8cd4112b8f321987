import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { apiKey, freshDatabase, publishBenchPrompt, startBenchServer } from "../lib/harness.js";
import type { BenchContext } from "../lib/context.js";
import { ms, type Row, type ScenarioResult } from "../lib/report.js";
import { summarize } from "../lib/stats.js";

const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url));
const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

interface ImportSample {
  ms: number;
  rss: number;
  heap: number;
}

/** Imports `specifier` in a fresh node process and reports the time and the memory after it. */
function importOnce(specifier: string | null, construct: string): ImportSample {
  const code = `
    const started = performance.now();
    ${specifier === null ? "" : `const module = await import(${JSON.stringify(specifier)}); ${construct}`}
    const elapsed = performance.now() - started;
    globalThis.gc?.();
    const memory = process.memoryUsage();
    process.stdout.write(JSON.stringify({ ms: elapsed, rss: memory.rss, heap: memory.heapUsed }));`;
  const output = execFileSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", code], { cwd: repositoryRoot, encoding: "utf8", env: { ...process.env, PROMPTLINE_API_KEY: apiKey, PROMPTLAYER_API_KEY: apiKey, OPENAI_API_KEY: "sk-bench" } });
  return JSON.parse(output) as ImportSample;
}

/** Scenario 6: SDK import time and memory (fresh processes), and the RSS of an idle server. */
export async function footprintScenario(context: BenchContext): Promise<ScenarioResult> {
  const repeats = context.quick ? 5 : 15;
  const subjects: Array<{ name: string; specifier: string | null; construct: string }> = [
    { name: "node (nothing imported)", specifier: null, construct: "" },
    { name: "promptline (our SDK)", specifier: "promptline", construct: "new module.Promptline({ flushOnExit: false });" },
    { name: "promptlayer 1.3.6", specifier: "promptlayer", construct: "new module.PromptLayer();" },
    { name: "openai", specifier: "openai", construct: "new module.default();" },
  ];
  context.log(`footprint: ${repeats} fresh processes per SDK`);
  const samples = new Map(subjects.map((subject) => [subject.name, [] as ImportSample[]]));
  for (let round = 0; round < repeats; round++) {
    for (const subject of subjects) samples.get(subject.name)!.push(importOnce(subject.specifier, subject.construct));
  }
  const baseline = summarize(samples.get(subjects[0]!.name)!.map((sample) => sample.rss));
  const rows: Row[] = subjects.map(({ name }) => {
    const list = samples.get(name)!;
    const time = summarize(list.map((sample) => sample.ms));
    const rss = summarize(list.map((sample) => sample.rss));
    const heap = summarize(list.map((sample) => sample.heap));
    return {
      variant: name,
      "import p50 ms": ms(time.p50),
      "import max ms": ms(time.max),
      "RSS MiB": mib(rss.p50),
      "RSS over node MiB": mib(rss.p50 - baseline.p50),
      "heap MiB": mib(heap.p50),
    };
  });

  const database = await freshDatabase("sqlite");
  const server = await startBenchServer(database.url);
  try {
    await publishBenchPrompt(server.url);
    const usage = await server.child.call<{ rss: number; heapUsed: number }>("usage");
    rows.push({ variant: "server, idle (SQLite, one prompt)", "import p50 ms": null, "import max ms": null, "RSS MiB": mib(usage.rss), "RSS over node MiB": mib(usage.rss - baseline.p50), "heap MiB": mib(usage.heapUsed) });
  } finally {
    await server.close();
    await database.drop();
  }
  return {
    id: "footprint",
    title: "6. Footprint",
    rows,
    checks: [],
    notes: [
      "Import: time of `await import()` plus constructing a client, in a fresh `node` process (median of the runs), memory after a forced GC.",
      "The RSS of a server holding 1M logged requests is in scenario 5's last rows.",
    ],
  };
}
