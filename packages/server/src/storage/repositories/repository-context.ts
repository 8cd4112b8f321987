import type { Kysely } from "kysely";
import type { Database } from "../database-schema.js";

/** What every repository is built from. */
export interface RepositoryContext {
  db: Kysely<Database>;
  /** The current time as stored (ISO-8601 UTC). */
  timestamp: () => string;
  /** A fresh API key plaintext. */
  generateApiKey: () => string;
}
