import type { Kysely, Migration } from "kysely";

/**
 * Traces (issue 21, decision 0013): the spans exported to `/v1/traces` (OTLP)
 * and `/spans-bulk` (PromptLayer's JS SDK), one row per (workspace, trace id,
 * span id) so a re-sent span is a no-op; and the trace and span a logged
 * request ran in. Times are nanoseconds since the epoch as 20-digit text
 * (exact on both dialects, and text order is time order); attributes, events,
 * links and the resource are JSON text.
 */
export const spansMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("span")
      .addColumn("workspace_id", "bigint", (column) => column.notNull().references("workspace.id").onDelete("cascade"))
      .addColumn("trace_id", "text", (column) => column.notNull())
      .addColumn("span_id", "text", (column) => column.notNull())
      .addColumn("parent_span_id", "text")
      .addColumn("name", "text", (column) => column.notNull())
      .addColumn("kind", "text", (column) => column.notNull())
      .addColumn("start_time_unix_nano", "text", (column) => column.notNull())
      .addColumn("end_time_unix_nano", "text", (column) => column.notNull())
      .addColumn("status_code", "text", (column) => column.notNull())
      .addColumn("status_message", "text")
      .addColumn("attributes", "text", (column) => column.notNull())
      .addColumn("events", "text")
      .addColumn("links", "text")
      .addColumn("resource", "text")
      .addColumn("scope", "text")
      .addColumn("created_at", "text", (column) => column.notNull())
      .addPrimaryKeyConstraint("span_pk", ["workspace_id", "trace_id", "span_id"])
      .execute();
    await db.schema.createIndex("span_workspace_start").on("span").columns(["workspace_id", "start_time_unix_nano"]).execute();
    await db.schema.createIndex("span_workspace_span_id").on("span").columns(["workspace_id", "span_id"]).execute();
    await db.schema.alterTable("request_log").addColumn("trace_id", "text").execute();
    await db.schema.alterTable("request_log").addColumn("span_id", "text").execute();
    await db.schema.createIndex("request_log_trace").on("request_log").columns(["workspace_id", "trace_id"]).execute();
    await db.schema.createIndex("request_log_span").on("request_log").columns(["workspace_id", "span_id"]).execute();
  },
};
