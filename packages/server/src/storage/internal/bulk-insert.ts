import type { Kysely } from "kysely";
import type { Database } from "../database-schema.js";
import { reusableInsert } from "./reusable-insert.js";

/** What a bulk insert writes: a table, what a conflict on a unique key does (skip the row), what it answers. */
export interface BulkInsertSpec<Table extends keyof Database & string> {
  table: Table;
  /** Rows whose key is stored already are skipped (`on conflict do nothing`, no target). */
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
