import { InvalidRequestError } from "@promptline/core";
import { createPostgresDialect } from "./dialects/postgres.js";
import { createSqliteDialect } from "./dialects/sqlite.js";
import type { StorageDialect } from "./dialects/storage-dialect.js";
import { createKyselyStorage } from "./kysely-storage.js";
import type { StorageOptions } from "./kysely-storage.js";
import type { Storage } from "./storage.js";

export interface CreateStorageOptions extends StorageOptions {
  /** PostgreSQL: keep every table in this schema (created if missing). */
  schema?: string;
  /** PostgreSQL: most pooled connections. Default 10. */
  maxConnections?: number;
  /** SQLite: how long to wait for another process's write lock. Default 5000. */
  busyTimeoutMs?: number;
  /** SQLite: write log records on a worker thread with its own connection (decision 0029). Default true. */
  logWriterThread?: boolean;
  /** Run the migrations before returning. Default true. */
  migrate?: boolean;
}

export type DatabaseTarget = { kind: "sqlite"; filename: string } | { kind: "postgres"; connectionString: string };

const urlScheme = /^([a-z][a-z0-9+.-]*):\/\//i;

/**
 * Reads `--database`: `sqlite:./file.db`, `sqlite:///abs/file.db`,
 * `sqlite::memory:`, a bare path (or `:memory:`), `postgres://…` or
 * `postgresql://…`.
 */
export function parseDatabaseUrl(databaseUrl: string): DatabaseTarget {
  const url = databaseUrl.trim();
  if (url === "") throw new InvalidRequestError("The database URL is empty: pass sqlite:./promptline.db or postgres://…", ["database"]);
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: "postgres", connectionString: url };
  if (/^sqlite:/i.test(url)) {
    const rest = url.slice("sqlite:".length);
    const filename = rest.startsWith("//") ? rest.slice(2) : rest;
    if (filename === "") throw new InvalidRequestError(`No file in "${databaseUrl}": write sqlite:./promptline.db or sqlite::memory:.`, ["database"]);
    return { kind: "sqlite", filename };
  }
  const scheme = urlScheme.exec(url)?.[1];
  if (scheme) {
    throw new InvalidRequestError(`Unsupported database "${scheme}://": use sqlite:<file>, a file path, or postgres://…`, ["database"]);
  }
  return { kind: "sqlite", filename: url };
}

/** Opens the database named by `databaseUrl`, brings its schema up to date, and returns the storage. */
export async function createStorage(databaseUrl: string, options: CreateStorageOptions = {}): Promise<Storage> {
  const target = parseDatabaseUrl(databaseUrl);
  const dialect: StorageDialect =
    target.kind === "postgres"
      ? createPostgresDialect({
          connectionString: target.connectionString,
          ...(options.schema === undefined ? {} : { schema: options.schema }),
          ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
        })
      : createSqliteDialect({
          filename: target.filename,
          ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
          ...(options.logWriterThread === undefined ? {} : { logWriterThread: options.logWriterThread }),
        });
  const storage = createKyselyStorage(dialect, options);
  if (options.migrate !== false) {
    try {
      await storage.migrate();
    } catch (error) {
      await storage.close();
      throw error;
    }
  }
  return storage;
}
