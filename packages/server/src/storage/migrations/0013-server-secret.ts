import type { Kysely, Migration } from "kysely";

/**
 * Secrets the server generates once and every instance on the database shares
 * (issue 19): today only the dashboard's session-signing secret, kept so a
 * restart or a second instance behind a load balancer keeps everyone signed in.
 * One row per name; the first instance to start writes it, the others read it.
 */
export const serverSecretMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("server_secret")
      .addColumn("name", "text", (column) => column.primaryKey())
      .addColumn("value", "text", (column) => column.notNull())
      .addColumn("created_at", "text", (column) => column.notNull())
      .execute();
  },
};
