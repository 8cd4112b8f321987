import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { startChild, type BenchChild } from "./child-process.js";

export const apiKey = "pl_bench_key_0123456789abcdef0123";
export const postgresAdminUrl = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
// One per benchmark process: two runs on one machine (several worktrees) must not drop each other's database.
const benchDatabase = `promptline_bench_${process.pid}`;

/** The chat template every scenario runs: two variables, one release label. */
export const benchPrompt = {
  prompt_name: "bench-summary",
  prompt_template: {
    type: "chat" as const,
    input_variables: ["product", "topic"],
    messages: [
      { role: "system" as const, content: [{ type: "text" as const, text: "You are a concise assistant for {product}. Answer in one sentence." }] },
      { role: "user" as const, content: [{ type: "text" as const, text: "Summarise {topic} for a new user." }] },
    ],
  },
  metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 0.2, max_tokens: 256 }, api_type: "chat-completions" } },
  release_labels: ["prod"],
};
export const benchVariables = { product: "Promptline", topic: "release labels" };

export interface ServerHandle {
  child: BenchChild<{ url: string }>;
  url: string;
  database: string;
  close(): Promise<void>;
}

/**
 * Where the server keeps its data for one scenario: a fresh SQLite file, or a
 * fresh PostgreSQL database. `name` tells apart two databases one scenario has
 * at once (the PostgreSQL database is named after this process).
 */
export async function freshDatabase(kind: "sqlite" | "postgres", name = "bench"): Promise<{ url: string; drop: () => Promise<void> }> {
  if (kind === "sqlite") {
    const directory = mkdtempSync(join(tmpdir(), "promptline-bench-"));
    return { url: `sqlite:${join(directory, `${name}.db`)}`, drop: async () => rmSync(directory, { recursive: true, force: true }) };
  }
  const database = name === "bench" ? benchDatabase : `${benchDatabase}_${name}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${database}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: postgresAdminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** Is PostgreSQL there? The PostgreSQL scenarios are skipped (and say so) when it isn't. */
export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: postgresAdminUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/** Starts the server in its own process on `database` (extra node flags, such as `--cpu-prof`, in `execArgv`; more `startServer` options in `options`). */
export async function startBenchServer(database: string, execArgv: string[] = [], options: Record<string, unknown> = {}): Promise<ServerHandle> {
  const child = await startChild<{ url: string }>("server-child", { ...options, database, apiKey }, execArgv);
  return { child, url: child.ready.url, database, close: () => child.close() };
}

/** Publishes the bench prompt (and returns its prompt id) through the PromptLayer publish route. */
export async function publishBenchPrompt(serverUrl: string, prompt = benchPrompt): Promise<number> {
  const { release_labels, ...version } = prompt;
  const response = await fetch(`${serverUrl}/rest/prompt-templates`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": apiKey },
    body: JSON.stringify({ prompt_template: version, prompt_version: version, release_labels }),
  });
  if (response.status !== 201) throw new Error(`publish failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: number }).id;
}

/** CPU time of a child since `before` (µs), from its own `process.cpuUsage()`. */
export async function childCpu(child: BenchChild<unknown>): Promise<{ user: number; system: number }> {
  return (await child.call<{ cpu: { user: number; system: number } }>("usage")).cpu;
}
