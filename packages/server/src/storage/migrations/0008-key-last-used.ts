import type { Kysely, Migration } from "kysely";

/**
 * When each API key last authenticated a request, for the dashboard's key
 * list (which keys are still in use before revoking one). Null: never used
 * since this migration. Written at most once a minute per key and server
 * instance (`http/key-usage.ts`), outside the registry revision: the list
 * reads it straight from the table.
 */
export const keyLastUsedMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("api_key").addColumn("last_used_at", "text").execute();
  },
};
