import { InvalidRequestError } from "@promptline/core";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../database-schema.js";
import { valuesBulkInsert } from "./bulk-insert.js";

/** One group commit's rows, as the request repository builds them. */
export interface LogRows {
  /**
   * request_log rows (`toRequestColumns`), every one with the same keys in the
   * same order and without `number`: the write numbers them in this order
   * from the workspace's counter. Sorted by `request_id`, so two writes that
   * overlap take their keys in the same order (no deadlock on PostgreSQL).
   */
  requests: readonly Record<string, unknown>[];
  /** Tags and metadata by the client id of their request: only those of requests inserted now are written. */
  tags: readonly { request_id: string; tag: string; position: number }[];
  metadata: readonly { request_id: string; key: string; value: string }[];
  /** The rows' `created_at`, which the side rows carry too. */
  createdAt: string;
}

export interface LogWriteResult {
  /** The requests inserted now: internal id and public number, by client id. */
  created: Map<string, { id: number; number: number }>;
  /** The public numbers of the requests that were stored already (re-sent records), by client id. */
  existing: Map<string, number>;
}

/**
 * Writes one group of log records durably (resolves once they are on disk):
 * numbers the rows from the workspace's counter (held until the commit, so
 * numbers grow in commit order), inserts them skipping client ids stored
 * already, writes their tags and metadata, and finds the numbers of the ones
 * skipped. `build` makes the rows; it reads through the connection it is
 * given (the transaction's, where the write has one).
 */
export type LogWrite = (db: Kysely<Database>, workspaceId: number, build: BuildLogRows) => Promise<LogWriteResult>;

/**
 * Makes a group commit's rows. With `writerLinksPrompts` the write links
 * the rows to prompts itself, inside its transaction (the SQLite writer
 * thread, decision 0029): each row's `prompt_id` is then the id the record
 * asked for (a safe integer, or null) and `prompt_name` the name it gave,
 * unchecked; otherwise both are the resolved link.
 */
export type BuildLogRows = (db: Kysely<Database>, options?: { writerLinksPrompts?: boolean }) => Promise<LogRows>;

type DurableTransaction = <T>(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<T>) => Promise<T>;

/**
 * The portable write (SQLite): one transaction of a few statements, multi-row
 * VALUES compiled once per shape (`valuesBulkInsert`). Statements cost no
 * round trip on an in-process database.
 */
export function transactionalLogWrite(durableTransaction: DurableTransaction): LogWrite {
  const inserts = {
    requests: valuesBulkInsert({ table: "request_log", skipConflicts: true, returning: ["id", "request_id", "number"] }),
    // Five columns a row: 800 rows a statement stay below SQLite's parameter limit.
    tags: valuesBulkInsert({ table: "request_tag", valuesRowsPerStatement: 800 }),
    metadata: valuesBulkInsert({ table: "request_metadata", valuesRowsPerStatement: 800 }),
  };
  return (db, workspaceId, build) =>
    durableTransaction(db, async (trx) => {
      const rows = await build(trx);
      const firstNumber = await reserveRequestNumbers(trx, workspaceId, rows.requests.length);
      const numbered = rows.requests.map((row, index) => ({ ...row, number: firstNumber + index }));
      const created = new Map<string, { id: number; number: number }>();
      for (const chunk of chunks(numbered, inserts.requests.maxRows)) {
        for (const row of (await inserts.requests(trx, chunk)) as Array<{ id: number; request_id: string; number: number | string }>) {
          created.set(row.request_id, { id: Number(row.id), number: Number(row.number) });
        }
      }
      const sideRows = <Row extends { request_id: string }>(entries: readonly Row[]) =>
        entries.flatMap(({ request_id, ...fields }) => {
          const request = created.get(request_id);
          return request ? [{ request_log_id: request.id, workspace_id: workspaceId, ...fields, created_at: rows.createdAt }] : [];
        });
      for (const chunk of chunks(sideRows(rows.tags), inserts.tags.maxRows)) await inserts.tags(trx, chunk);
      for (const chunk of chunks(sideRows(rows.metadata), inserts.metadata.maxRows)) await inserts.metadata(trx, chunk);
      const existing = await findExistingNumbers(trx, workspaceId, skippedIds(rows, created));
      return { created, existing };
    });
}

/**
 * Reserves `count` consecutive request numbers of the workspace and returns
 * the first. The counter's row stays locked until the transaction ends
 * (PostgreSQL), so concurrent batches of one workspace get distinct numbers,
 * in commit order.
 */
async function reserveRequestNumbers(db: Kysely<Database>, workspaceId: number, count: number): Promise<number> {
  const row = await db
    .updateTable("workspace")
    .set((eb) => ({ request_counter: eb("request_counter", "+", count) }))
    .where("id", "=", workspaceId)
    .returning("request_counter")
    .executeTakeFirst();
  if (!row) throw missingWorkspace(workspaceId);
  return Number(row.request_counter) - count + 1;
}

export function missingWorkspace(workspaceId: number): InvalidRequestError {
  return new InvalidRequestError(`Workspace ${workspaceId} does not exist.`, ["workspace"]);
}

/** The client ids of the rows that were not inserted (stored already). */
export function skippedIds(rows: LogRows, created: ReadonlyMap<string, unknown>): string[] {
  return rows.requests.map((row) => row.request_id as string).filter((id) => !created.has(id));
}

/** Ids per `in (…)` list: far below SQLite's 32766-parameter limit. */
const idsPerStatement = 200;

/** The public numbers of requests stored already, by client id. */
export async function findExistingNumbers(db: Kysely<Database>, workspaceId: number, requestIds: readonly string[]): Promise<Map<string, number>> {
  const existing = new Map<string, number>();
  for (const chunk of chunks(requestIds, idsPerStatement)) {
    const rows = await db.selectFrom("request_log").select(["number", "request_id"]).where("workspace_id", "=", workspaceId).where("request_id", "in", chunk).execute();
    for (const row of rows) existing.set(row.request_id, Number(row.number));
  }
  return existing;
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}
