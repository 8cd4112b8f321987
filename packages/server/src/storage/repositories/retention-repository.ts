import { InvalidRequestError } from "@promptline/core";
import { maxRetentionDays } from "@promptline/core/wire";
import { sql, type Kysely } from "kysely";
import type { Database } from "../database-schema.js";
import type { RetentionRepository, RetentionSweepResult } from "../storage.js";
import type { RepositoryContext } from "./repository-context.js";

const dayMs = 86_400_000;

/** The longest retention a workspace or the server may set, in days (100 years): the wire contract's. */
export { maxRetentionDays };

/** Throws unless `days` is a whole number of days from 1 to `maxRetentionDays`. */
export function checkRetentionDays(days: number, field = "retention_days"): void {
  if (!Number.isSafeInteger(days) || days < 1 || days > maxRetentionDays) {
    throw new InvalidRequestError(`${field} must be a whole number of days from 1 to ${maxRetentionDays}, got ${days}.`, [field]);
  }
}

/** The oldest time a record of a workspace keeping `days` days may have been stored at (ISO-8601, as stored). */
export const retentionCutoff = (now: Date, days: number): string => new Date(now.getTime() - days * dayMs).toISOString();

/** How often a sweep makes sure next months' partitions exist (PostgreSQL). */
const partitionCheckMs = 3_600_000;

export function createRetentionRepository({ db, timestamp, requestPartitions }: RepositoryContext): RetentionRepository {
  let partitionsCheckedAt = Number.NEGATIVE_INFINITY;
  return {
    async get(workspaceId) {
      const row = await db.selectFrom("workspace").select("retention_days").where("id", "=", workspaceId).executeTakeFirst();
      return row === undefined ? undefined : row.retention_days === null ? null : Number(row.retention_days);
    },

    async set(workspaceId, days) {
      if (days !== null) checkRetentionDays(days);
      const result = await db.updateTable("workspace").set({ retention_days: days }).where("id", "=", workspaceId).executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async sweepBatch({ defaultDays, batchSize, now }) {
      if (defaultDays !== null) checkRetentionDays(defaultDays, "defaultDays");
      if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new InvalidRequestError(`batchSize must be a positive whole number, got ${batchSize}.`, ["batchSize"]);
      const at = now ?? new Date(timestamp());
      const workspaces = (await db.selectFrom("workspace").select(["id", "retention_days"]).orderBy("id").execute()).map((workspace) => {
        const days = workspace.retention_days === null ? defaultDays : Number(workspace.retention_days);
        return { id: workspace.id, cutoff: days === null ? undefined : retentionCutoff(at, days) };
      });
      if (requestPartitions) {
        // PostgreSQL: months that are expired for every workspace with rows in them go whole (migration 0011).
        if (at.getTime() - partitionsCheckedAt >= partitionCheckMs) {
          await requestPartitions.createMonthsAhead(db as Kysely<unknown>, at);
          partitionsCheckedAt = at.getTime();
        }
        const dropped = await requestPartitions.dropExpiredMonthsStep(db as Kysely<unknown>, workspaces, at, batchSize);
        if (dropped > 0) return { requests: dropped, spans: 0 };
      }
      const swept: RetentionSweepResult = { requests: 0, spans: 0 };
      for (const { id, cutoff } of workspaces) {
        if (cutoff === undefined) continue;
        if (swept.requests < batchSize) swept.requests += await deleteExpiredRequests(db, id, cutoff, batchSize - swept.requests);
        if (swept.spans < batchSize) swept.spans += await deleteExpiredSpans(db, id, cutoff, batchSize - swept.spans);
        if (swept.requests >= batchSize && swept.spans >= batchSize) break;
      }
      return swept;
    },
  };
}

/**
 * The workspace's oldest requests stored before `cutoff` (at most `limit`),
 * with their tags, metadata and scores, in one transaction. Found through
 * `request_log_recent` (workspace, created_at, id), so a batch reads only the
 * rows it deletes. The side tables are deleted explicitly, not left to a
 * cascade, so the same statements hold whatever the foreign keys are.
 */
async function deleteExpiredRequests(db: Kysely<Database>, workspaceId: number, cutoff: string, limit: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom("request_log")
      .select("id")
      .where("workspace_id", "=", workspaceId)
      .where("created_at", "<", cutoff)
      .orderBy("created_at")
      .orderBy("id")
      .limit(limit)
      .execute();
    if (rows.length === 0) return 0;
    const ids = rows.map((row) => row.id);
    // `created_at < cutoff` too: on PostgreSQL it keeps each delete to the expired months' partitions.
    for (const table of ["request_tag", "request_metadata"] as const) {
      await trx.deleteFrom(table).where("workspace_id", "=", workspaceId).where("created_at", "<", cutoff).where("request_log_id", "in", ids).execute();
    }
    await trx.deleteFrom("request_score").where("workspace_id", "=", workspaceId).where("request_log_id", "in", ids).execute();
    const deleted = await trx
      .deleteFrom("request_log")
      .where("workspace_id", "=", workspaceId)
      .where("created_at", "<", cutoff)
      .where("id", "in", ids)
      .executeTakeFirst();
    return Number(deleted.numDeletedRows);
  });
}

/** The workspace's oldest spans stored before `cutoff` (at most `limit`), through `span_workspace_created`. */
async function deleteExpiredSpans(db: Kysely<Database>, workspaceId: number, cutoff: string, limit: number): Promise<number> {
  const result = await sql`
    delete from span where workspace_id = ${workspaceId} and (trace_id, span_id) in (
      select trace_id, span_id from span where workspace_id = ${workspaceId} and created_at < ${cutoff} order by created_at limit ${limit}
    )`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}
