import type { Kysely, Migration } from "kysely";
import type { StorageDialect } from "../dialects/storage-dialect.js";

/**
 * The first schema. Every table carries `workspace_id`, and every index a
 * workspace-scoped query uses starts with it. Integer references are `bigint`
 * (PostgreSQL identity ids are bigint; SQLite reads any integer type alike).
 */
export function initialMigration(dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await dialect
        .addIdColumn(db.schema.createTable("workspace"))
        .addColumn("slug", "text", (column) => column.notNull().unique())
        .addColumn("name", "text", (column) => column.notNull())
        .addColumn("created_at", "text", (column) => column.notNull())
        .execute();

      await dialect
        .addIdColumn(db.schema.createTable("api_key"))
        .addColumn("workspace_id", "bigint", (column) => column.notNull().references("workspace.id").onDelete("cascade"))
        .addColumn("name", "text")
        .addColumn("key_hash", "text", (column) => column.notNull().unique())
        .addColumn("prefix", "text", (column) => column.notNull())
        .addColumn("is_admin", "integer", (column) => column.notNull().defaultTo(0))
        .addColumn("created_at", "text", (column) => column.notNull())
        .addColumn("revoked_at", "text")
        .execute();
      await db.schema.createIndex("api_key_workspace").on("api_key").columns(["workspace_id", "id"]).execute();

      await dialect
        .addIdColumn(db.schema.createTable("prompt"))
        .addColumn("workspace_id", "bigint", (column) => column.notNull().references("workspace.id").onDelete("cascade"))
        .addColumn("name", "text", (column) => column.notNull())
        .addColumn("search_name", "text", (column) => column.notNull())
        .addColumn("tags", "text", (column) => column.notNull().defaultTo("[]"))
        .addColumn("latest_version", "integer", (column) => column.notNull().defaultTo(0))
        .addColumn("created_at", "text", (column) => column.notNull())
        .addColumn("updated_at", "text", (column) => column.notNull())
        .addUniqueConstraint("prompt_workspace_name", ["workspace_id", "name"])
        .execute();
      await db.schema.createIndex("prompt_workspace_updated").on("prompt").columns(["workspace_id", "updated_at", "id"]).execute();

      await dialect
        .addIdColumn(db.schema.createTable("prompt_version"))
        .addColumn("workspace_id", "bigint", (column) => column.notNull().references("workspace.id").onDelete("cascade"))
        .addColumn("prompt_id", "bigint", (column) => column.notNull().references("prompt.id").onDelete("cascade"))
        .addColumn("version", "integer", (column) => column.notNull())
        .addColumn("prompt_template", "text", (column) => column.notNull())
        .addColumn("metadata", "text", (column) => column.notNull())
        .addColumn("content_hash", "text", (column) => column.notNull())
        .addColumn("commit_message", "text")
        .addColumn("author_key_id", "bigint")
        .addColumn("created_at", "text", (column) => column.notNull())
        .addUniqueConstraint("prompt_version_number", ["prompt_id", "version"])
        .execute();

      await dialect
        .addIdColumn(db.schema.createTable("release_label"))
        .addColumn("workspace_id", "bigint", (column) => column.notNull().references("workspace.id").onDelete("cascade"))
        .addColumn("prompt_id", "bigint", (column) => column.notNull().references("prompt.id").onDelete("cascade"))
        .addColumn("name", "text", (column) => column.notNull())
        .addColumn("prompt_version_id", "bigint", (column) => column.notNull().references("prompt_version.id").onDelete("cascade"))
        .addColumn("created_at", "text", (column) => column.notNull())
        .addColumn("updated_at", "text", (column) => column.notNull())
        .addUniqueConstraint("release_label_prompt_name", ["prompt_id", "name"])
        .execute();
      await db.schema.createIndex("release_label_workspace_name").on("release_label").columns(["workspace_id", "name"]).execute();

      await dialect
        .addIdColumn(db.schema.createTable("label_history"))
        .addColumn("workspace_id", "bigint", (column) => column.notNull().references("workspace.id").onDelete("cascade"))
        .addColumn("prompt_id", "bigint", (column) => column.notNull().references("prompt.id").onDelete("cascade"))
        .addColumn("label_name", "text", (column) => column.notNull())
        .addColumn("from_version", "integer")
        .addColumn("to_version", "integer")
        .addColumn("actor_key_id", "bigint")
        .addColumn("created_at", "text", (column) => column.notNull())
        .execute();
      await db.schema.createIndex("label_history_prompt").on("label_history").columns(["prompt_id", "id"]).execute();

      await dialect
        .addIdColumn(db.schema.createTable("request_group"))
        .addColumn("workspace_id", "bigint", (column) => column.notNull().references("workspace.id").onDelete("cascade"))
        .addColumn("created_at", "text", (column) => column.notNull())
        .execute();

      await dialect
        .addIdColumn(db.schema.createTable("request_log"))
        .addColumn("workspace_id", "bigint", (column) => column.notNull().references("workspace.id").onDelete("cascade"))
        .addColumn("request_id", "text", (column) => column.notNull())
        .addColumn("prompt_id", "bigint", (column) => column.references("prompt.id").onDelete("set null"))
        .addColumn("prompt_name", "text")
        .addColumn("prompt_version", "integer")
        .addColumn("prompt_label", "text")
        .addColumn("group_id", "bigint")
        .addColumn("input_variables", "text", (column) => column.notNull())
        .addColumn("status", "text", (column) => column.notNull())
        .addColumn("provider", "text", (column) => column.notNull())
        .addColumn("model", "text", (column) => column.notNull())
        .addColumn("function_name", "text")
        .addColumn("input_tokens", "bigint")
        .addColumn("output_tokens", "bigint")
        .addColumn("cached_input_tokens", "bigint")
        .addColumn("reasoning_tokens", "bigint")
        .addColumn("cost_usd", "double precision")
        .addColumn("latency_ms", "double precision")
        .addColumn("request_start_time", "text")
        .addColumn("request_end_time", "text")
        .addColumn("request", "text", (column) => column.notNull())
        .addColumn("response", "text")
        .addColumn("prompt_blueprint", "text")
        .addColumn("error_type", "text")
        .addColumn("error_message", "text")
        .addColumn("created_at", "text", (column) => column.notNull())
        .addUniqueConstraint("request_log_workspace_request_id", ["workspace_id", "request_id"])
        .execute();
      // One index per dashboard filter, each ending in the page order (created_at, id).
      const requestIndexes: Record<string, string[]> = {
        request_log_recent: ["workspace_id", "created_at", "id"],
        request_log_prompt_name: ["workspace_id", "prompt_name", "created_at", "id"],
        request_log_prompt_id: ["workspace_id", "prompt_id", "created_at"],
        request_log_label: ["workspace_id", "prompt_label", "created_at", "id"],
        request_log_status: ["workspace_id", "status", "created_at", "id"],
        request_log_provider: ["workspace_id", "provider", "created_at", "id"],
        request_log_model: ["workspace_id", "model", "created_at", "id"],
        request_log_group: ["workspace_id", "group_id"],
      };
      for (const [name, columns] of Object.entries(requestIndexes)) {
        await db.schema.createIndex(name).on("request_log").columns(columns).execute();
      }

      await db.schema
        .createTable("request_tag")
        .addColumn("request_log_id", "bigint", (column) => column.notNull().references("request_log.id").onDelete("cascade"))
        .addColumn("workspace_id", "bigint", (column) => column.notNull())
        .addColumn("tag", "text", (column) => column.notNull())
        .addColumn("position", "integer", (column) => column.notNull())
        .addColumn("created_at", "text", (column) => column.notNull())
        .addPrimaryKeyConstraint("request_tag_pk", ["request_log_id", "tag"])
        .execute();
      // Carries the request's created_at so a tag filter reads its matches already in page order.
      await db.schema
        .createIndex("request_tag_lookup")
        .on("request_tag")
        .columns(["workspace_id", "tag", "created_at", "request_log_id"])
        .execute();

      await db.schema
        .createTable("request_metadata")
        .addColumn("request_log_id", "bigint", (column) => column.notNull().references("request_log.id").onDelete("cascade"))
        .addColumn("workspace_id", "bigint", (column) => column.notNull())
        .addColumn("key", "text", (column) => column.notNull())
        .addColumn("value", "text", (column) => column.notNull())
        .addColumn("created_at", "text", (column) => column.notNull())
        .addPrimaryKeyConstraint("request_metadata_pk", ["request_log_id", "key"])
        .execute();
      await db.schema
        .createIndex("request_metadata_lookup")
        .on("request_metadata")
        .columns(["workspace_id", "key", "value", "created_at", "request_log_id"])
        .execute();

      await dialect
        .addIdColumn(db.schema.createTable("request_score"))
        .addColumn("request_log_id", "bigint", (column) => column.notNull().references("request_log.id").onDelete("cascade"))
        .addColumn("workspace_id", "bigint", (column) => column.notNull())
        .addColumn("name", "text", (column) => column.notNull())
        .addColumn("score", "double precision", (column) => column.notNull())
        .addColumn("created_at", "text", (column) => column.notNull())
        .addColumn("updated_at", "text", (column) => column.notNull())
        .addUniqueConstraint("request_score_name", ["request_log_id", "name"])
        .execute();
    },

    async down(db: Kysely<unknown>) {
      const tables = [
        "request_score",
        "request_metadata",
        "request_tag",
        "request_log",
        "request_group",
        "label_history",
        "release_label",
        "prompt_version",
        "prompt",
        "api_key",
        "workspace",
      ];
      for (const table of tables) await db.schema.dropTable(table).ifExists().execute();
    },
  };
}
