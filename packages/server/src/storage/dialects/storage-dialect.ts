import type { CreateTableBuilder, Dialect, Kysely, Transaction } from "kysely";
import type { LogWrite } from "../internal/log-write.js";

/** What the retention sweep does with monthly partitions (`request-partitions.ts`). */
export interface RequestPartitions {
  /** Creates the current month's partitions and a few ahead, unless they exist. */
  createMonthsAhead(db: Kysely<unknown>, now: Date): Promise<void>;
  /** One step of dropping whole expired months; the requests it removed. */
  dropExpiredMonthsStep(db: Kysely<unknown>, workspaces: readonly { id: number; cutoff: string | undefined }[], now: Date, keysPerStep: number): Promise<number>;
}

/**
 * What differs between the databases, and nothing else. The repositories only
 * ever see a `Kysely<Database>` and never ask which dialect they run on; each
 * quirk the schema or the connection needs is a member here, implemented once
 * per database in `sqlite.ts` and `postgres.ts`.
 */
export interface StorageDialect {
  readonly name: "sqlite" | "postgres";
  /** The Kysely dialect that owns the connection(s). */
  readonly kyselyDialect: Dialect;
  /** Schema that holds Kysely's migration bookkeeping tables, when not the default one. */
  readonly migrationTableSchema: string | undefined;
  /** Adds the auto-incrementing integer primary key `id` (SQLite AUTOINCREMENT, PostgreSQL identity). */
  addIdColumn<TableName extends string, ColumnName extends string>(
    table: CreateTableBuilder<TableName, ColumnName>,
  ): CreateTableBuilder<TableName, ColumnName | "id">;
  /** Runs before the migrations (PostgreSQL: creates the configured schema). */
  prepare(db: Kysely<unknown>): Promise<void>;
  /**
   * A write transaction that resolves only once it is on disk, without
   * holding the event loop while the disk flushes (log ingestion, see
   * `GroupCommitter`): SQLite syncs its WAL on a libuv thread; PostgreSQL's
   * commit is asynchronous already.
   */
  durableTransaction<DB, T>(db: Kysely<DB>, work: (trx: Transaction<DB>) => Promise<T>): Promise<T>;
  /**
   * Writes one group commit of log records, as this database takes them
   * fastest: a transaction of multi-row VALUES on SQLite (no round trips in
   * process), one statement committed on its own on PostgreSQL (round trips
   * are what its commits cost).
   */
  readonly logWrite: LogWrite;
  /**
   * Log commits one workspace may have in flight at once (`GroupCommitter`).
   * More than one lets the next group's work overlap the previous one's
   * flush (SQLite: its WAL sync on a libuv thread; PostgreSQL: its commit);
   * numbers still grow in commit order (the counter is taken inside each).
   */
  readonly logCommitsInFlight: number;
  /**
   * Records that must be waiting before a commit beyond the first starts
   * (`GroupCommitter`'s `overlapMinRecords`): below it, they wait for the
   * commit in flight and go out as one larger group, where each commit's
   * fixed cost is what a small group costs most (PostgreSQL).
   */
  readonly logOverlapMinRecords: number;
  /**
   * SQLite: a workspace's committed registry revision, read synchronously on
   * the open connection (null: no such workspace), or undefined when it can't
   * be read that way now (connection not open yet, or inside a transaction of
   * this process, whose uncommitted revision may still roll back): the caller
   * then reads it through Kysely. Absent on PostgreSQL, whose reads are round
   * trips anyway.
   */
  readonly committedRegistryRevision?: (workspaceId: number) => number | null | undefined;
  /** Releases what the dialect holds besides Kysely's connections (SQLite: the log writer thread); the storage calls it on close. */
  close?(): Promise<void>;
  /** PostgreSQL: the monthly partitions of the request tables (migration 0011); absent on SQLite. */
  readonly requestPartitions?: RequestPartitions;
}
