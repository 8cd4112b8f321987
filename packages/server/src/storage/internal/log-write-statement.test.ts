import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from "kysely";
import { describe, expect, it } from "vitest";
import type { Database } from "../database-schema.js";
import type { LogRows } from "./log-write.js";
import { singleStatementLogWrite, type NamedStatement } from "./log-write-statement.js";

const db = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (kysely) => new PostgresIntrospector(kysely),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

function rowsOf(ids: readonly string[]): LogRows {
  return {
    requests: ids.map((request_id) => ({ workspace_id: 1, request_id, status: "SUCCESS", created_at: "2026-12-05T00:00:00.000Z" })),
    tags: ids.map((request_id) => ({ request_id, tag: "t", position: 0 })),
    metadata: [],
    createdAt: "2026-12-05T00:00:00.000Z",
  };
}

/** Runs the write against a stand-in for `pg` that records each statement and answers every row as created. */
async function write(rows: LogRows, sent: NamedStatement[], run = singleStatementLogWrite(recorder(sent))) {
  return { result: await run(db, 1, () => Promise.resolve(rows)), run };
}

function recorder(sent: NamedStatement[]) {
  return <Row>(statement: NamedStatement) => {
    sent.push(statement);
    const rows = JSON.parse(statement.values[0] as string) as { request_id: string }[];
    return Promise.resolve({ rows: rows.map((row, index) => ({ before: 0, id: index + 1, request_id: row.request_id, number: index + 1 })) as Row[] });
  };
}

describe("singleStatementLogWrite", () => {
  it("sends every group as the same named statement, whatever its size, so each connection parses and plans it once", async () => {
    const sent: NamedStatement[] = [];
    const { run } = await write(rowsOf(["a"]), sent);
    await write(rowsOf(["b", "c", "d"]), sent, run);
    expect(sent).toHaveLength(2);
    expect(sent[0]?.name).toMatch(/^promptline_log_write_/);
    expect(sent[1]?.name).toBe(sent[0]?.name);
    expect(sent[1]?.text).toBe(sent[0]?.text);
    expect(sent[1]?.values).toHaveLength(sent[0]?.values.length ?? -1);
  });

  it("gives another column set (another schema version) a name of its own: one name never stands for two texts", async () => {
    const sent: NamedStatement[] = [];
    const { run } = await write(rowsOf(["a"]), sent);
    const wider = rowsOf(["b"]);
    wider.requests = wider.requests.map((row) => ({ ...row, model: "m" }));
    await write(wider, sent, run);
    expect(sent[1]?.text).not.toBe(sent[0]?.text);
    expect(sent[1]?.name).not.toBe(sent[0]?.name);
  });

  it("counts the rows from the parsed source, so the JSON is read before the counter's row lock is taken", async () => {
    const sent: NamedStatement[] = [];
    await write(rowsOf(["a", "b"]), sent);
    const text = sent[0]?.text.replace(/\s+/g, " ") ?? "";
    expect(text).toMatch(/with source as materialized \( select requested\.\*, set_config\('promptline.request_keys_claimed', 'on', true\) as keys_claimed_here,/);
    expect(text).toMatch(/from json_populate_recordset\(null::request_log, \$1::json\) with ordinality as requested/);
    expect(text).toContain("set request_counter = request_counter + (select count(*) from source)");
    expect(text.indexOf("source as materialized")).toBeLessThan(text.indexOf("update workspace"));
    // The prompt links are read in `source` too, before the lock.
    expect(text.indexOf("left join prompt")).toBeLessThan(text.indexOf("), counter as"));
  });

  it("answers the created rows by client id", async () => {
    const sent: NamedStatement[] = [];
    const { result } = await write(rowsOf(["a", "b"]), sent);
    expect([...result.created]).toEqual([
      ["a", { id: 1, number: 1 }],
      ["b", { id: 2, number: 2 }],
    ]);
    expect(result.existing.size).toBe(0);
  });
});
