import { sql, type Kysely, type Migration } from "kysely";

/**
 * Issue 13 (decision 0006):
 *
 * - `revoked_session`: dashboard sessions ended by signing out, refused until
 *   their token would have expired anyway (then forgotten). In the database,
 *   so every instance refuses them.
 * - `request_log.number`: the integer id PromptLayer's routes show
 *   (`request_id` of `/track-request`, the `id` of a logged request), counted
 *   per workspace from `workspace.request_counter`, so one workspace no longer
 *   sees another's volume. Existing rows keep their old id as their number
 *   (clients may still hold it); each workspace counts on from its highest.
 */
export const sessionsRequestNumbersMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("revoked_session")
      .addColumn("workspace_id", "bigint", (column) => column.notNull().references("workspace.id").onDelete("cascade"))
      .addColumn("token_id", "text", (column) => column.notNull())
      .addColumn("expires_at", "text", (column) => column.notNull())
      .addPrimaryKeyConstraint("revoked_session_pk", ["workspace_id", "token_id"])
      .execute();
    await db.schema.createIndex("revoked_session_expiry").on("revoked_session").columns(["expires_at"]).execute();

    await db.schema.alterTable("workspace").addColumn("request_counter", "bigint", (column) => column.notNull().defaultTo(0)).execute();
    await db.schema.alterTable("request_log").addColumn("number", "bigint").execute();
    await sql`update request_log set number = id`.execute(db);
    await sql`update workspace set request_counter = coalesce((select max(r.number) from request_log r where r.workspace_id = workspace.id), 0)`.execute(db);
    await db.schema.createIndex("request_log_workspace_number").on("request_log").columns(["workspace_id", "number"]).unique().execute();
  },
};
