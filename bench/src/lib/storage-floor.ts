import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { startChild } from "./child-process.js";
import { apiKey, freshDatabase, publishBenchPrompt } from "./harness.js";
import { backendCpuSeconds } from "./postgres-cpu.js";
import { trackRequestBody } from "./records.js";

export interface StatementFloor {
  /** CPU of the database's statement work for one stored request, µs. */
  cpuMicrosPerRequest: number;
  requestsPerSecond: number;
  group: number;
}

/**
 * The statement floor of the bench's tracked request (PromptLayer's body, as
 * the ingestion scenario sends it) on a fresh database of this kind: a real
 * server tracks 50 requests, so the stored rows have exactly that shape, then
 * `statementFloor` copies them. A small database keeps the copy's source
 * lookup cheap and its indexes shallow (one that had just taken ~100k rows
 * made PostgreSQL's lookup cost up to ~30 ms a statement): the floor stays a
 * floor.
 */
export async function trackedRequestFloor(kind: "sqlite" | "postgres", options: { group?: number; seconds?: number } = {}): Promise<StatementFloor> {
  const database = await freshDatabase(kind, "floor");
  try {
    const child = await startChild<{ url: string }>("server-child", { database: database.url, apiKey });
    try {
      const body = trackRequestBody(apiKey, await publishBenchPrompt(child.ready.url));
      for (let i = 0; i < 50; i += 1) {
        const response = await fetch(`${child.ready.url}/track-request`, { method: "POST", headers: { "content-type": "application/json" }, body });
        if (!response.ok) throw new Error(`track-request answered ${response.status}: ${await response.text()}`);
      }
    } finally {
      await child.close();
    }
    return await statementFloor(database.url, options);
  } finally {
    await database.drop();
  }
}

/** request_log's columns but those a write generates (id) or gives each row its own of (request_id, number). */
const copiedColumns = (columns: string[]) => columns.filter((name) => !["id", "request_id", "number"].includes(name)).map((name) => `"${name}"`).join(", ");

/**
 * The floor under a server's ingestion of requests shaped like the first
 * stored one: the database's own CPU to store one more such request — its row
 * with every index, its tags and its metadata, `group` requests a transaction
 * (the best grouping a closed loop of that many clients can give), the
 * request counter moved once a group — copied inside the database with
 * `insert … select`: no parameters, no JSON, no driver, no sync (SQLite
 * synchronous=OFF, PostgreSQL synchronous_commit=off). No server code on top
 * of this schema can store such a request for less CPU. The copy's reads are
 * measured alone and taken off, so the floor counts the writes only. The rows
 * it adds stay; run it on a database about to be dropped, small enough that
 * the source lookup stays cheap (`trackedRequestFloor`).
 */
export async function statementFloor(databaseUrl: string, options: { group?: number; seconds?: number } = {}): Promise<StatementFloor> {
  const group = options.group ?? 64;
  const seconds = options.seconds ?? 3;
  return databaseUrl.startsWith("sqlite:") ? sqliteFloor(databaseUrl.slice("sqlite:".length), group, seconds) : postgresFloor(databaseUrl, group, seconds);
}

function sqliteFloor(filename: string, group: number, seconds: number): StatementFloor {
  const db = new BetterSqlite3(filename, { timeout: 5000 });
  try {
    db.pragma("synchronous = OFF");
    db.pragma("foreign_keys = ON");
    const columns = copiedColumns(db.prepare("select name from pragma_table_info('request_log')").pluck().all() as string[]);
    const source = db.prepare("select id, workspace_id from request_log order by id limit 1").get() as { id: number; workspace_id: number } | undefined;
    if (!source) throw new Error("statementFloor: no stored request to copy");
    const counter = db.prepare<[number, number], number>("update workspace set request_counter = request_counter + ? where id = ? returning request_counter").pluck();
    const copyRow = db.prepare(`insert into request_log (${columns}, request_id, number) select ${columns}, lower(hex(randomblob(16))), ? from request_log where id = ?`);
    const copyTags = db.prepare("insert into request_tag (request_log_id, workspace_id, tag, position, created_at) select ?, workspace_id, tag, position, created_at from request_tag where request_log_id = ?");
    const copyMetadata = db.prepare('insert into request_metadata (request_log_id, workspace_id, "key", "value", created_at) select ?, workspace_id, "key", "value", created_at from request_metadata where request_log_id = ?');
    const copyGroup = db.transaction(() => {
      const first = counter.get(group, source.workspace_id)! - group + 1;
      for (let i = 0; i < group; i += 1) {
        const id = copyRow.run(first + i, source.id).lastInsertRowid;
        copyTags.run(id, source.id);
        copyMetadata.run(id, source.id);
      }
    });
    // The copy's reads, alone: taken off the floor so that it counts the writes only.
    const readRow = db.prepare(`select ${columns} from request_log where id = ?`);
    const readTags = db.prepare("select workspace_id, tag, position, created_at from request_tag where request_log_id = ?");
    const readMetadata = db.prepare('select workspace_id, "key", "value", created_at from request_metadata where request_log_id = ?');
    const readGroup = db.transaction(() => {
      for (let i = 0; i < group; i += 1) {
        readRow.get(source.id);
        readTags.all(source.id);
        readMetadata.all(source.id);
      }
    });
    const cpuSeconds = () => {
      const used = process.cpuUsage();
      return (used.user + used.system) / 1e6;
    };
    for (let i = 0; i < 10; i += 1) copyGroup.immediate(); // warm: statements compiled, pages cached
    const reads = measure(Math.max(0.5, seconds / 3), group, () => readGroup.deferred(), cpuSeconds);
    const copies = measure(seconds, group, () => copyGroup.immediate(), cpuSeconds);
    return { ...copies, cpuMicrosPerRequest: copies.cpuMicrosPerRequest - reads.cpuMicrosPerRequest };
  } finally {
    db.close();
  }
}

