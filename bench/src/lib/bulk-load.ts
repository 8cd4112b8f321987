import { availableParallelism } from "node:os";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";

export interface BulkLoadOptions {
  workspaceId: number;
  /** The stored request every loaded row copies (its blueprint, request, response…): real sizes, real columns. */
  templateRequestId: string;
  /** Rows to add; numbered on from the workspace's counter. */
  count: number;
  /** `created_at` of the first row, and the step between rows (whole ms). */
  from: Date;
  stepMs: number;
  /** Progress lines. */
  log?: (message: string) => void;
}

/**
 * Copies one stored request `count` times inside the database (SQLite: a
 * recursive CTE; PostgreSQL: `generate_series`), each copy with its own
 * internal id, number, request id, `created_at`, `prompt-{n % 100}` and tags
 * `bench` and `tag-{n % 100}` and metadata `user: u{n % 1000}`, as
 * `records.ts` spreads them: what `insertMany` would store, minus the round
 * trips, so millions of rows load in minutes. The columns are read from the
 * table, so new ones are copied too. Request ids are zero-padded
 * (`bulk-{base}-000000042`) so they sort in insertion order, as the
 * time-ordered UUIDv7s clients send do.
 *
 * PostgreSQL (`loadPostgres`): a month whose partitions hold no rows is built
 * beside the table and attached once indexed, the way one bulk-loads a
 * partitioned table: rows go into plain heaps (no per-row index upkeep), the
 * indexes are built afterwards by sorting, and statements run on as many
 * connections as there are cores. SQLite (`loadSqlite`): one transaction
 * per chunk into the indexed tables (dropping the indexes for the load and
 * re-creating them cost more CPU: the keys mostly arrive in index order).
 */
export async function bulkLoadRequests(databaseUrl: string, options: BulkLoadOptions): Promise<{ rowsPerSecond: number }> {
  if (!Number.isInteger(options.stepMs) || options.stepMs < 1) throw new Error("stepMs must be a whole number of ms");
  const started = performance.now();
  if (/^sqlite:/i.test(databaseUrl)) await loadSqlite(databaseUrl.slice("sqlite:".length), options);
  else await loadPostgres(databaseUrl, options);
  return { rowsPerSecond: Math.round(options.count / ((performance.now() - started) / 1000)) };
}

/** Digits of the zero-padded request ids: enough for any count the bench loads. */
const idDigits = 9;
const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;
const thousands = (n: number) => n.toLocaleString("en-US");

/** Column expressions of a loaded row `n` (SQL over `n`), by column; the rest are copied from the template `t`. */
function loadedRowValues(dialect: "sqlite" | "postgres", base: number, firstId: number | undefined, options: BulkLoadOptions): Record<string, string> {
  const createdAt =
    dialect === "sqlite"
      ? `strftime('%Y-%m-%dT%H:%M:%fZ', (${options.from.getTime()} + n * ${options.stepMs}) / 1000.0, 'unixepoch')`
      : createdAtSql(options);
  return {
    ...(firstId === undefined ? {} : { id: `${firstId - 1} + n` }),
    number: `${base} + n`,
    request_id: dialect === "sqlite" ? `'bulk-${base}-' || printf('%0${idDigits}d', n)` : `'bulk-${base}-' || lpad(n::text, ${idDigits}, '0')`,
    prompt_name: `'prompt-' || (n % 100)`,
    created_at: createdAt,
  };
}

