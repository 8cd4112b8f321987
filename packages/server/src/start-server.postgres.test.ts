import { afterAll, describe, expect, it } from "vitest";
import { createApp } from "./app.js";
import { callApp } from "./routes/route-harness.contract.js";
import { startServer } from "./start-server.js";
import { createStorage, type Storage } from "./storage/index.js";
import { pgQuery as query, reachablePostgres } from "./testing/postgres-target.js";

/**
 * Several instances on one PostgreSQL database, started at the same moment
 * (docs/server.md): each runs the migrations and seeds PROMPTLINE_API_KEY on
 * start, and they serve the same data.
 */


const reachable = await reachablePostgres();

if ("url" in reachable) {
  const { url } = reachable;
  const schemas: string[] = [];
  const freshSchema = () => {
    const schema = `promptline_multi_${process.pid}_${Date.now().toString(36)}_${schemas.length}`;
    schemas.push(schema);
    return schema;
  };

  describe("several instances on one PostgreSQL", () => {
    afterAll(async () => {
      for (const schema of schemas) await query(url, `drop schema if exists "${schema}" cascade`);
    });

    it("migrate a fresh schema concurrently: every instance starts, the migrations run once", async () => {
      const schema = freshSchema();
      const started = await Promise.allSettled(Array.from({ length: 4 }, () => createStorage(url, { schema, maxConnections: 3 })));
      const storages = started.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
      try {
        expect(started.filter((result) => result.status === "rejected").map((result) => String((result as PromiseRejectedResult).reason))).toEqual([]);
        const applied = await query<{ name: string }>(url, `select name from "${schema}".kysely_migration order by name`);
        expect(applied.map((row) => row.name)).toEqual([...new Set(applied.map((row) => row.name))]);
        expect(applied.length).toBeGreaterThan(0);
        // What one instance writes, another reads.
        const [first, second] = storages as [Storage, Storage];
        const workspace = await first.workspaces.ensureDefault();
        expect((await second.workspaces.getDefault())?.id).toBe(workspace.id);
      } finally {
        await Promise.all(storages.map((storage) => storage.close()));
      }
    });

    it("start at once with the same PROMPTLINE_API_KEY: one default workspace, one key, and either instance answers for the other's writes", async () => {
      const schema = freshSchema();
      const apiKey = "pl_shared_seed_key_0123456789abcdef";
      const started = await Promise.allSettled(
        Array.from({ length: 3 }, () => startServer({ database: url, schema, port: 0, apiKey, logError: () => undefined })),
      );
      const servers = started.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
      try {
        expect(started.filter((result) => result.status === "rejected").map((result) => String((result as PromiseRejectedResult).reason))).toEqual([]);
        const workspaces = await query<{ id: number }>(url, `select id from "${schema}".workspace`);
        expect(workspaces).toHaveLength(1);
        const keys = await query<{ id: number }>(url, `select id from "${schema}".api_key`);
        expect(keys).toHaveLength(1);
        expect(servers.every((server) => server.createdApiKey === null)).toBe(true);

        const [a, b] = servers.map((server) => createApp({ storage: server.storage })) as [ReturnType<typeof createApp>, ReturnType<typeof createApp>];
        const published = await callApp(a, "POST", "/api/v1/prompts", {
          key: apiKey,
          body: {
            prompt_name: "shared",
            prompt_template: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }] },
            metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: {} } },
          },
        });
        expect(published.status).toBe(201);
        const fetched = await callApp(b, "POST", "/prompt-templates/shared", { key: apiKey });
        expect(fetched.status).toBe(200);
        expect(fetched.body.version).toBe(1);
        // Publishes through both instances at once never collide on a version number.
        const versions = await Promise.all(
          Array.from({ length: 6 }, (_, index) =>
            callApp(index % 2 ? a : b, "POST", "/api/v1/prompts", { key: apiKey, body: { prompt_name: "shared", prompt_template: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: `v${index}` }] }] }, metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: {} } } } }),
          ),
        );
        expect(versions.map((result) => result.status)).toEqual(Array(6).fill(201));
        expect(versions.map((result) => result.body.version.version).sort((x, y) => x - y)).toEqual([2, 3, 4, 5, 6, 7]);
      } finally {
        await Promise.all(servers.map((server) => server.close()));
      }
    });
  });
} else if (process.env.CI) {
  describe("several instances on one PostgreSQL", () => {
    it("reaches PostgreSQL (required in CI)", () => {
      throw new Error(`PostgreSQL is unreachable, and CI must not skip the multi-instance tests: ${reachable.error}`);
    });
  });
} else {
  console.warn(`Skipping the multi-instance PostgreSQL tests: ${reachable.error}. Start PostgreSQL or set PROMPTLINE_TEST_POSTGRES_URL.`);
  describe.skip("several instances on one PostgreSQL", () => {
    it("needs PostgreSQL", () => undefined);
  });
}
