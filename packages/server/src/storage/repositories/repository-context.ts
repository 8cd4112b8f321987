import type { Kysely } from "kysely";
import type { Database } from "../database-schema.js";
import type { RequestPartitions } from "../dialects/storage-dialect.js";

/** What every repository is built from. */
export interface RepositoryContext {
  db: Kysely<Database>;
  /** The current time as stored (ISO-8601 UTC). */
  timestamp: () => string;
  /** A fresh API key plaintext. */
  generateApiKey: () => string;
  /** PostgreSQL's monthly request partitions (migration 0011); absent on SQLite. */
  requestPartitions?: RequestPartitions;
}
