import { LRUCache } from "lru-cache";
import { closeSync, constants, mkdirSync, openSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { CompiledQuery, SqliteDialect, SqliteDriver, sql } from "kysely";
import type { DatabaseConnection, Driver, SqliteDatabase, SqliteDialectConfig, SqliteStatement } from "kysely";
import { transactionalLogWrite } from "../internal/log-write.js";
import { logWorkerAvailable, SqliteLogWriter } from "./sqlite-log-writer.js";
import type { StorageDialect } from "./storage-dialect.js";

export interface SqliteDialectOptions {
  /** A file path, or `:memory:` for a private in-memory database. */
  filename: string;
  /** How long a writer waits for another process's write lock before failing. Default 5000. */
  busyTimeoutMs?: number;
  /**
   * Write log records on a worker thread with its own connection (decision
   * 0029). Default true; a database that is not a file in WAL mode
   * (`:memory:`), or a bundle without the worker's module, writes them on
   * the server's connection.
   */
  logWriterThread?: boolean;
}

/**
 * SQLite through better-sqlite3 12.
 *
 * Durability: WAL with `synchronous=FULL`. The server answers 2xx only after
 * the commit returned, and FULL fsyncs the WAL on every commit, so a logged
 * request survives a power loss or an OS crash right after the answer. WAL
 * with `synchronous=NORMAL` would survive a killed process (the WAL sits in
 * the OS page cache) but not an OS crash, which is why we do not use it; the
 * cost of FULL is one fsync per commit, which the batched log endpoint
 * amortises over many records.
 *
 * Log ingestion keeps that promise without stopping the server for the
 * flush (`durableTransaction`, decision 0017): better-sqlite3 runs on the
 * event loop, so FULL's fsync blocks every other request for as long as the
 * disk takes. Its log transactions run with `synchronous=NORMAL` (no fsync
 * in the commit), then sync the WAL file from a libuv thread, and only then
 * are their callers answered: the same bytes are on disk before the 2xx, and
 * meanwhile the server reads the next requests, which join the next commit.
 *
 * Transactions begin IMMEDIATE: a transaction that reads and then writes
 * (publishing a version reads the newest one) takes the write lock up front,
 * so a second process on the same file waits (`busy_timeout`) instead of
 * failing with SQLITE_BUSY when it upgrades its read lock. Within one process
 * Kysely already serialises everything over the single connection.
 *
 * Log records of a file database are written by a worker thread on a
 * connection of its own (`SqliteLogWriter`, decision 0029): SQLite's work
 * for them runs on another core than the event loop, with the same
 * durability and numbering. The server's connection still reads everything
 * (WAL: it sees each log commit once the worker has answered).
 */
export function createSqliteDialect(options: SqliteDialectOptions): StorageDialect {
  const { filename, busyTimeoutMs = 5000, logWriterThread = true } = options;
  let wal: WalFile | undefined;
  let open: BetterSqlite3.Database | undefined;
  let logWriter: SqliteLogWriter | undefined;
  const config: SqliteDialectConfig = {
    database: () => {
      const database = openDatabase(filename, busyTimeoutMs);
      if (database.pragma("journal_mode", { simple: true }) === "wal") {
        wal = new WalFile(`${resolve(filename)}-wal`);
        if (logWriterThread && logWorkerAvailable()) logWriter = new SqliteLogWriter({ filename: resolve(filename), busyTimeoutMs });
      }
      open = database;
      return Promise.resolve(
        withStatementCache(database, () => {
          open = undefined;
          wal?.close();
        }),
      );
    },
  };
  const dialect: StorageDialect = {
    name: "sqlite",
    kyselyDialect: new ImmediateTransactionSqliteDialect(config),
    migrationTableSchema: undefined,
    addIdColumn: (table) => table.addColumn("id", "integer", (column) => column.primaryKey().autoIncrement()),
    prepare: () => Promise.resolve(),
    async logWrite(db, workspaceId, build) {
      const writer = logWriter;
      if (!writer) return inThreadLogWrite(db, workspaceId, build);
      // The rows are built here (their trace ids read outside any transaction, as PostgreSQL's write does); the worker links prompts and writes them.
      return writer.write(workspaceId, await build(db, { writerLinksPrompts: true }));
    },
    logCommitsInFlight: 2,
    logOverlapMinRecords: 1,
    async close() {
      const writer = logWriter;
      logWriter = undefined;
      await writer?.close();
    },
    committedRegistryRevision: committedRevisionReader(() => open),
    async durableTransaction(db, work) {
      // In memory, or not in WAL mode (some file systems): the ordinary transaction, synced as configured.
      if (!wal) return db.transaction().execute(work);
      const walFile = wal;
      // One connection throughout, so no other statement runs while `synchronous` is NORMAL.
      const result = await db.connection().execute(async (connection) => {
        await sql`pragma synchronous = NORMAL`.execute(connection);
        try {
          return await connection.transaction().execute(work);
        } finally {
          await sql`pragma synchronous = FULL`.execute(connection);
        }
      });
      await walFile.sync();
      return result;
    },
  };
  const inThreadLogWrite = transactionalLogWrite((db, work) => dialect.durableTransaction(db, work));
  return dialect;
}

/**
 * Reads a workspace's registry revision straight from better-sqlite3: a
 * primary-key read costs ~1 µs, against ~10 µs through Kysely's async driver
 * and its connection mutex, and a cached registry read makes one per call.
 * Outside a transaction the connection sees exactly what is committed (by
 * this process or any other on the file), which is what Kysely's read would
 * see. Inside one (this process is mid-write, holding Kysely's mutex) it would
 * see an uncommitted revision that a rollback can hand out again later for
 * other data, so it declines and the caller waits its turn through Kysely.
 */
function committedRevisionReader(database: () => BetterSqlite3.Database | undefined) {
  let statement: BetterSqlite3.Statement<[number], number | undefined> | undefined;
  let preparedOn: BetterSqlite3.Database | undefined;
  return (workspaceId: number): number | null | undefined => {
    const db = database();
    if (!db?.open || db.inTransaction) return undefined;
    try {
      if (preparedOn !== db) {
        statement = db.prepare<[number], number | undefined>("select registry_revision from workspace where id = ?").pluck();
        preparedOn = db;
      }
      const revision = statement!.get(workspaceId);
      return revision === undefined ? null : Number(revision);
    } catch {
      // Not migrated yet, or the connection is busy: Kysely's path reads it (and reports a real error).
      return undefined;
    }
  };
}

/**
 * The WAL file, synced from a libuv thread (`fdatasync`, as SQLite's own FULL
 * sync does on Linux). Opened on the first sync, after a commit has created
 * it; it lives as long as the connection (SQLite deletes it only when the last
 * connection closes).
 */
class WalFile {
  #handle: Promise<FileHandle> | undefined;
  constructor(readonly path: string) {}

  async sync(): Promise<void> {
    this.#handle ??= open(this.path, "r");
    try {
      await (await this.#handle).datasync();
    } catch (error) {
      this.#handle = undefined;
      throw error;
    }
  }

  close(): void {
    const handle = this.#handle;
    this.#handle = undefined;
    void handle?.then((file) => file.close()).catch(() => undefined);
  }
}

function openDatabase(filename: string, busyTimeoutMs: number): BetterSqlite3.Database {
  const inMemory = filename === ":memory:" || filename === "";
  if (!inMemory) {
    mkdirSync(dirname(filename), { recursive: true });
    createPrivately(filename);
  }
  const database = new BetterSqlite3(filename, { timeout: busyTimeoutMs });
  if (!inMemory) database.pragma("journal_mode = WAL");
  database.pragma("synchronous = FULL");
  database.pragma("foreign_keys = ON");
  database.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  return database;
}

/**
 * Creates a missing database file readable by its owner only (0600): it holds
 * prompts, logs and key hashes. SQLite gives the `-wal` and `-shm` files it
 * creates the main file's permissions. An existing file is left as it is.
 */
function createPrivately(filename: string): void {
  try {
    closeSync(openSync(filename, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
}

/** Prepared statements kept per connection; Kysely's SQL is parameterised, so few texts repeat. */
const statementCacheSize = 500;

/**
 * Kysely's driver calls `prepare(sql)` for every query, and better-sqlite3
 * compiles the statement anew each time: the top frame of the template-fetch
 * profile. This wrapper hands back a cached statement per SQL text (LRU,
 * bounded). Reuse is safe: the driver only calls `reader`, `all`, `run` and
 * `iterate`, one query at a time over the single connection, and SQLite
 * re-prepares a statement by itself when the schema changed (migrations).
 */
function withStatementCache(database: BetterSqlite3.Database, onClose: () => void): SqliteDatabase {
  const cache = new LRUCache<string, SqliteStatement>({ max: statementCacheSize });
  return {
    prepare(sql: string): SqliteStatement {
      const cached = cache.get(sql);
      if (cached) return cached;
      const statement = database.prepare(sql);
      cache.set(sql, statement);
      return statement;
    },
    close() {
      cache.clear();
      onClose();
      database.close();
    },
  };
}

class ImmediateTransactionSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

class ImmediateTransactionSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateTransactionSqliteDriver(this.#config);
  }
}
