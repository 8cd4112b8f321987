import { Kysely, sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../database-schema.js";
import { createSqliteDialect } from "../dialects/sqlite.js";
import { reusableInsert } from "./reusable-insert.js";

// A scratch table through the real SQLite dialect; typed loosely, as the helper only sees rows.
let db: Kysely<Database>;
beforeEach(async () => {
  db = new Kysely<Database>({ dialect: createSqliteDialect({ filename: ":memory:" }).kyselyDialect });
  await sql`create table scratch (id integer primary key, name text not null, note text default 'none', size real)`.execute(db);
});
afterEach(() => db.destroy());

type Row = { id: number; name: string; note?: string | null; size?: number | null };
const rowsOf = async () => (await sql<Row>`select * from scratch order by id`.execute(db)).rows;

describe("reusableInsert", () => {
  const insert = reusableInsert((kysely, rows: readonly Row[]) => (kysely as unknown as Kysely<{ scratch: Row }>).insertInto("scratch").values(rows as Row[]));

  it("reruns the SQL compiled for a row count with the new rows' values, nulls included", async () => {
    await insert(db, [
      { id: 1, name: "a", note: "first", size: 1.5 },
      { id: 2, name: "b", note: null, size: null },
    ]);
    await insert(db, [
      { id: 3, name: "c", note: null, size: 3 },
      { id: 4, name: "d", note: "fourth", size: null },
    ]);
    expect(await rowsOf()).toEqual([
      { id: 1, name: "a", note: "first", size: 1.5 },
      { id: 2, name: "b", note: null, size: null },
      { id: 3, name: "c", note: null, size: 3 },
      { id: 4, name: "d", note: "fourth", size: null },
    ]);
  });

  it("takes the ordinary path when rows differ in columns or their order", async () => {
    await insert(db, [{ id: 1, name: "a", note: "x", size: 1 }]);
    // Same row count as above, other column order: the cached SQL would put values in the wrong columns.
    await insert(db, [{ size: 2, note: "y", name: "b", id: 2 }]);
    // Rows of one batch with different columns: Kysely's own multi-row insert (SQLite has no DEFAULT in VALUES: null).
    await insert(db, [
      { id: 3, name: "c" },
      { id: 4, name: "d", note: "given" },
    ]);
    expect(await rowsOf()).toEqual([
      { id: 1, name: "a", note: "x", size: 1 },
      { id: 2, name: "b", note: "y", size: 2 },
      { id: 3, name: "c", note: null, size: null },
      { id: 4, name: "d", note: "given", size: null },
    ]);
  });
});
