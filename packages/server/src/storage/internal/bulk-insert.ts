import { sql, type Kysely } from "kysely";
import type { Database } from "../database-schema.js";
import { reusableInsert } from "./reusable-insert.js";

/** What a bulk insert writes: a table, what a conflict on a unique key does (skip the row), what it answers. */
export interface BulkInsertSpec<Table extends keyof Database & string> {
  table: Table;
  /**
   * Rows whose key is stored already are skipped (`on conflict do nothing`, no target: on PostgreSQL
   * the request key lives in `request_key`, claimed by a trigger that skips a duplicate, migration 0011).
   */
  skipConflicts?: boolean;
  /** The columns to answer for each inserted row (in no particular order). */
  returning?: readonly string[];
  /** Rows per multi-row VALUES statement (SQLite's parameter limit is 32766: rows × columns must stay below). Default 200. */
  valuesRowsPerStatement?: number;
}

/** Inserts many rows of one shape (every row has the same keys in the same order), answering `returning` of the rows inserted. */
export interface BulkInsert {
  (db: Kysely<Database>, rows: readonly object[]): Promise<Record<string, unknown>[]>;
  /** Most rows one call may take (SQLite's parameter limit); the caller cuts its rows to fit. */
  readonly maxRows: number;
}

/** Rows per INSERT of a multi-row VALUES: ~30 parameters a row stays far below SQLite's 32766-parameter limit. */
const defaultValuesRowsPerStatement = 200;

/** The portable way: one multi-row `insert … values`, its SQL compiled once per row count (`reusableInsert`). */
export function valuesBulkInsert<Table extends keyof Database & string>(spec: BulkInsertSpec<Table>): BulkInsert {
  const insert = reusableInsert((db, rows: readonly object[]) => {
    // The table and columns are ours (the spec), not a caller's; Kysely's typing can't follow a table chosen at run time.
    let query = db.insertInto(spec.table).values(rows as never);
    if (spec.skipConflicts) query = query.onConflict((conflict) => conflict.doNothing());
    return spec.returning ? query.returning(spec.returning as never) : query;
  });
  return Object.assign((db: Kysely<Database>, rows: readonly object[]) => insert(db, rows) as unknown as Promise<Record<string, unknown>[]>, { maxRows: spec.valuesRowsPerStatement ?? defaultValuesRowsPerStatement });
}

/**
 * PostgreSQL's way: `insert … select * from unnest($1::type[], $2::type[], …)`,
 * one array parameter per column, so the statement is as short for 5,000 rows
 * as for one: PostgreSQL parses and plans 30 parameters, not 30 per row
 * (a 200-row VALUES list has 6,000), and a batch takes one round trip. The
 * array types are the table's own column types, read once from the catalog,
 * so columns added by later migrations need nothing here.
 */
export function unnestBulkInsert<Table extends keyof Database & string>(spec: BulkInsertSpec<Table>): BulkInsert {
  let columnTypes: Promise<Map<string, string>> | undefined;
  const insert = async (db: Kysely<Database>, rows: readonly object[]): Promise<Record<string, unknown>[]> => {
    const first = rows[0];
    if (first === undefined) return [];
    columnTypes ??= readColumnTypes(db, spec.table).catch((error: unknown) => {
      columnTypes = undefined;
      throw error;
    });
    const types = await columnTypes;
    const columns = Object.keys(first);
    const arrays = columns.map((column) => {
      const type = types.get(column);
      if (type === undefined) throw new Error(`${spec.table} has no column ${column}.`);
      const values = rows.map((row) => (row as Record<string, unknown>)[column] ?? null);
      return sql`${values}::${sql.raw(`${type}[]`)}`;
    });
    const conflict = spec.skipConflicts ? sql` on conflict do nothing` : sql``;
    const returning = spec.returning ? sql` returning ${sql.join(spec.returning.map((column) => sql.id(column)))}` : sql``;
    const query = sql<Record<string, unknown>>`insert into ${sql.id(spec.table)} (${sql.join(columns.map((column) => sql.id(column)))}) select * from unnest(${sql.join(arrays)})${conflict}${returning}`;
    return (await query.execute(db)).rows;
  };
  return Object.assign(insert, { maxRows: 5000 });
}

/** Each column's element type as PostgreSQL names it (`int8`, `text`, `float8`…), in the schema the connection uses. */
async function readColumnTypes(db: Kysely<Database>, table: string): Promise<Map<string, string>> {
  const { rows } = await sql<{ column_name: string; udt_name: string }>`
    select column_name, udt_name from information_schema.columns
    where table_name = ${table} and table_schema = current_schema()`.execute(db);
  if (rows.length === 0) throw new Error(`No table ${table} in the current schema.`);
  // Quoted: a type name is an identifier like any other.
  return new Map(rows.map((row) => [row.column_name, `"${row.udt_name.replaceAll('"', '""')}"`]));
}