/** PostgreSQL: row `n`'s `created_at` in the stored format (`2026-12-05T18:11:19.137Z`). */
const createdAtSql = (options: BulkLoadOptions) =>
  `to_char(to_timestamp((${options.from.getTime()} + n::bigint * ${options.stepMs}) / 1000.0) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

// ---------------------------------------------------------------------------------------------------------------
// SQLite

const sqliteChunkRows = 250_000;

async function loadSqlite(filename: string, options: BulkLoadOptions): Promise<void> {
  const db = new BetterSqlite3(filename);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("cache_size = -262144");
    db.pragma("temp_store = MEMORY");
    const workspace = Number(options.workspaceId);
    const base = Number((db.prepare(`select request_counter from workspace where id = ${workspace}`).get() as { request_counter: number } | undefined)?.request_counter ?? 0);
    const template = db.prepare(`select id from request_log where workspace_id = ${workspace} and request_id = ${quote(options.templateRequestId)}`).get() as
      | { id: number }
      | undefined;
    if (!template) throw new Error(`no request ${options.templateRequestId} to copy`);
    const columns = (db.prepare("pragma table_info(request_log)").all() as { name: string }[]).map((row) => row.name).filter((column) => column !== "id");
    const values = loadedRowValues("sqlite", base, undefined, options);
    const select = columns.map((column) => values[column] ?? `t.${column}`).join(", ");

    for (let first = 1; first <= options.count; first += sqliteChunkRows) {
      const last = Math.min(options.count, first + sqliteChunkRows - 1);
      const range = `workspace_id = ${workspace} and number between ${base + first} and ${base + last}`;
      db.transaction(() => {
        db.exec(
          `insert into request_log (${columns.join(", ")}) select ${select}
           from (with recursive seq(n) as (select ${first} union all select n + 1 from seq where n < ${last}) select n from seq) seq,
                (select * from request_log where id = ${Number(template.id)}) t`,
        );
        db.exec(
          `insert into request_tag (request_log_id, workspace_id, tag, position, created_at)
           select id, workspace_id, 'bench', 0, created_at from request_log where ${range}
           union all select id, workspace_id, 'tag-' || ((number - ${base}) % 100), 1, created_at from request_log where ${range}`,
        );
        db.exec(
          `insert into request_metadata (request_log_id, workspace_id, key, value, created_at)
           select id, workspace_id, 'user', 'u' || ((number - ${base}) % 1000), created_at from request_log where ${range}`,
        );
      })();
      options.log?.(`bulk load: ${thousands(last)} of ${thousands(options.count)} rows`);
    }
    db.exec(`update workspace set request_counter = ${base + options.count} where id = ${workspace}`);
    db.exec("analyze");
    db.pragma("wal_checkpoint(TRUNCATE)");
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL

/** Rows per request_log statement: a progress line each. */
const postgresChunkRows = 500_000;
const partitionedTables = ["request_log", "request_tag", "request_metadata"] as const;
type PartitionedTable = (typeof partitionedTables)[number];
const inSchema = "relnamespace = (select oid from pg_namespace where nspname = current_schema())";

interface Month {
  suffix: string;
  from: string;
  to: string;
  /** Rows `first…last` (of 1…count) fall in this month. */
  first: number;
  last: number;
}

async function loadPostgres(url: string, options: BulkLoadOptions): Promise<void> {
  const connections = Math.max(2, availableParallelism());
  // Session settings for the load only: no wait for the WAL flush per statement, room to sort the index builds in
  // memory, one process per index build (the connections already use every core), and request_key's per-row
  // trigger off (the keys are inserted set-based below; needs a superuser, as the bench's postgres is).
  const settings = { synchronous_commit: "off", maintenance_work_mem: "1GB", max_parallel_maintenance_workers: "0", session_replication_role: "replica" };
  const pool = new pg.Pool({
    connectionString: url,
    max: connections,
    options: Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`).join(" "),
  });
  const one = async <T extends pg.QueryResultRow>(sql: string) => (await pool.query<T>(sql)).rows;
  try {
    const workspace = Number(options.workspaceId);
    const [counter] = await one<{ request_counter: string }>(`select request_counter from workspace where id = ${workspace}`);
    const base = Number(counter?.request_counter ?? 0);
    const [template] = await one<{ id: string }>(`select id from request_log where workspace_id = ${workspace} and request_id = ${quote(options.templateRequestId)}`);
    if (!template) throw new Error(`no request ${options.templateRequestId} to copy`);
    const columns = (
      await one<{ column_name: string }>(
        "select column_name from information_schema.columns where table_name = 'request_log' and table_schema = current_schema() order by ordinal_position",
      )
    ).map((row) => row.column_name);
    // Internal ids taken from the table's sequence in one step, so the side tables can name them without reading the log back.
    const [sequence] = await one<{ name: string }>("select pg_get_serial_sequence('request_log', 'id') as name");
    const [reserved] = await one<{ first: string }>(`select nextval(${quote(sequence!.name)}) as first`);
    const firstId = Number(reserved!.first);
    await one(`select setval(${quote(sequence!.name)}, ${firstId + options.count - 1})`);

    const values = loadedRowValues("postgres", base, firstId, options);
    const logSelect = (first: number, last: number) =>
      `select ${columns.map((column) => values[column] ?? `t.${column}`).join(", ")}
       from generate_series(${first}, ${last}) as n, (select * from request_log where id = ${Number(template.id)}) t`;
    const id = `${firstId - 1} + n`;
    const createdAt = createdAtSql(options);
    // Side rows in the order of their lookup index, (tag, created_at) and (value, created_at), so that index's
    // build finds its input already sorted (as the log's own indexes on created_at, number, id, request_id do).
    const tagSelect = (first: number, last: number) =>
      `select ${id}, ${workspace}, tags.tag, tags.position, ${createdAt}
       from (select 'bench' as tag, 0 as position, 1 as step, 0 as residue
             union all select 'tag-' || k, 1, 100, k from generate_series(0, 99) as k order by tag) as tags,
            lateral generate_series(${first} + (((tags.residue - ${first} % tags.step) % tags.step + tags.step) % tags.step), ${last}, tags.step) as n`;
    const metadataSelect = (first: number, last: number) =>
      `select ${id}, ${workspace}, 'user', 'u' || users.v, ${createdAt}
       from (select v from generate_series(0, 999) as v order by 'u' || v) as users,
            lateral generate_series(${first} + (((users.v - ${first} % 1000) % 1000 + 1000) % 1000), ${last}, 1000) as n`;
    const inserts: Record<PartitionedTable, { columns: string; select: (first: number, last: number) => string }> = {
      request_log: { columns: columns.join(", "), select: logSelect },
      request_tag: { columns: "request_log_id, workspace_id, tag, position, created_at", select: tagSelect },
      request_metadata: { columns: "request_log_id, workspace_id, key, value, created_at", select: metadataSelect },
    };

    const months = monthsOf(options);
    const fresh: Month[] = [];
    for (const month of months) {
      if (await monthIsEmpty(one, month)) fresh.push(month);
      else options.log?.(`bulk load: month ${month.suffix} already holds rows: its ${thousands(month.last - month.first + 1)} rows go in row by row`);
    }
    // A month without rows is built beside the table: partitions made ahead by the server (empty) are swapped out.
    for (const month of fresh) {
      for (const table of partitionedTables) {
        const partition = `${table}_${month.suffix}`;
        const [attached] = await one(`select 1 from pg_inherits i join pg_class c on c.oid = i.inhrelid where c.relname = ${quote(partition)} and c.${inSchema}`);
        if (attached) await one(`alter table ${table} detach partition ${partition}`);
        await one(`drop table if exists ${partition}`);
        // The bounds as a check constraint, valid from the start (the table is empty): the attach then skips its scan.
        await one(
          `create table ${partition} (like ${table} including defaults,
             constraint ${partition}_bulk_bounds check (created_at >= ${quote(month.from)} and created_at < ${quote(month.to)}))`,
        );
      }
    }

    const definitions = Object.fromEntries(await Promise.all(partitionedTables.map(async (table) => [table, await indexDefinitions(one, table)] as const)));
    const indexJobs = (table: PartitionedTable, month: Month): Job[] =>
      fresh.includes(month)
        ? definitions[table]!.map((definition) => ({
            run: async () => {
              const started = performance.now();
              const statement = definition(`${table}_${month.suffix}`);
              await one(statement);
              options.log?.(`bulk load: ${statement.replace(/ USING btree/, "")} in ${Math.round((performance.now() - started) / 1000)} s`);
            },
          }))
        : [];
    // Each table's rows of a month in one connection, in order (the heap then is in index order for most indexes);
    // the tables side by side on all connections; a table's indexes are built as soon as its rows are in. (Keeping the
    // log's indexes up during the load instead, on every connection, cost 1.15x the CPU and 1.2x the time at 1M rows:
    // bench/RESULTS.md, "Growth to 10M rows".)
    const jobs: Job[] = [];
    for (const table of partitionedTables) {
      for (const month of months) {
        const target = fresh.includes(month) ? `${table}_${month.suffix}` : table;
        jobs.push({
          run: async () => {
            const started = performance.now();
            for (const [first, last] of chunks(month.first, month.last, table === "request_log" ? postgresChunkRows : Number.MAX_SAFE_INTEGER)) {
              await one(`insert into ${target} (${inserts[table].columns}) ${inserts[table].select(first, last)}`);
              if (table === "request_log") options.log?.(`bulk load: ${thousands(last)} of ${thousands(options.count)} rows in request_log`);
            }
            options.log?.(`bulk load: ${table} rows of ${month.suffix} in ${Math.round((performance.now() - started) / 1000)} s`);
          },
          then: () => indexJobs(table, month),
        });
      }
    }
    // PostgreSQL's idempotency keys (migration 0011), claimed set-based rather than by the per-row trigger turned off above.
    jobs.push({
      run: async () => {
        const started = performance.now();
        await one(
          `insert into request_key (workspace_id, request_id, number, created_at)
           select ${workspace}, ${values.request_id}, ${values.number}, ${createdAt} from generate_series(1, ${options.count}) as n`,
        );
        options.log?.(`bulk load: request_key rows in ${Math.round((performance.now() - started) / 1000)} s`);
      },
    });
    await runJobs(connections, jobs);
    options.log?.(`bulk load: rows and indexes in; attaching ${fresh.length} month(s)`);
    for (const month of fresh) {
      for (const table of partitionedTables) {
        const partition = `${table}_${month.suffix}`;
        await one(`alter table ${table} attach partition ${partition} for values from (${quote(month.from)}) to (${quote(month.to)})`);
        await one(`alter table ${partition} drop constraint ${partition}_bulk_bounds`);
      }
    }
    await one(`update workspace set request_counter = ${base + options.count} where id = ${workspace}`);
    await runJobs(
      connections,
      ["request_log", "request_tag", "request_metadata", "request_key"].map((table) => ({ run: async () => void (await one(`analyze ${table}`)) })),
    );
  } finally {
    await pool.end();
  }
}

