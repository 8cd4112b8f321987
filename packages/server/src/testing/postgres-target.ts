import pg from "pg";

/** The machine's PostgreSQL service (CI starts it); `PROMPTLINE_TEST_POSTGRES_URL` overrides. */
const candidates = process.env.PROMPTLINE_TEST_POSTGRES_URL
  ? [process.env.PROMPTLINE_TEST_POSTGRES_URL]
  : ["postgres://postgres@127.0.0.1:5432/test", "postgres://root@127.0.0.1:5432/test"];

/** The first PostgreSQL that answers, or why none did (passwords masked). */
export async function reachablePostgres(): Promise<{ url: string } | { error: string }> {
  const failures: string[] = [];
  for (const url of candidates) {
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

/** Runs one query on a short-lived connection. */
export async function pgQuery<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** A schema name no other run uses. */
export function freshSchemaName(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
}
