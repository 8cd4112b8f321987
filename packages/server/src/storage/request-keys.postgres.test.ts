/**
 * PostgreSQL's idempotency keys after migration 0017 (decision 0030): the log
 * write claims its keys itself, set-based, and the per-row claim trigger
 * stands aside only inside that write's own transaction. One pooled
 * connection, so the write and the plain inserts after it share a session:
 * a setting that outlived the write would let a duplicate through.
 */
import { logRecordSchema } from "@promptline/core";
import { Kysely, sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { freshSchemaName, pgQuery, reachablePostgres } from "../testing/postgres-target.js";
import { createPostgresDialect } from "./dialects/postgres.js";
import { createKyselyStorage } from "./kysely-storage.js";
import type { RequestInsert } from "./storage.js";

const reachable = await reachablePostgres();
const record = (id: string): RequestInsert => logRecordSchema.parse({ request_id: id, status: "SUCCESS", provider: "openai", model: "m", tags: ["t"] });

if ("url" in reachable) {
  const { url } = reachable;
  const schema = freshSchemaName("promptline_request_keys");

  describe("request keys on PostgreSQL", () => {
    afterAll(() => pgQuery(url, `drop schema if exists "${schema}" cascade`));

    it("the log write claims its keys with the rows' numbers, and a plain insert on the same connection afterwards is still claimed by the trigger", async () => {
      const dialect = createPostgresDialect({ connectionString: url, schema, maxConnections: 1 });
      const storage = createKyselyStorage(dialect);
      const db = new Kysely<unknown>({ dialect: dialect.kyselyDialect });
      try {
        await storage.migrate();
        const ws = (await storage.workspaces.ensureDefault()).id;
        const first = await storage.requests.insertMany(ws, [record("key-a"), record("key-b")]);
        expect(first.map((result) => result.created)).toEqual([true, true]);
        const keys = async () =>
          (await sql<{ request_id: string; number: number }>`select request_id, "number" from request_key where workspace_id = ${ws} order by request_id`.execute(db)).rows;
        const numbers = async () =>
          (await sql<{ request_id: string; number: number }>`select request_id, "number" from request_log where workspace_id = ${ws} order by request_id`.execute(db)).rows;
        expect(await keys()).toEqual(await numbers());
        expect((await keys()).map((key) => key.request_id)).toEqual(["key-a", "key-b"]);

        // Re-sent, alone and beside a new one: the stored ones are answered, not written again.
        const again = await storage.requests.insertMany(ws, [record("key-a"), record("key-c")]);
        expect(again.map((result) => result.created)).toEqual([false, true]);
        expect(again[0]?.id).toBe(first[0]?.id);
        expect((await numbers()).map((row) => row.request_id)).toEqual(["key-a", "key-b", "key-c"]);

        // The same (only) connection, outside a log write: the trigger claims, so a duplicate is skipped.
        const plainInsert = (id: string) => sql`insert into request_log (workspace_id, request_id, input_variables, status, provider, model, request, created_at, "number")
          values (${ws}, ${id}, '{}', 'SUCCESS', 'openai', 'm', '{}', ${new Date().toISOString()}, 99)`.execute(db);
        await plainInsert("key-d");
        await plainInsert("key-d");
        await plainInsert("key-a");
        expect((await numbers()).map((row) => row.request_id)).toEqual(["key-a", "key-b", "key-c", "key-d"]);
        expect((await keys()).map((key) => key.request_id)).toEqual(["key-a", "key-b", "key-c", "key-d"]);
      } finally {
        await db.destroy().catch(() => undefined);
        await storage.close().catch(() => undefined);
      }
    });
  });
} else {
  describe("request keys on PostgreSQL", () => {
    it.skip(`needs a PostgreSQL server (${reachable.error})`, () => undefined);
  });
}
