import BetterSqlite3 from "better-sqlite3";
import pg from "pg";

export interface BulkLoadOptions {
  workspaceId: number;
  /** The stored request every loaded row copies (its blueprint, request, response…): real sizes, real columns. */
  templateRequestId: string;
  /** Rows to add; numbered on from the workspace's counter. */
  count: number;
  /** `created_at` of the first row, and the step between rows (ms). */
  from: Date;
  stepMs: number;
  /** Progress lines. */
  log?: (message: string) => void;
}

const chunkRows = { sqlite: 200_000, postgres: 1_000_000 };

/**
 * Copies one stored request `count` times inside the database (SQLite: a
 * recursive CTE; PostgreSQL: `generate_series`), each copy with its own
 * number, request id, `created_at`, `prompt-{n % 100}` and tags `bench` and
 * `tag-{n % 100}` and metadata `user: u{n % 1000}`, as `records.ts` spreads them: what `insertMany`
 * would store, minus the round trips, so millions of rows load in minutes.
 * The columns are read from the table, so new ones are copied too.
 */
export async function bulkLoadRequests(databaseUrl: string, options: BulkLoadOptions): Promise<{ rowsPerSecond: number }> {
  const started = performance.now();
  const sqlite = /^sqlite:/i.test(databaseUrl);
  const run = sqlite ? await sqliteRunner(databaseUrl.slice("sqlite:".length)) : await postgresRunner(databaseUrl);
  try {
    const columns = (await run.columns()).filter((column) => column !== "id");
    const [counter] = await run.query<{ request_counter: number | string }>(`select request_counter from workspace where id = ${Number(options.workspaceId)}`);
    const base = Number(counter?.request_counter ?? 0);
    const [template] = await run.query<{ id: number | string }>(
      `select id from request_log where workspace_id = ${Number(options.workspaceId)} and request_id = ${quote(options.templateRequestId)}`,
    );
    if (!template) throw new Error(`no request ${options.templateRequestId} to copy`);
    if (run.hasRequestKeys) await run.exec(monthPartitionsSql(options.from, new Date(options.from.getTime() + options.count * options.stepMs)));
    const chunk = sqlite ? chunkRows.sqlite : chunkRows.postgres;
    for (let first = 1; first <= options.count; first += chunk) {
      const last = Math.min(options.count, first + chunk - 1);
      const n = sqlite ? "seq.n" : "n";
      const createdAt = sqlite
        ? `strftime('%Y-%m-%dT%H:%M:%fZ', (${options.from.getTime()} + ${n} * ${options.stepMs}) / 1000.0, 'unixepoch')`
        : `to_char(to_timestamp((${options.from.getTime()} + ${n}::bigint * ${options.stepMs}) / 1000.0) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
      const values: Record<string, string> = {
        number: `${base} + ${n}`,
        request_id: `'bulk-${base}-' || ${n}`,
        prompt_name: `'prompt-' || (${n} % 100)`,
        created_at: createdAt,
      };
      const select = columns.map((column) => values[column] ?? `t.${column}`).join(", ");
      const rows = sqlite
        ? `(with recursive seq(n) as (select ${first} union all select n + 1 from seq where n < ${last}) select n from seq) seq`
        : `generate_series(${first}, ${last}) as n`;
      await run.exec(`insert into request_log (${columns.join(", ")}) select ${select} from ${rows}, (select * from request_log where id = ${Number(template.id)}) t`);
      const range = `workspace_id = ${Number(options.workspaceId)} and number between ${base + first} and ${base + last}`;
      await run.exec(
        `insert into request_tag (request_log_id, workspace_id, tag, position, created_at)
         select id, workspace_id, 'bench', 0, created_at from request_log where ${range}
         union all select id, workspace_id, 'tag-' || ((number - ${base}) % 100), 1, created_at from request_log where ${range}`,
      );
      await run.exec(
        `insert into request_metadata (request_log_id, workspace_id, key, value, created_at)
         select id, workspace_id, 'user', 'u' || ((number - ${base}) % 1000), created_at from request_log where ${range}`,
      );
      // PostgreSQL's idempotency keys (migration 0011), claimed in one statement rather than by the per-row trigger the loader turned off.
      if (run.hasRequestKeys) {
        await run.exec(`insert into request_key (workspace_id, request_id, number, created_at) select workspace_id, request_id, number, created_at from request_log where ${range}`);
      }
      options.log?.(`bulk load: ${last.toLocaleString("en-US")} of ${options.count.toLocaleString("en-US")} rows`);
    }
    await run.exec(`update workspace set request_counter = ${base + options.count} where id = ${Number(options.workspaceId)}`);
    await run.exec(sqlite ? "analyze" : "analyze request_log; analyze request_tag; analyze request_metadata");
  } finally {
    await run.close();
  }
  return { rowsPerSecond: Math.round(options.count / ((performance.now() - started) / 1000)) };
}

/**
 * PostgreSQL: the monthly partitions of the loaded range, as the server
 * names them (`storage/dialects/request-partitions.ts`), so the rows land in
 * their months rather than in the default partition, as they would on a
 * server that had been running through those months.
 */
function monthPartitionsSql(from: Date, to: Date): string {
  const statements: string[] = [];
  for (let month = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), 1)); month <= to; month = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1))) {
    const next = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1));
    const suffix = `y${month.getUTCFullYear()}m${String(month.getUTCMonth() + 1).padStart(2, "0")}`;
    for (const table of ["request_log", "request_tag", "request_metadata"]) {
      statements.push(`create table if not exists ${table}_${suffix} partition of ${table} for values from ('${month.toISOString()}') to ('${next.toISOString()}')`);
    }
  }
  return statements.join(";\n");
}

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

interface Runner {
  /** PostgreSQL after migration 0011: keys live in `request_key`, and this session's triggers are off (`session_replication_role`). */
  hasRequestKeys: boolean;
  columns(): Promise<string[]>;
  query<T>(sql: string): Promise<T[]>;
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

async function sqliteRunner(filename: string): Promise<Runner> {
  const db = new BetterSqlite3(filename);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  return {
    hasRequestKeys: false,
    columns: () => Promise.resolve((db.prepare("pragma table_info(request_log)").all() as { name: string }[]).map((row) => row.name)),
    query: <T>(sql: string) => Promise.resolve(db.prepare(sql).all() as T[]),
    exec: (sql: string) => Promise.resolve(void db.exec(sql)),
    close: () => Promise.resolve(void db.close()),
  };
}

async function postgresRunner(url: string): Promise<Runner> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query("select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relname = 'request_key' and n.nspname = current_schema()");
  const hasRequestKeys = rows.length > 0;
  // A set-based key insert per chunk instead of a trigger call per row (needs a superuser, as the bench's postgres is).
  if (hasRequestKeys) await client.query("set session_replication_role = replica");
  return {
    hasRequestKeys,
    columns: async () =>
      (
        await client.query<{ column_name: string }>(
          "select column_name from information_schema.columns where table_name = 'request_log' and table_schema = current_schema() order by ordinal_position",
        )
      ).rows.map((row) => row.column_name),
    query: async <T>(sql: string) => (await client.query(sql)).rows as T[],
    exec: async (sql: string) => void (await client.query(sql)),
    close: () => client.end(),
  };
}

/**
 * Bytes the request log takes on disk: SQLite, the whole file after a WAL
 * checkpoint (the log is nearly all of it); PostgreSQL, `request_log`,
 * `request_tag`, `request_metadata` (every partition) and `request_key`,
 * with their indexes and TOAST.
 */
export async function requestLogBytes(databaseUrl: string): Promise<number> {
  if (/^sqlite:/i.test(databaseUrl)) {
    const db = new BetterSqlite3(databaseUrl.slice("sqlite:".length));
    try {
      db.pragma("wal_checkpoint(TRUNCATE)");
      return Number(db.pragma("page_count", { simple: true })) * Number(db.pragma("page_size", { simple: true }));
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // A partitioned table holds no rows itself: its partitions do.
    const { rows } = await client.query<{ bytes: string }>(
      `select coalesce(sum(case when c.relkind = 'p'
         then (select sum(pg_total_relation_size(tree.relid)) from pg_partition_tree(c.oid) as tree)
         else pg_total_relation_size(c.oid) end), 0)::text as bytes
       from pg_class c join pg_namespace n on n.oid = c.relnamespace and n.nspname = current_schema()
       where c.relname in ('request_log', 'request_tag', 'request_metadata', 'request_key')`,
    );
    return Number(rows[0]?.bytes ?? 0);
  } finally {
    await client.end();
  }
}
