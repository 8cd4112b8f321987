import { sql, type Kysely } from "kysely";
import type { Database } from "../database-schema.js";
import type { LabelComparisonQuery, VersionComparison } from "../storage.js";

/** More versions than any label serves at once: a bound on the answer. */
const maxVersions = 50;

/**
 * The versions a label served, side by side, from the request log: one
 * GROUP BY for counts, errors, tokens and cost; the latency percentiles by
 * rank (an ORDER BY … OFFSET per version and percentile, portable to both
 * databases) and the mean score through `request_score`.
 */
export async function selectLabelComparison(db: Kysely<Database>, workspaceId: number, query: LabelComparisonQuery): Promise<VersionComparison[]> {
  const served = () => {
    let rows = db
      .selectFrom("request_log")
      .where("request_log.workspace_id", "=", workspaceId)
      .where("request_log.prompt_name", "=", query.prompt_name)
      .where("request_log.prompt_label", "=", query.prompt_label)
      .where("request_log.prompt_version", "is not", null);
    if (query.from !== undefined) rows = rows.where("request_log.created_at", ">=", query.from);
    if (query.to !== undefined) rows = rows.where("request_log.created_at", "<", query.to);
    return rows;
  };
  const groups = await served()
    .select([
      "request_log.prompt_version as version",
      sql<number | string>`count(*)`.as("requests"),
      sql<number | string>`sum(case when request_log.status = 'ERROR' then 1 else 0 end)`.as("errors"),
      sql<number | string>`count(request_log.latency_ms)`.as("timed"),
      sql<number | string | null>`sum(request_log.input_tokens)`.as("input_tokens"),
      sql<number | string | null>`sum(request_log.output_tokens)`.as("output_tokens"),
      sql<number | string | null>`sum(request_log.cost_usd)`.as("cost_usd"),
    ])
    .groupBy("request_log.prompt_version")
    .orderBy("request_log.prompt_version")
    .limit(maxVersions)
    .execute();

  const number = (value: number | string | null) => (value === null ? 0 : Number(value));
  return Promise.all(
    groups.map(async (group) => {
      const version = Number(group.version);
      const timed = number(group.timed);
      const percentile = async (p: number): Promise<number | null> => {
        if (timed === 0) return null;
        // Nearest rank: the smallest latency with at least p of the timed requests at or below it.
        const row = await served()
          .select("request_log.latency_ms")
          .where("request_log.prompt_version", "=", version)
          .where("request_log.latency_ms", "is not", null)
          .orderBy("request_log.latency_ms")
          .offset(Math.max(0, Math.ceil(p * timed) - 1))
          .limit(1)
          .executeTakeFirst();
        return row?.latency_ms ?? null;
      };
      const score = await served()
        .innerJoin("request_score", "request_score.request_log_id", "request_log.id")
        .select(sql<number | string | null>`avg(request_score.score)`.as("mean"))
        .where("request_log.prompt_version", "=", version)
        .where("request_score.workspace_id", "=", workspaceId)
        .executeTakeFirst();
      const requests = number(group.requests);
      const errors = number(group.errors);
      return {
        version,
        requests,
        errors,
        error_rate: requests === 0 ? 0 : errors / requests,
        p50_latency_ms: await percentile(0.5),
        p95_latency_ms: await percentile(0.95),
        input_tokens: number(group.input_tokens),
        output_tokens: number(group.output_tokens),
        cost_usd: number(group.cost_usd),
        mean_score: score?.mean === null || score?.mean === undefined ? null : Number(score.mean),
      };
    }),
  );
}
