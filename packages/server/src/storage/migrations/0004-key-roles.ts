import { sql, type Kysely, type Migration } from "kysely";
import type { StorageDialect } from "../dialects/storage-dialect.js";

/**
 * Roles on keys and protected labels (decision 0007). Existing keys keep
 * their powers: admin keys become `admin`, every other key `deployer` (what a
 * non-admin key could do before: publish and move any label). Every existing
 * workspace gets `prod` protected, as a new one does.
 */
export function keyRolesMigration(dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable("api_key")
        .addColumn("role", "text", (column) => column.notNull().defaultTo("deployer"))
        .execute();
      await sql`update api_key set role = 'admin' where is_admin = 1`.execute(db);

      await dialect
        .addIdColumn(db.schema.createTable("protected_label"))
        .addColumn("workspace_id", "bigint", (column) => column.notNull().references("workspace.id").onDelete("cascade"))
        .addColumn("name", "text", (column) => column.notNull())
        .addColumn("created_at", "text", (column) => column.notNull())
        .addUniqueConstraint("protected_label_workspace_name", ["workspace_id", "name"])
        .execute();
      await sql`insert into protected_label (workspace_id, name, created_at) select id, 'prod', created_at from workspace`.execute(db);
    },
  };
}
