import { LRUCache } from "lru-cache";
import { closeSync, constants, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { CompiledQuery, SqliteDialect, SqliteDriver } from "kysely";
import type { DatabaseConnection, Driver, SqliteDatabase, SqliteDialectConfig, SqliteStatement } from "kysely";
import type { StorageDialect } from "./storage-dialect.js";

export interface SqliteDialectOptions {
  /** A file path, or `:memory:` for a private in-memory database. */
  filename: string;
  /** How long a writer waits for another process's write lock before failing. Default 5000. */
  busyTimeoutMs?: number;
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
 * Transactions begin IMMEDIATE: a transaction that reads and then writes
 * (publishing a version reads the newest one) takes the write lock up front,
 * so a second process on the same file waits (`busy_timeout`) instead of
 * failing with SQLITE_BUSY when it upgrades its read lock. Within one process
 * Kysely already serialises everything over the single connection.
 */
export function createSqliteDialect(options: SqliteDialectOptions): StorageDialect {
  const { filename, busyTimeoutMs = 5000 } = options;
  const config: SqliteDialectConfig = {
    database: () => Promise.resolve(withStatementCache(openDatabase(filename, busyTimeoutMs))),
  };
  return {
    name: "sqlite",
    kyselyDialect: new ImmediateTransactionSqliteDialect(config),
    migrationTableSchema: undefined,
    addIdColumn: (table) => table.addColumn("id", "integer", (column) => column.primaryKey().autoIncrement()),
    prepare: () => Promise.resolve(),
  };
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
function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
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
