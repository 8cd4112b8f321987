/**
 * PostgreSQL's monthly request partitions (migration 0011, decision 0018):
 * the migration converts a request log written before it, rows, numbers,
 * tags, metadata, scores and idempotency intact; time-ranged queries read
 * only their month (EXPLAIN); retention drops whole expired months; rows
 * that landed in the default partition move into their month when it is made.
 */
import { logRecordSchema } from "@promptline/core";
import { Kysely, Migrator } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { freshSchemaName, pgQuery, reachablePostgres } from "../testing/postgres-target.js";
import { createPostgresDialect } from "./dialects/postgres.js";
import { createMonthsAhead } from "./dialects/request-partitions.js";
import { createKyselyStorage } from "./kysely-storage.js";
import { transactionalLogWrite } from "./internal/log-write.js";
import { migrationProvider } from "./migrations/migration-provider.js";
import type { RequestInsert, Storage } from "./storage.js";

const reachable = await reachablePostgres();
const dayMs = 86_400_000;
const record = (id: string, fields: Partial<RequestInsert> = {}): RequestInsert =>
  logRecordSchema.parse({ request_id: id, status: "SUCCESS", provider: "openai", model: "m", ...fields });

if ("url" in reachable) {
  const { url } = reachable;
  const schema = freshSchemaName("promptline_partitions");
  const dialect = () => createPostgresDialect({ connectionString: url, schema, maxConnections: 4 });
  const partitionsOf = async (table: string) =>
    (
      await pgQuery<{ name: string }>(
        url,
        `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
         join pg_namespace n on n.oid = p.relnamespace where p.relname = $1 and n.nspname = $2 order by 1`,
        [table, schema],
      )
    ).map((row) => row.name);

  describe("request partitions on PostgreSQL", () => {
    afterAll(() => pgQuery(url, `drop schema if exists "${schema}" cascade`));
    let storage: Storage;
    let workspaceId: number;
    const oldIds = Array.from({ length: 6 }, (_, index) => `before-partitions-${index}`);

    it("the migration converts a request log written before it: rows, numbers, tags, metadata, scores and idempotency intact", async () => {
      // Every migration but 0011 (and 0017 and 0018, which change 0011's trigger and tables), as a server built before it; then two old months of requests.
      const old = dialect();
      const db = new Kysely<unknown>({ dialect: old.kyselyDialect });
      await old.prepare(db);
      const all = migrationProvider(old);
      const migrator = new Migrator({
        db,
        provider: { getMigrations: async () => Object.fromEntries(Object.entries(await all.getMigrations()).filter(([name]) => !["0011-partitioned-requests", "0017-request-keys-claimed-by-write", "0018-request-write-lighter"].includes(name))) },
        migrationTableSchema: schema,
      });
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      await db.destroy();
      // Readings 10 days apart: the workspace on Jan 10, then requests on Jan 20 and 30, Feb 9 and 19, Mar 1 and 11.
      let time = Date.parse("2024-12-31T00:00:00.000Z");
      // Written the portable way (a transaction of multi-row VALUES), as before 0011: today's PostgreSQL write claims keys in `request_key`, which 0011 creates.
      const beforeDialect = dialect();
      const before = createKyselyStorage(
        { ...beforeDialect, logWrite: transactionalLogWrite((db, work) => beforeDialect.durableTransaction(db, work)) },
        { now: () => new Date((time += 10 * dayMs)) },
      );
      workspaceId = (await before.workspaces.ensureDefault()).id;
      for (const [index, id] of oldIds.entries()) {
        await before.requests.insertMany(workspaceId, [record(id, { tags: ["old", `t${index}`], metadata: { k: String(index) } })]);
      }
      await before.scores.add(workspaceId, { request: oldIds[0]!, score: 42 });
      const snapshot = await Promise.all(oldIds.map((id) => before.requests.get(workspaceId, id)));
      await before.close();

      storage = createKyselyStorage(dialect());
      await storage.migrate();
      expect(await partitionsOf("request_log")).toEqual(expect.arrayContaining(["request_log_default", "request_log_y2025m01", "request_log_y2025m02", "request_log_y2025m03"]));
      expect(await partitionsOf("request_tag")).toContain("request_tag_y2025m02");
      const after = await Promise.all(oldIds.map((id) => storage.requests.get(workspaceId, id)));
      expect(after).toEqual(snapshot);
      expect((await storage.requests.get(workspaceId, snapshot[3]!.id))?.request_id).toBe(oldIds[3]);
      expect((await storage.requests.query(workspaceId, { tags: ["old"], limit: 100 })).items).toHaveLength(6);
      // Still idempotent across the migration; new requests count on.
      const [again, fresh] = await storage.requests.insertMany(workspaceId, [record(oldIds[1]!), record("after-partitions")]);
      expect(again).toMatchObject({ created: false, id: snapshot[1]!.id });
      expect(fresh).toMatchObject({ created: true, id: 7 });
      expect((await storage.requests.insertMany(workspaceId, [record("after-partitions")]))[0]?.created).toBe(false);
      expect(await storage.requests.updateMetadata(workspaceId, oldIds[0]!, { k: "changed", extra: "x" })).toBe(true);
      expect((await storage.requests.get(workspaceId, oldIds[0]!))?.metadata).toEqual({ k: "changed", extra: "x" });
    });

    it("a query with a time range reads only its month's partition (EXPLAIN)", async () => {
      const rows = await pgQuery<{ "QUERY PLAN": unknown }>(
        url,
        `explain (format json) select * from "${schema}".request_log where workspace_id = $1
           and created_at >= '2025-02-01T00:00:00.000Z' and created_at < '2025-02-15T00:00:00.000Z' order by created_at desc, id desc limit 51`,
        [workspaceId],
      );
      const plan = JSON.stringify(rows);
      expect(plan).toContain("request_log_y2025m02");
      expect(plan).not.toMatch(/request_log_y2025m0[13]|request_log_default|request_log_y2026/);
    });

    it("retention drops whole months once every row in them is expired, keys and scores with them", async () => {
      const now = new Date("2025-04-10T00:00:00.000Z");
      // Keeps 55 days (from Feb 14): January goes whole; February still has a row younger than that, so its Feb 9 row goes alone.
      await storage.retention.set(workspaceId, 55);
      let removed = 0;
      for (let step = 0; step < 50; step++) {
        const result = await storage.retention.sweepBatch({ defaultDays: null, batchSize: 2, now });
        if (result.requests === 0) break;
        expect(result.requests).toBeLessThanOrEqual(2);
        removed += result.requests;
      }
      const left = (await storage.requests.query(workspaceId, { limit: 100 })).items.map((item) => item.request_id).sort();
      expect(await partitionsOf("request_log")).not.toContain("request_log_y2025m01");
      expect(await partitionsOf("request_tag")).not.toContain("request_tag_y2025m01");
      expect(await partitionsOf("request_metadata")).not.toContain("request_metadata_y2025m01");
      expect(await partitionsOf("request_log")).toContain("request_log_y2025m02");
      expect(left).toEqual(["after-partitions", ...oldIds.slice(3)].sort());
      expect(removed).toBe(3);
      const keys = await pgQuery<{ request_id: string }>(url, `select request_id from "${schema}".request_key order by 1`);
      expect(keys.map((key) => key.request_id)).toEqual(left);
      expect(await pgQuery(url, `select * from "${schema}".request_score`)).toEqual([]);
      // A swept request sent again is a new request.
      expect((await storage.requests.insertMany(workspaceId, [record(oldIds[0]!)]))[0]?.created).toBe(true);
    });

    it("rows that landed in the default partition move into their month when it is made, keeping their keys", async () => {
      const ahead = createKyselyStorage(dialect(), { now: () => new Date("2031-05-05T00:00:00.000Z") });
      try {
        await ahead.requests.insertMany(workspaceId, [record("far-ahead", { tags: ["future"] })]);
        expect((await pgQuery(url, `select 1 from "${schema}".request_log_default`)).length).toBe(1);
        const db = new Kysely<unknown>({ dialect: dialect().kyselyDialect });
        await createMonthsAhead(db, new Date("2031-05-05T00:00:00.000Z"));
        await db.destroy();
        expect(await partitionsOf("request_log")).toContain("request_log_y2031m05");
        expect((await pgQuery(url, `select 1 from "${schema}".request_log_default`)).length).toBe(0);
        expect((await pgQuery(url, `select 1 from "${schema}".request_tag_y2031m05`)).length).toBe(1);
        expect((await ahead.requests.get(workspaceId, "far-ahead"))?.tags).toEqual(["future"]);
        expect((await ahead.requests.insertMany(workspaceId, [record("far-ahead")]))[0]?.created).toBe(false);
      } finally {
        await ahead.close();
        await storage.close();
      }
    });
  });
} else {
  describe.skip("request partitions on PostgreSQL", () => {
    it("needs PostgreSQL", () => undefined);
  });
}
