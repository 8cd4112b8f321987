/**
 * What the SQLite log writer thread (`sqlite-log-worker.ts`) and the server
 * thread (`sqlite-log-writer.ts`) say to each other. Rows travel flat (one
 * array of column values, one of tag and one of metadata triples): a
 * structured clone of primitives in arrays costs a fraction of cloning one
 * object per row with its ~30 keys. Pure, so both sides and the tests share it.
 */
import type { LogRows, LogWriteResult } from "../internal/log-write.js";

export interface LogWorkerOptions {
  /** The database file (the worker opens its own connection to it; never `:memory:`). */
  filename: string;
  busyTimeoutMs: number;
}

/** One group commit: the request rows of `LogRows`, flattened. */
export interface LogWriteRequest {
  id: number;
  workspaceId: number;
  /** request_log columns, in the order each row's values follow in `values` (`number` is not one: the worker numbers the rows). */
  columns: string[];
  /** Row after row, `columns.length` values each. */
  values: unknown[];
  /** `[request_id, tag, position]` after one another. */
  tags: unknown[];
  /** `[request_id, key, value]` after one another. */
  metadata: unknown[];
  createdAt: string;
}

export type LogWorkerMessage = LogWriteRequest | { id: number; close: true };

export type LogWorkerReply =
  | {
      id: number;
      ok: true;
      /** `[row index, internal id, public number]` of each row inserted now. */
      created: number[];
      /** `[row index, public number]` of each row stored already (a re-sent record). */
      existing: number[];
    }
  | { id: number; ok: false; error: { name: string; message: string; code?: string } }
  | { id: number; closed: true };

/** The code of the error the worker answers when the workspace's counter row is missing. */
export const missingWorkspaceCode = "PROMPTLINE_MISSING_WORKSPACE";

/** Flattens a group commit's rows for the worker. Every row has the same keys (`toRequestColumns`); a missing one is null. */
export function toWriteRequest(id: number, workspaceId: number, rows: LogRows): LogWriteRequest {
  const columns = Object.keys(rows.requests[0] ?? {});
  const values: unknown[] = [];
  for (const row of rows.requests) for (const column of columns) values.push(row[column] ?? null);
  const tags: unknown[] = [];
  for (const tag of rows.tags) tags.push(tag.request_id, tag.tag, tag.position);
  const metadata: unknown[] = [];
  for (const entry of rows.metadata) metadata.push(entry.request_id, entry.key, entry.value);
  return { id, workspaceId, columns, values, tags, metadata, createdAt: rows.createdAt };
}

/** The worker's answer, by client id, as `LogWrite` returns it. */
export function fromWriteReply(rows: LogRows, reply: { created: number[]; existing: number[] }): LogWriteResult {
  const requestIdAt = (index: number) => rows.requests[index]?.request_id as string;
  const created = new Map<string, { id: number; number: number }>();
  for (let at = 0; at < reply.created.length; at += 3) {
    created.set(requestIdAt(reply.created[at]!), { id: reply.created[at + 1]!, number: reply.created[at + 2]! });
  }
  const existing = new Map<string, number>();
  for (let at = 0; at < reply.existing.length; at += 2) existing.set(requestIdAt(reply.existing[at]!), reply.existing[at + 1]!);
  return { created, existing };
}
