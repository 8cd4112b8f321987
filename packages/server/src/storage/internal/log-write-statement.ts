import { sql, type RawBuilder } from "kysely";
import { findExistingNumbers, missingWorkspace, skippedIds, type LogWrite } from "./log-write.js";

/** A statement as `pg` takes it: with a `name`, the connection parses it once and keeps it (decision 0030). */
export interface NamedStatement {
  name: string;
  text: string;
  values: readonly unknown[];
}

/** Runs a named statement on a pooled connection (`pg`'s `pool.query`) and answers its rows. */
export type RunNamedStatement = <Row>(statement: NamedStatement) => Promise<{ rows: Row[] }>;

interface WriteAnswerRow {
  before: number;
  id: number | null;
  request_id: string | null;
  number: number | null;
}

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
 * again. `build` reads (the traces of spans) outside any transaction, as it
 * did in one at READ COMMITTED; the prompt links are made in the statement
 * (`linkedPromptColumns`). Table and column names are ours (`toRequestColumns`), values are
 * parameters.
 *
 * Decision 0030, what the database does per group:
 * - The statement is **named** (`run` is `pool.query`): each connection parses
 *   it once, and after five executions PostgreSQL keeps a generic plan. The
 *   unnamed statement was parsed, analysed and planned on every group, with
 *   the rows' JSON text (~1.6 kB a record) folded into the plan as a constant
 *   and copied with the query tree.
 * - The rows are parsed **before** the counter's row lock is taken: the
 *   counter adds the row count of the materialised `source`, so its update
 *   reads the JSON first. The lock serialises a workspace's writes until they
 *   commit; what runs before it overlaps the write that holds it.
 * - The idempotency keys are claimed **here, set-based** (`claimed`: keys
 *   in `request_id` order, numbered from the counter), and only claimed rows
 *   are inserted. `source` sets `promptline.request_keys_claimed` for this
 *   statement's own transaction (a row of it is made before any row is
 *   inserted), which the per-row claim trigger's `when` skips (migration
 *   0017); a key held by a write still in flight is waited for by
 *   `on conflict`, as the trigger's insert waited.
 */
/**
 * The prompt link, made in the statement (`writerLinksPrompts`: the rows hold
 * the id and name the record asked for, unchecked), as `resolvePromptLinks`
 * makes it on the server: the workspace's prompt by the id asked for, else by
 * the name; an id or name the workspace doesn't know leaves the row unlinked
 * but keeps the name. One query and one round trip fewer a group, and the
 * prompt can't go between the read and the write. Linked in `source`, before
 * the counter's row lock is taken: the lock serialises the workspace's writes.
 */
const linkedPromptColumns: Record<string, RawBuilder<unknown>> = {
  prompt_id: sql`source.linked_prompt_id`,
  prompt_name: sql`source.linked_prompt_name`,
};

export function singleStatementLogWrite(run: RunNamedStatement): LogWrite {
  const names = new Map<string, string>();
  return async (db, workspaceId, build) => {
    const rows = await build(db, { writerLinksPrompts: true });
    const columns = Object.keys(rows.requests[0] ?? {});
    const columnList = sql.join(columns.map((column) => sql.id(column)));
    const sourceList = sql.join(columns.map((column) => linkedPromptColumns[column] ?? sql`source.${sql.id(column)}`));
    const compiled = sql<WriteAnswerRow>`
      with source as materialized (
        select requested.*, set_config('promptline.request_keys_claimed', 'on', true) as keys_claimed_here,
          coalesce(by_id.id, by_name.id) as linked_prompt_id, coalesce(requested.prompt_name, by_id.name) as linked_prompt_name
        from json_populate_recordset(null::request_log, ${JSON.stringify(rows.requests)}::json) with ordinality as requested
        left join prompt by_id on by_id.workspace_id = ${workspaceId}::bigint and by_id.id = requested.prompt_id
        left join prompt by_name on by_id.id is null and by_name.workspace_id = ${workspaceId}::bigint and by_name.name = nullif(requested.prompt_name, '')
      ), counter as (
        update workspace set request_counter = request_counter + (select count(*) from source)
        where id = ${workspaceId}::bigint
        returning request_counter - (select count(*) from source) as before
      ), claimed as (
        insert into request_key (workspace_id, request_id, "number", created_at)
        select source.workspace_id, source.request_id, counter.before + source.ordinality, source.created_at
        from counter cross join source
        on conflict do nothing
        returning request_id, "number"
      ), created as (
        insert into request_log (${columnList}, "number")
        select ${sourceList}, claimed."number"
        from source join claimed on claimed.request_id = source.request_id
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
      select counter.before, created.id, created.request_id, created."number" from counter left join created on true`.compile(db);
    // One name per text (the columns could differ between schema versions); a handful at most.
    let name = names.get(compiled.sql);
    if (name === undefined) {
      name = `promptline_log_write_${names.size + 1}`;
      names.set(compiled.sql, name);
    }
    const { rows: answer } = await run<WriteAnswerRow>({ name, text: compiled.sql, values: compiled.parameters });
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