/** The months the loaded rows fall in, with the rows of each. */
function monthsOf(options: BulkLoadOptions): Month[] {
  const at = (n: number) => options.from.getTime() + n * options.stepMs;
  const months: Month[] = [];
  let first = 1;
  while (first <= options.count) {
    const start = new Date(at(first));
    const monthStart = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1);
    const monthEnd = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1);
    // The last row before the next month.
    const last = Math.min(options.count, Math.ceil((monthEnd - options.from.getTime()) / options.stepMs) - 1);
    const suffix = `y${start.getUTCFullYear()}m${String(start.getUTCMonth() + 1).padStart(2, "0")}`;
    months.push({ suffix, from: new Date(monthStart).toISOString(), to: new Date(monthEnd).toISOString(), first, last });
    first = last + 1;
  }
  return months;
}

/** Does no partition of the month exist, or do they hold no rows? */
async function monthIsEmpty(one: (sql: string) => Promise<unknown[]>, month: Month): Promise<boolean> {
  for (const table of partitionedTables) {
    const partition = `${table}_${month.suffix}`;
    if ((await one(`select 1 from pg_class where relname = ${quote(partition)} and ${inSchema}`)).length === 0) continue;
    if ((await one(`select 1 from ${partition} limit 1`)).length > 0) return false;
  }
  return true;
}

