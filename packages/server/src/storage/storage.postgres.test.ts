import { afterAll, describe, expect, it } from "vitest";
import { freshSchemaName, pgQuery, reachablePostgres } from "../testing/postgres-target.js";
import { createStorage } from "./create-storage.js";
import { labelRoutingContract } from "./label-routing.contract.js";
import { retentionContract } from "./retention.contract.js";
import { storageContract } from "./storage.contract.js";

const reachable = await reachablePostgres();

if ("url" in reachable) {
  const { url } = reachable;
  // Each run gets a schema of its own, dropped at the end.
  const schema = freshSchemaName("promptline_test");

  describe("storage on PostgreSQL", () => {
    afterAll(() => pgQuery(url, `drop schema if exists "${schema}" cascade`));

    storageContract((options) => createStorage(url, { ...options, schema, maxConnections: 20 }));
    labelRoutingContract((options) => createStorage(url, { ...options, schema, maxConnections: 5 }));
    // A schema of its own: the sweep reaches every workspace of its database.
    const retentionSchema = `${schema}_retention`;
    afterAll(() => pgQuery(url, `drop schema if exists "${retentionSchema}" cascade`));
    retentionContract(
      (options) => createStorage(url, { ...options, schema: retentionSchema, maxConnections: 5 }),
      async (table, workspaceId) =>
        Number((await pgQuery<{ count: string }>(url, `select count(*) as count from "${retentionSchema}".${table} where workspace_id = $1`, [workspaceId]))[0]?.count),
    );

    it("created its tables in the requested schema only", async () => {
      const tables = await pgQuery<{ table_name: string }>(url, "select table_name from information_schema.tables where table_schema = $1 order by table_name", [schema]);
      expect(tables.map((row) => row.table_name)).toEqual(
        expect.arrayContaining(["api_key", "kysely_migration", "prompt", "prompt_version", "release_label", "request_log", "request_tag", "workspace"]),
      );
    });
  });
} else if (process.env.CI) {
  describe("storage on PostgreSQL", () => {
    it("reaches PostgreSQL (required in CI)", () => {
      throw new Error(`PostgreSQL is unreachable, and CI must not skip the storage suite: ${reachable.error}`);
    });
  });
} else {
  console.warn(`Skipping the PostgreSQL storage suite: ${reachable.error}. Start PostgreSQL or set PROMPTLINE_TEST_POSTGRES_URL.`);
  describe.skip("storage on PostgreSQL", () => {
    it("needs PostgreSQL", () => undefined);
  });
}
