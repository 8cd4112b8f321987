import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createStorage } from "./create-storage.js";
import { storageContract } from "./storage.contract.js";

// The PostgreSQL service of the machine (CI starts it); PROMPTLINE_TEST_POSTGRES_URL overrides.
const candidates = process.env.PROMPTLINE_TEST_POSTGRES_URL
  ? [process.env.PROMPTLINE_TEST_POSTGRES_URL]
  : ["postgres://postgres@127.0.0.1:5432/test", "postgres://root@127.0.0.1:5432/test"];

async function firstReachable(urls: readonly string[]): Promise<{ url: string } | { error: string }> {
  const failures: string[] = [];
  for (const url of urls) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query("select 1");
      return { url };
    } catch (error) {
      failures.push(`${url.replace(/:[^:@/]*@/, ":***@")}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return { error: failures.join("; ") };
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const reachable = await firstReachable(candidates);

if ("url" in reachable) {
  const { url } = reachable;
  // Each run gets a schema of its own, dropped at the end.
  const schema = `promptline_test_${process.pid}_${Date.now().toString(36)}`;

  describe("storage on PostgreSQL", () => {
    afterAll(() => withClient(url, (client) => client.query(`drop schema if exists "${schema}" cascade`)));

    storageContract((options) => createStorage(url, { ...options, schema, maxConnections: 20 }));

    it("created its tables in the requested schema only", async () => {
      const tables = await withClient(url, (client) =>
        client.query<{ table_name: string }>("select table_name from information_schema.tables where table_schema = $1 order by table_name", [schema]),
      );
      expect(tables.rows.map((row) => row.table_name)).toEqual(
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
