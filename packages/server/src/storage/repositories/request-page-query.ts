import { expressionBuilder, sql } from "kysely";
import type { Expression, Kysely, SqlBool } from "kysely";
import type { Database } from "../database-schema.js";
import type { LogPosition } from "../internal/cursor.js";
import type { RequestQuery } from "../storage.js";
import type { RequestRow } from "./request-queries.js";

/**
 * One page of the request log, newest first, in (created_at, id) order.
 *
 * The plan matters at a million rows. Each column filter has an index
 * `(workspace_id, column, created_at, id)` that yields its matches already in
 * page order. Tags and metadata live in side tables whose indexes also end in
 * `(created_at, request_log_id)`, so when the query names a tag (or a
 * metadata pair) the page is read from that index, the first one named,
 * in order, and stops after `take` rows; a rare tag costs as little as a
 * common one. A planner left to choose between "scan by time, test each row"
 * and "collect the matches, then sort" picks the wrong one for either rare or
 * common values, on both databases, depending on its statistics.
 */
export async function selectPage(
  db: Kysely<Database>,
  workspaceId: number,
  query: RequestQuery,
  after: LogPosition | undefined,
  take: number,
): Promise<RequestRow[]> {
  const tags = [...new Set(query.tags ?? [])];
  const metadata = Object.entries(query.metadata ?? {});
  const [drivingTag] = tags;
  const [drivingPair] = metadata;

  if (drivingTag !== undefined) {
    const filters = requestFilters({ ...query, tags: tags.slice(1) });
    return selectDrivenPage(db, workspaceId, { table: "request_tag", match: { tag: drivingTag } }, filters, query, after, take);
  }
  if (drivingPair !== undefined) {
    const [key, value] = drivingPair;
    const filters = requestFilters({ ...query, metadata: Object.fromEntries(metadata.slice(1)) });
    return selectDrivenPage(db, workspaceId, { table: "request_metadata", match: { key, value } }, filters, query, after, take);
  }
  return db
    .selectFrom("request_log")
    .selectAll("request_log")
    .where("request_log.workspace_id", "=", workspaceId)
    .where((eb) => eb.and(pageWindow(eb, "request_log.created_at", "request_log.id", query, after)))
    .where(requestFilters(query))
    .orderBy("request_log.created_at", "desc")
    .orderBy("request_log.id", "desc")
    .limit(take)
    .execute();
}

/** A side table whose index drives the page, and the values its leading key columns must have. */
type PageDriver =
  | { table: "request_tag"; match: { tag: string } }
  | { table: "request_metadata"; match: { key: string; value: string } };

/** The page read in order from the driving side table's index, joined to `request_log`. */
function selectDrivenPage(
  db: Kysely<Database>,
  workspaceId: number,
  driver: PageDriver,
  filters: Expression<SqlBool>,
  query: RequestQuery,
  after: LogPosition | undefined,
  take: number,
): Promise<RequestRow[]> {
  let page = db
    .selectFrom(db.dynamic.table(driver.table).as("driver"))
    .innerJoin("request_log", "request_log.id", "driver.request_log_id")
    .selectAll("request_log")
    .where("driver.workspace_id", "=", workspaceId);
  // Key columns in declaration order: the same SQL, condition for condition, as one query per table.
  for (const [column, value] of Object.entries(driver.match)) page = page.where(sql.ref(`driver.${column}`), "=", value);
  return page
    .where((eb) => eb.and(pageWindow(eb, "driver.created_at", "driver.request_log_id", query, after)))
    .where(filters)
    .orderBy("driver.created_at", "desc")
    .orderBy("driver.request_log_id", "desc")
    .limit(take)
    .execute();
}

interface WindowBuilder {
  and(expressions: Expression<SqlBool>[]): Expression<SqlBool>;
  or(expressions: Expression<SqlBool>[]): Expression<SqlBool>;
}

/** The time range and the cursor, on whichever table orders the page. */
function pageWindow<Column extends string>(
  eb: WindowBuilder & ((left: Column, operator: "<" | "=" | ">=", right: string | number) => Expression<SqlBool>),
  createdAt: Column,
  id: Column,
  query: RequestQuery,
  after: LogPosition | undefined,
): Expression<SqlBool>[] {
  const conditions: Expression<SqlBool>[] = [];
  if (query.from !== undefined) conditions.push(eb(createdAt, ">=", query.from));
  if (query.to !== undefined) conditions.push(eb(createdAt, "<", query.to));
  if (after) {
    conditions.push(eb.or([eb(createdAt, "<", after.created_at), eb.and([eb(createdAt, "=", after.created_at), eb(id, "<", after.id)])]));
  }
  return conditions;
}

/**
 * Every filter but the time window, as one condition on `request_log`
 * (table-qualified, as the table may be joined). Further tags and metadata
 * pairs are point lookups in the side tables' primary keys.
 */
export function requestFilters(query: RequestQuery): Expression<SqlBool> {
  const eb = expressionBuilder<Database, "request_log">();
  const conditions: Expression<SqlBool>[] = [];
  if (query.prompt_name !== undefined) conditions.push(eb("request_log.prompt_name", "=", query.prompt_name));
  if (query.prompt_version !== undefined) conditions.push(eb("request_log.prompt_version", "=", query.prompt_version));
  if (query.prompt_label !== undefined) conditions.push(eb("request_log.prompt_label", "=", query.prompt_label));
  if (query.status !== undefined) conditions.push(eb("request_log.status", "=", query.status));
  if (query.provider !== undefined) conditions.push(eb("request_log.provider", "=", query.provider));
  if (query.model !== undefined) conditions.push(eb("request_log.model", "=", query.model));
  if (query.group_id !== undefined) conditions.push(eb("request_log.group_id", "=", query.group_id));
  for (const tag of new Set(query.tags ?? [])) {
    conditions.push(
      eb.exists(
        eb
          .selectFrom("request_tag")
          .select("request_tag.request_log_id")
          .whereRef("request_tag.request_log_id", "=", "request_log.id")
          .where("request_tag.tag", "=", tag),
      ),
    );
  }
  for (const [key, value] of Object.entries(query.metadata ?? {})) {
    conditions.push(
      eb.exists(
        eb
          .selectFrom("request_metadata")
          .select("request_metadata.request_log_id")
          .whereRef("request_metadata.request_log_id", "=", "request_log.id")
          .where("request_metadata.key", "=", key)
          .where("request_metadata.value", "=", value),
      ),
    );
  }
  return eb.and(conditions);
}