async function postgresFloor(url: string, group: number, seconds: number): Promise<StatementFloor> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("set synchronous_commit = off");
    const { rows } = await client.query<{ column_name: string }>("select column_name from information_schema.columns where table_name = 'request_log' and table_schema = current_schema() order by ordinal_position");
    const columns = copiedColumns(rows.map((row) => row.column_name));
    const { rows: [source] } = await client.query<{ id: string; workspace_id: string }>("select id, workspace_id from request_log order by id limit 1");
    if (!source) throw new Error("statementFloor: no stored request to copy");
    // One statement a group, as our own write (decision 0030): the counter, the rows, their tags and metadata.
    await client.query(`prepare copy_group(bigint, int) as
      with counter as (update workspace set request_counter = request_counter + $2 where id = ${Number(source.workspace_id)} returning request_counter),
      row as (insert into request_log (${columns}, request_id, number)
              select ${columns}, gen_random_uuid()::text, counter.request_counter - $2 + copy.i
              from request_log, counter, generate_series(1, $2) as copy(i) where request_log.id = $1 returning id, created_at),
      tags as (insert into request_tag (request_log_id, workspace_id, tag, position, created_at)
               select row.id, t.workspace_id, t.tag, t.position, row.created_at from request_tag t, row where t.request_log_id = $1)
      insert into request_metadata (request_log_id, workspace_id, "key", "value", created_at)
        select row.id, m.workspace_id, m."key", m."value", row.created_at from request_metadata m, row where m.request_log_id = $1`);
    // The copy's reads, alone (the same joins, nothing inserted): taken off the floor so that it counts the writes only.
    await client.query(`prepare read_group(bigint, int) as
      with row as (select ${columns}, copy.i from request_log, generate_series(1, $2) as copy(i) where request_log.id = $1),
      tags as (select t.* from request_tag t, row where t.request_log_id = $1)
      select (select count(*) from row) + (select count(*) from tags) + (select count(*) from request_metadata m, row where m.request_log_id = $1)`);
    const copyGroup = () => client.query(`execute copy_group(${Number(source.id)}, ${group})`);
    const readGroup = () => client.query(`execute read_group(${Number(source.id)}, ${group})`);
    for (let i = 0; i < 10; i += 1) await copyGroup();
    // This connection's backend only: autovacuum, the WAL writer and the checkpointer don't count (a floor).
    const pid = (await client.query<{ pid: number }>("select pg_backend_pid() as pid")).rows[0]!.pid;
    const cpuSeconds = () => backendCpuSeconds(pid);
    const reads = await measureAsync(Math.max(0.5, seconds / 3), group, readGroup, cpuSeconds);
    const copies = await measureAsync(seconds, group, copyGroup, cpuSeconds);
    return { ...copies, cpuMicrosPerRequest: copies.cpuMicrosPerRequest - reads.cpuMicrosPerRequest };
  } finally {
    await client.end();
  }
}

function measure(seconds: number, group: number, copyGroup: () => void, cpuSeconds: () => number): StatementFloor {
  const cpu = cpuSeconds();
  const start = performance.now();
  let stored = 0;
  while (performance.now() - start < seconds * 1000) {
    copyGroup();
    stored += group;
  }
  return result(stored, performance.now() - start, cpuSeconds() - cpu, group);
}

async function measureAsync(seconds: number, group: number, copyGroup: () => Promise<unknown>, cpuSeconds: () => number): Promise<StatementFloor> {
  const cpu = cpuSeconds();
  const start = performance.now();
  let stored = 0;
  while (performance.now() - start < seconds * 1000) {
    await copyGroup();
    stored += group;
  }
  return result(stored, performance.now() - start, cpuSeconds() - cpu, group);
}

const result = (stored: number, elapsedMs: number, cpuSeconds: number, group: number): StatementFloor => ({
  cpuMicrosPerRequest: (cpuSeconds * 1e6) / stored,
  requestsPerSecond: stored / (elapsedMs / 1000),
  group,
});
