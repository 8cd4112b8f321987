import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { freshSchemaName, pgQuery, reachablePostgres } from "../../testing/postgres-target.js";
import { createStorage } from "../create-storage.js";
import { OwnSchemaIntrospector } from "./own-schema-introspector.js";

const reachable = await reachablePostgres();

if ("url" in reachable) {
  const { url } = reachable;
  const own = freshSchemaName("promptline_own");
  const other = freshSchemaName("promptline_other");

  describe("migrations on a PostgreSQL database other installs share", () => {
    const pools: pg.Pool[] = [];
    afterAll(async () => {
      await Promise.all(pools.map((pool) => pool.end()));
      for (const schema of [own, other]) await pgQuery(url, `drop schema if exists "${schema}" cascade`);
    });
    function kyselyOn(schema: string): Kysely<unknown> {
      const pool = new pg.Pool({ connectionString: url, max: 2, options: `-c search_path=${schema}` });
      pools.push(pool);
      return new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
    }

    it("the migrator's table listing sees its own schema's tables and no other's", async () => {
      await pgQuery(url, `create schema "${other}"`);
      await pgQuery(url, `create table "${other}".kysely_migration (name text, id serial)`);
      const storage = await createStorage(url, { schema: own, maxConnections: 2 });
      await storage.close();

      const tables = await new OwnSchemaIntrospector(kyselyOn(own)).getTables();
      expect(tables.map((table) => table.schema)).toEqual(tables.map(() => own));
      expect(tables.map((table) => table.name)).toEqual(expect.arrayContaining(["kysely_migration", "kysely_migration_lock", "request_log", "workspace"]));
      expect(tables.find((table) => table.name === "request_log")).toMatchObject({ isView: false });
    });

    it("migrates while other schemas are created and dropped around it", { timeout: 60_000 }, async () => {
      let churning = true;
      const churn = (async () => {
        for (let round = 0; churning; round++) {
          const schema = `${other}_churn_${round}`;
          await pgQuery(url, `create schema "${schema}"; create table "${schema}".t (id serial primary key, a int, b text)`);
          await pgQuery(url, `drop schema "${schema}" cascade`);
        }
      })();
      try {
        for (let attempt = 0; attempt < 4; attempt++) {
          const storage = await createStorage(url, { schema: `${own}_${attempt}`, maxConnections: 2 });
          await storage.close();
        }
      } finally {
        churning = false;
        await churn;
        for (let attempt = 0; attempt < 4; attempt++) await pgQuery(url, `drop schema if exists "${own}_${attempt}" cascade`);
      }
    });
  });
} else if (process.env.CI) {
  describe("migrations on a shared PostgreSQL database", () => {
    it("reaches PostgreSQL (required in CI)", () => {
      throw new Error(`PostgreSQL is unreachable, and CI must not skip it: ${reachable.error}`);
    });
  });
} else {
  console.warn(`Skipping the own-schema introspector on PostgreSQL: ${reachable.error}.`);
}
