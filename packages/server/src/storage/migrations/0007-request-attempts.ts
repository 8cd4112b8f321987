import type { Kysely, Migration } from "kysely";

/**
 * The provider attempts of a run with fallbacks (`attempts`, JSON): which
 * provider and model each call went to, how it ended and how long it took.
 * Null for records with nothing to list (tracked requests, old rows).
 */
export const requestAttemptsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("request_log").addColumn("attempts", "text").execute();
  },
};
