import { InvalidRequestError } from "@promptline/core";
import { sql, type Kysely } from "kysely";
import type { Database } from "../database-schema.js";
import type { RequestStatsBucket, RequestStatsQuery } from "../storage.js";
import { requestFilters } from "./request-page-query.js";

/** How many leading characters of an ISO-8601 timestamp name each bucket, and what completes it. */
const buckets = {
  minute: { length: 16, suffix: ":00.000Z" },
  hour: { length: 13, suffix: ":00:00.000Z" },
  day: { length: 10, suffix: "T00:00:00.000Z" },
} as const;

/** More buckets than any chart draws: a bound on the answer's size. */
const maxBuckets = 5000;

/**
 * The request log aggregated per time bucket. Timestamps are stored as
 * ISO-8601 UTC text on both databases, so a prefix of the text is the bucket:
 * one portable GROUP BY, read through the `(workspace_id, created_at)` index
 * when a time range is given.
 */
export async function selectStats(db: Kysely<Database>, workspaceId: number, query: RequestStatsQuery): Promise<RequestStatsBucket[]> {
  const bucket = buckets[query.bucket];
  if (!bucket) throw new InvalidRequestError(`bucket must be minute, hour or day, got ${JSON.stringify(query.bucket)}.`, ["bucket"]);
  const start = sql<string>`substr(request_log.created_at, 1, ${sql.lit(bucket.length)})`;
  const rows = await db
    .selectFrom("request_log")
    .select([
      start.as("bucket"),
      sql<number | string>`count(*)`.as("count"),
      sql<number | string>`sum(case when request_log.status = 'ERROR' then 1 else 0 end)`.as("errors"),
      sql<number | string | null>`avg(request_log.latency_ms)`.as("avg_latency_ms"),
      sql<number | string | null>`sum(request_log.cost_usd)`.as("cost_usd"),
      sql<number | string | null>`sum(request_log.input_tokens)`.as("input_tokens"),
      sql<number | string | null>`sum(request_log.output_tokens)`.as("output_tokens"),
    ])
    .where("request_log.workspace_id", "=", workspaceId)
    .$if(query.from !== undefined, (qb) => qb.where("request_log.created_at", ">=", query.from!))
    .$if(query.to !== undefined, (qb) => qb.where("request_log.created_at", "<", query.to!))
    .where(requestFilters(query))
    .groupBy(start)
    .orderBy(start)
    .limit(maxBuckets)
    .execute();
  // PostgreSQL returns bigint and numeric aggregates as strings.
  const number = (value: number | string | null) => (value === null ? 0 : Number(value));
  return rows.map((row) => ({
    start: `${row.bucket}${bucket.suffix}`,
    count: number(row.count),
    errors: number(row.errors),
    avg_latency_ms: row.avg_latency_ms === null ? null : Number(row.avg_latency_ms),
    cost_usd: number(row.cost_usd),
    input_tokens: number(row.input_tokens),
    output_tokens: number(row.output_tokens),
  }));
}
