import type { Kysely, Migration } from "kysely";

/**
 * What a run reported beside its answer: the warnings of `prepareRequest`
 * (parameters dropped or renamed on the way) and the snippet versions its
 * template was expanded with. JSON text, null when empty, so old rows need
 * no backfill.
 */
export const requestWarningsSnippetsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("request_log").addColumn("warnings", "text").execute();
    await db.schema.alterTable("request_log").addColumn("snippets", "text").execute();
  },
};
