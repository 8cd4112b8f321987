import { InvalidRequestError } from "@promptline/core";
import { sql, type Insertable, type Kysely, type Selectable } from "kysely";
import type { Database, SpanTable } from "../database-schema.js";
import { fromJson, fromNullableJson, toJson } from "../internal/json.js";
import { containsPattern } from "../internal/like-pattern.js";
import type { SpanKindName, SpanRecord, SpanRepository, SpanStatusCode, StoredSpan, TraceSummary } from "../storage.js";
import type { RepositoryContext } from "./repository-context.js";

/** Rows per INSERT: 16 parameters a row stays far below SQLite's 32766-parameter limit. */
const rowsPerStatement = 500;

/** Nanoseconds as 20-digit text: compared as text, ordered as numbers. */
const padNanos = (nanos: string) => nanos.padStart(20, "0");
const unpadNanos = (text: string) => text.replace(/^0+(?=\d)/, "");

function toSpanColumns(workspaceId: number, span: SpanRecord, createdAt: string): Insertable<SpanTable> {
  return {
    workspace_id: workspaceId,
    trace_id: span.trace_id,
    span_id: span.span_id,
    parent_span_id: span.parent_span_id,
    name: span.name,
    kind: span.kind,
    start_time_unix_nano: padNanos(span.start_time_unix_nano),
    end_time_unix_nano: padNanos(span.end_time_unix_nano),
    status_code: span.status.code,
    status_message: span.status.message,
    attributes: toJson(span.attributes),
    events: span.events.length ? toJson(span.events) : null,
    links: span.links.length ? toJson(span.links) : null,
    resource: Object.keys(span.resource).length ? toJson(span.resource) : null,
    scope: span.scope ? toJson(span.scope) : null,
    created_at: createdAt,
  };
}

function toStoredSpan(row: Selectable<SpanTable>): StoredSpan {
  return {
    trace_id: row.trace_id,
    span_id: row.span_id,
    parent_span_id: row.parent_span_id,
    name: row.name,
    kind: row.kind as SpanKindName,
    start_time_unix_nano: unpadNanos(row.start_time_unix_nano),
    end_time_unix_nano: unpadNanos(row.end_time_unix_nano),
    status: { code: row.status_code as SpanStatusCode, message: row.status_message },
    attributes: fromJson<Record<string, unknown>>(row.attributes),
    events: fromNullableJson<StoredSpan["events"]>(row.events) ?? [],
    links: fromNullableJson<StoredSpan["links"]>(row.links) ?? [],
    resource: fromNullableJson<Record<string, unknown>>(row.resource) ?? {},
    scope: fromNullableJson<StoredSpan["scope"]>(row.scope),
    created_at: row.created_at,
  };
}

