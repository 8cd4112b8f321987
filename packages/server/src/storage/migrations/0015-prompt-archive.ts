import type { Kysely, Migration } from "kysely";

/**
 * Archived prompts (issue 19): `archived_at` set hides a prompt from lists and
 * refuses to run it or publish onto it, keeping its versions, labels and
 * logged requests; unarchiving clears it. Null: live.
 */
export const promptArchiveMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("prompt").addColumn("archived_at", "text").execute();
  },
};
