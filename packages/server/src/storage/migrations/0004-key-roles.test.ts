/**
 * Migration 0004 on a database written before it: existing keys keep their
 * powers (admin → admin, any other key → deployer) and every existing
 * workspace gets `prod` protected. On SQLite and PostgreSQL.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kysely, Migrator, sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { freshSchemaName, pgQuery, reachablePostgres } from "../../testing/postgres-target.js";
import { createPostgresDialect } from "../dialects/postgres.js";
import { createSqliteDialect } from "../dialects/sqlite.js";
import type { StorageDialect } from "../dialects/storage-dialect.js";
import { createKyselyStorage } from "../kysely-storage.js";
import { migrationProvider } from "./migration-provider.js";

/**
 * Brings a database to every migration but 0004 (as a server built before it
 * would, including later-numbered ones that landed first), writes two
 * workspaces with an admin and a plain key each, then migrates as a server
 * start does.
 */
async function migrateFromBeforeRoles(dialect: () => StorageDialect): Promise<void> {
  const old = dialect();
  const db = new Kysely<unknown>({ dialect: old.kyselyDialect });
  await old.prepare(db);
  const all = migrationProvider(old);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => Object.fromEntries(Object.entries(await all.getMigrations()).filter(([name]) => name !== "0004-key-roles")) },
    ...(old.migrationTableSchema === undefined ? {} : { migrationTableSchema: old.migrationTableSchema }),
  });
  expect((await migrator.migrateToLatest()).error).toBeUndefined();
  await sql`insert into workspace (slug, name, created_at) values ('old-a', 'A', '2025-01-01T00:00:00.000Z'), ('old-b', 'B', '2025-01-01T00:00:00.000Z')`.execute(db);
  await sql`insert into api_key (workspace_id, name, key_hash, prefix, is_admin, created_at)
    select id, 'old-admin', 'hash-admin-' || slug, 'pl_a', 1, created_at from workspace
    union all select id, 'old-user', 'hash-user-' || slug, 'pl_u', 0, created_at from workspace`.execute(db);
  const { rows } = await sql<{ id: number }>`select id from workspace order by id`.execute(db);
  await db.destroy();

  const storage = createKyselyStorage(dialect());
  try {
    await storage.migrate();
    expect(rows).toHaveLength(2);
    for (const { id } of rows) {
      const keys = await storage.apiKeys.list(Number(id));
      expect(keys.map((key) => [key.name, key.role, key.admin])).toEqual([
        ["old-admin", "admin", true],
        ["old-user", "deployer", false],
      ]);
      expect(await storage.protectedLabels.list(Number(id))).toEqual(["prod"]);
    }
  } finally {
    await storage.close();
  }
}

const directory = mkdtempSync(join(tmpdir(), "promptline-migration-0004-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe("migration 0004 (key roles, protected labels)", () => {
  it("on SQLite: old admin keys become admin, other keys deployer, and every workspace protects prod", async () => {
    const filename = join(directory, "old.db");
    await migrateFromBeforeRoles(() => createSqliteDialect({ filename }));
  });
});

const reachable = await reachablePostgres();
if ("url" in reachable) {
  const schema = freshSchemaName("promptline_m0004");
  describe("migration 0004 (key roles, protected labels) on PostgreSQL", () => {
    afterAll(() => pgQuery(reachable.url, `drop schema if exists "${schema}" cascade`));
    it("on PostgreSQL: old admin keys become admin, other keys deployer, and every workspace protects prod", async () => {
      await migrateFromBeforeRoles(() => createPostgresDialect({ connectionString: reachable.url, schema }));
    });
  });
} else if (process.env.CI) {
  describe("migration 0004 on PostgreSQL", () => {
    it("reaches PostgreSQL (required in CI)", () => {
      throw new Error(`PostgreSQL is unreachable, and CI must not skip migration tests: ${reachable.error}`);
    });
  });
} else {
  console.warn(`Skipping migration 0004 on PostgreSQL: ${reachable.error}.`);
}
