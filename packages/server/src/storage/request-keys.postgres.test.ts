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

    it("after migration 0018, keys carry no foreign key to workspace, and every request partition (and one made later) compresses JSON with lz4", async () => {
      const lighterSchema = `${schema}_lighter`;
      const dialect = createPostgresDialect({ connectionString: url, schema: lighterSchema, maxConnections: 1 });
      const storage = createKyselyStorage(dialect);
      const db = new Kysely<unknown>({ dialect: dialect.kyselyDialect });
      try {
        await storage.migrate();
        const foreignKeys = await sql<{ name: string }>`select conname as name from pg_constraint where contype = 'f' and conrelid = 'request_key'::regclass`.execute(db);
        expect(foreignKeys.rows).toEqual([]);
        const { rows: [support] = [] } = await sql<{ lz4: boolean }>`select 'lz4' = any(enumvals) as lz4 from pg_settings where name = 'default_toast_compression'`.execute(db);
        if (support?.lz4) {
          await sql`create table request_log_later partition of request_log for values from ('2999-01') to ('2999-02')`.execute(db);
          const { rows } = await sql<{ table: string; compression: string }>`
            select c.relname as table, a.attcompression as compression from pg_attribute a join pg_class c on c.oid = a.attrelid
            where a.attname = 'prompt_blueprint' and (c.oid = 'request_log'::regclass or c.oid in (select inhrelid from pg_inherits where inhparent = 'request_log'::regclass))`.execute(db);
          expect(rows.length).toBeGreaterThan(2);
          expect(rows.filter((row) => row.compression !== "l")).toEqual([]);
        }
        // The write still refuses a workspace that doesn't exist (its counter, not the foreign key, is what finds it missing).
        await expect(storage.requests.insertMany(987_654_321, [record("nowhere")])).rejects.toThrow(/does not exist/);
        expect((await sql`select 1 from request_key where workspace_id = 987654321`.execute(db)).rows).toEqual([]);
      } finally {
        await db.destroy().catch(() => undefined);
        await storage.close().catch(() => undefined);
        await pgQuery(url, `drop schema if exists "${lighterSchema}" cascade`);
      }
    });
  });
} else {
  describe("request keys on PostgreSQL", () => {
    it.skip(`needs a PostgreSQL server (${reachable.error})`, () => undefined);
  });
}
