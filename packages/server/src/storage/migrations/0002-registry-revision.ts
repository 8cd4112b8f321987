import type { Kysely, Migration } from "kysely";

/**
 * A counter per workspace that every registry write (publish, label moves,
 * key revocation) raises in its own transaction. The in-memory registry
 * cache (`cached-registry-reads.ts`) is valid while it is unchanged, so every
 * instance sees another's writes on its next read.
 */
export const registryRevisionMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable("workspace")
      .addColumn("registry_revision", "bigint", (column) => column.notNull().defaultTo(0))
      .execute();
  },
};
