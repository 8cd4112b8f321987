import type { Kysely, Transaction } from "kysely";
import type { Database } from "../database-schema.js";
import type { LogWrite } from "../internal/log-write.js";
import type { RequestPartitions } from "../dialects/storage-dialect.js";

/** What every repository is built from. */
export interface RepositoryContext {
  db: Kysely<Database>;
  /** The current time as stored (ISO-8601 UTC). */
  timestamp: () => string;
  /** A fresh API key plaintext. */
  generateApiKey: () => string;
  /** A write transaction that resolves once on disk, the flush off the event loop (`StorageDialect.durableTransaction`). */
  durableTransaction: <T>(work: (trx: Transaction<Database>) => Promise<T>) => Promise<T>;
  /** One group commit of log records, as the database takes it fastest (`StorageDialect.logWrite`). */
  logWrite: LogWrite;
  /** Log commits one workspace may have in flight (`StorageDialect.logCommitsInFlight`). */
  logCommitsInFlight: number;
  /** Records waiting before a second commit overlaps the first (`StorageDialect.logOverlapMinRecords`). */
  logOverlapMinRecords: number;
  /** PostgreSQL's monthly request partitions (migration 0011); absent on SQLite. */
  requestPartitions?: RequestPartitions;
}
