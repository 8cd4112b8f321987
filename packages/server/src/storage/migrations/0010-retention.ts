import type { Kysely, Migration } from "kysely";

/**
 * Retention (issue 20, decision 0018): a workspace's own retention in days
 * (null: the server's `--retention-days`, or keep forever when that is unset),
 * and an index that lets the sweeper find a workspace's oldest spans by when
 * they were stored, as `request_log_recent` already does for requests.
 */
export const retentionMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("workspace").addColumn("retention_days", "integer").execute();
    await db.schema.createIndex("span_workspace_created").on("span").columns(["workspace_id", "created_at"]).execute();
  },
};