export function createSpanRepository({ db, timestamp }: RepositoryContext): SpanRepository {
  return {
    async insertMany(workspaceId, spans) {
      if (spans.length === 0) return { created: 0, duplicates: 0 };
      // The first copy of a span re-sent within the batch counts; keys taken in order, so
      // overlapping batches lock them alike (no deadlock on PostgreSQL).
      const firstCopies = new Map<string, SpanRecord>();
      for (const span of spans) {
        const key = `${span.trace_id}:${span.span_id}`;
        if (!firstCopies.has(key)) firstCopies.set(key, span);
      }
      const ordered = [...firstCopies.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, span]) => span);
      const createdAt = timestamp();
      const created = await db.transaction().execute(async (trx) => {
        let created = 0;
        for (let start = 0; start < ordered.length; start += rowsPerStatement) {
          const rows = ordered.slice(start, start + rowsPerStatement).map((span) => toSpanColumns(workspaceId, span, createdAt));
          const inserted = await trx
            .insertInto("span")
            .values(rows)
            .onConflict((conflict) => conflict.columns(["workspace_id", "trace_id", "span_id"]).doNothing())
            .returning("span_id")
            .execute();
          created += inserted.length;
        }
        await linkRequests(trx, workspaceId, ordered);
        return created;
      });
      return { created, duplicates: spans.length - created };
    },

    async trace(workspaceId, traceId) {
      const rows = await db
        .selectFrom("span")
        .selectAll()
        .where("workspace_id", "=", workspaceId)
        .where("trace_id", "=", traceId)
        .orderBy("start_time_unix_nano")
        .orderBy("span_id")
        .execute();
      return rows.map(toStoredSpan);
    },

    async recent(workspaceId, limit = 100) {
      const rows = await db
        .selectFrom("span")
        .selectAll()
        .where("workspace_id", "=", workspaceId)
        .orderBy("start_time_unix_nano", "desc")
        .orderBy("span_id", "desc")
        .limit(Math.min(Math.max(1, Math.trunc(limit) || 1), 1000))
        .execute();
      return rows.map(toStoredSpan);
    },

    async requestsOfTrace(workspaceId, traceId) {
      const rows = await db
        .selectFrom("request_log")
        .select(["id", "number", "request_id", "span_id"])
        .where("workspace_id", "=", workspaceId)
        .where("trace_id", "=", traceId)
        .orderBy("id")
        .execute();
      // `id` is the request's number in the workspace, as `RequestLogRow.id` (the row id stays inside).
      return rows.map((row) => ({ id: Number(row.number ?? row.id), request_id: row.request_id, span_id: row.span_id }));
    },

    async traces(workspaceId, query) {
      const limit = Math.min(Math.max(1, Math.trunc(query.limit) || 1), 500);
      const after = query.cursor === undefined ? undefined : decodeTraceCursor(query.cursor);
      const start = sql<string>`min(start_time_unix_nano)`;
      let page = db
        .selectFrom("span")
        .select(["trace_id", start.as("start"), sql<string>`max(end_time_unix_nano)`.as("end"), sql<number | string>`count(*)`.as("span_count")])
        .where("workspace_id", "=", workspaceId)
        .groupBy("trace_id");
      if (query.name !== undefined) {
        const named = db
          .selectFrom("span")
          .select("trace_id")
          .where("workspace_id", "=", workspaceId)
          // Case-insensitive on both dialects (SQLite's LIKE already is for ASCII; PostgreSQL's is not).
          .where(sql<boolean>`lower(name) like ${containsPattern(query.name.toLowerCase())} escape '\\'`);
        page = page.where("trace_id", "in", named);
      }
      // A trace is in the range when it starts there (its earliest span), so the filter is on the aggregate.
      if (query.since_unix_nano !== undefined) page = page.having(start, ">=", padNanos(query.since_unix_nano));
      if (query.until_unix_nano !== undefined) page = page.having(start, "<", padNanos(query.until_unix_nano));
      if (after) page = page.having((eb) => eb.or([eb(start, "<", after.start), eb.and([eb(start, "=", after.start), eb("trace_id", "<", after.trace_id)])]));
      const rows = await page.orderBy(start, "desc").orderBy("trace_id", "desc").limit(limit + 1).execute();
      const shown = rows.slice(0, limit);
      if (shown.length === 0) return { traces: [], next_cursor: null };
      const traceIds = shown.map((row) => row.trace_id);
      const [spans, requests] = await Promise.all([
        db
          .selectFrom("span")
          .select(["trace_id", "name", "parent_span_id"])
          .where("workspace_id", "=", workspaceId)
          .where("trace_id", "in", traceIds)
          .orderBy("start_time_unix_nano")
          .orderBy("span_id")
          .execute(),
        db
          .selectFrom("request_log")
          .select(["trace_id", sql<number | string>`count(*)`.as("count")])
          .where("workspace_id", "=", workspaceId)
          .where("trace_id", "in", traceIds)
          .groupBy("trace_id")
          .execute(),
      ]);
      const rootNames = new Map<string, string>();
      const firstNames = new Map<string, string>();
      for (const span of spans) {
        if (!firstNames.has(span.trace_id)) firstNames.set(span.trace_id, span.name);
        if (span.parent_span_id === null && !rootNames.has(span.trace_id)) rootNames.set(span.trace_id, span.name);
      }
      const requestCounts = new Map(requests.map((row) => [row.trace_id, Number(row.count)]));
      const traces: TraceSummary[] = shown.map((row) => ({
        trace_id: row.trace_id,
        root_span_name: rootNames.get(row.trace_id) ?? firstNames.get(row.trace_id) ?? "",
        start_time_unix_nano: unpadNanos(row.start),
        end_time_unix_nano: unpadNanos(row.end),
        span_count: Number(row.span_count),
        request_count: requestCounts.get(row.trace_id) ?? 0,
      }));
      const last = shown[shown.length - 1]!;
      return { traces, next_cursor: rows.length > limit ? encodeTraceCursor({ start: last.start, trace_id: last.trace_id }) : null };
    },
  };
}

interface TracePosition {
  /** The trace's padded start. */
  start: string;
  trace_id: string;
}

const encodeTraceCursor = (position: TracePosition) => Buffer.from(`${position.start}:${position.trace_id}`).toString("base64url");

function decodeTraceCursor(cursor: string): TracePosition {
  const match = /^(\d{20}):([0-9a-f]{32})$/.exec(Buffer.from(cursor, "base64url").toString());
  if (!match) throw new InvalidRequestError("Invalid cursor: pass the next_cursor of a previous page unchanged.", ["cursor"]);
  return { start: match[1]!, trace_id: match[2]! };
}

/** Requests logged with one of these span ids but no trace id (they came before their span) get the span's trace. */
async function linkRequests(db: Kysely<Database>, workspaceId: number, spans: readonly SpanRecord[]) {
  const spanIdsByTrace = new Map<string, string[]>();
  for (const span of spans) {
    const ids = spanIdsByTrace.get(span.trace_id);
    if (ids) ids.push(span.span_id);
    else spanIdsByTrace.set(span.trace_id, [span.span_id]);
  }
  for (const [traceId, spanIds] of spanIdsByTrace) {
    for (let start = 0; start < spanIds.length; start += rowsPerStatement) {
      await db
        .updateTable("request_log")
        .set({ trace_id: traceId })
        .where("workspace_id", "=", workspaceId)
        .where("trace_id", "is", null)
        .where("span_id", "in", spanIds.slice(start, start + rowsPerStatement))
        .execute();
    }
  }
}