/**
 * The statements that give a new partition of `table` the indexes of the
 * partitioned table (primary key included), so the attach adopts them
 * instead of building its own.
 */
async function indexDefinitions(one: <T extends pg.QueryResultRow>(sql: string) => Promise<T[]>, table: PartitionedTable): Promise<Array<(partition: string) => string>> {
  const rows = await one<{ definition: string; constraint_definition: string | null }>(
    `select pg_get_indexdef(i.indexrelid) as definition, pg_get_constraintdef(c.oid) as constraint_definition
     from pg_index i join pg_class t on t.oid = i.indrelid
     left join pg_constraint c on c.conindid = i.indexrelid and c.conrelid = t.oid
     where t.relname = ${quote(table)} and t.${inSchema}`,
  );
  return rows.map((row) => (partition: string) => {
    if (row.constraint_definition) return `alter table ${partition} add ${row.constraint_definition}`;
    const statement = row.definition.replace(/^(CREATE (?:UNIQUE )?INDEX) \S+ ON ONLY \S+ /, `$1 ON ${partition} `);
    if (statement === row.definition) throw new Error(`unexpected index definition: ${row.definition}`);
    return statement;
  });
}

/** `first…last` in runs of at most `size`. */
function chunks(first: number, last: number, size: number): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (let start = first; start <= last; start += size) runs.push([start, Math.min(last, start + size - 1)]);
  return runs;
}

/** A statement (or a few) to run on one connection, and the jobs it makes possible. */
interface Job {
  run: () => Promise<void>;
  then?: () => Job[];
}

/** Runs `jobs` (and the jobs each one makes possible, once it is done) `concurrency` at a time; the first failure stops the rest. */
function runJobs(concurrency: number, jobs: readonly Job[]): Promise<void> {
  const queue = [...jobs];
  let running = 0;
  let failed = false;
  return new Promise((resolve, reject) => {
    const pump = () => {
      if (failed) return;
      if (running === 0 && queue.length === 0) return resolve();
      while (running < concurrency && queue.length > 0) {
        const job = queue.shift()!;
        running++;
        job.run().then(
          () => {
            running--;
            // What a job unlocks goes first: a table's index builds before the next table's rows.
            queue.unshift(...(job.then?.() ?? []));
            pump();
          },
          (error: unknown) => {
            failed = true;
            reject(error);
          },
        );
      }
    };
    pump();
  });
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
