import { sql } from "kysely";
import { findExistingNumbers, missingWorkspace, skippedIds, type LogWrite } from "./log-write.js";

/**
 * PostgreSQL's write: the whole group in ONE statement, committed on its own
 * (no BEGIN/COMMIT), so a commit costs one round trip instead of about
 * eight (begin, counter, requests, tags, metadata, commit, and the reads
 * that build the rows). Data-modifying CTEs: the counter's update first
 * (every inserted row needs its value, so no key is claimed before the
 * counter's row lock is held, and numbers grow in commit order), then the
 * request rows, then the tags and metadata of the rows actually inserted
 * (joined to the insert's `returning`). The rows travel as three JSON texts
 * (`json_populate_recordset` over the table's own row type, so columns added
 * by later migrations need nothing here): the `pg` driver sends a JSON text
 * as it is, where `unnest`'s array literals made it escape every JSON column
 * again. `build` reads outside any transaction, as it did in one at READ
 * COMMITTED. Table and column names are ours (`toRequestColumns`), values are
 * parameters.
 */
export function singleStatementLogWrite(): LogWrite {
  return async (db, workspaceId, build) => {
    const rows = await build(db);
    const count = rows.requests.length;
    const columns = Object.keys(rows.requests[0] ?? {});
    const columnList = sql.join(columns.map((column) => sql.id(column)));
    const sourceList = sql.join(columns.map((column) => sql`r.${sql.id(column)}`));
    const { rows: answer } = await sql<{ before: number; id: number | null; request_id: string | null; number: number | null }>`
      with counter as (
        update workspace set request_counter = request_counter + ${count}::bigint
        where id = ${workspaceId}::bigint
        returning request_counter - ${count}::bigint as before
      ), created as (
        insert into request_log (${columnList}, "number")
        select ${sourceList}, counter.before + r.ordinality
        from counter cross join json_populate_recordset(null::request_log, ${JSON.stringify(rows.requests)}::json) with ordinality as r
        on conflict do nothing
        returning id, request_id, "number"
      ), tags as (
        insert into request_tag (request_log_id, workspace_id, tag, "position", created_at)
        select created.id, ${workspaceId}::bigint, t.tag, t."position", ${rows.createdAt}::text
        from json_to_recordset(${JSON.stringify(rows.tags)}::json) as t(request_id text, tag text, "position" integer)
        join created on created.request_id = t.request_id
      ), metadata as (
        insert into request_metadata (request_log_id, workspace_id, "key", "value", created_at)
        select created.id, ${workspaceId}::bigint, m."key", m."value", ${rows.createdAt}::text
        from json_to_recordset(${JSON.stringify(rows.metadata)}::json) as m(request_id text, "key" text, "value" text)
        join created on created.request_id = m.request_id
      )
      select counter.before, created.id, created.request_id, created."number" from counter left join created on true`.execute(db);
    // No row at all: the counter's update found no workspace (one row with nulls: nothing was inserted).
    if (answer.length === 0) throw missingWorkspace(workspaceId);
    const created = new Map<string, { id: number; number: number }>();
    for (const row of answer) if (row.request_id !== null) created.set(row.request_id, { id: Number(row.id), number: Number(row.number) });
    const skipped = skippedIds(rows, created);
    // A re-sent record: read after the commit (a concurrent original holding the key was waited for by the insert).
    const existing = skipped.length === 0 ? new Map<string, number>() : await findExistingNumbers(db, workspaceId, skipped);
    return { created, existing };
  };
}
