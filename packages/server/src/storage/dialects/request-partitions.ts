import { sql, type Kysely } from "kysely";

/**
 * PostgreSQL's request tables, partitioned by month of `created_at`
 * (migration 0011, decision 0018): `request_log`, `request_tag` and
 * `request_metadata` each have one partition per month (`…_y2026m01`, bounds
 * `[2026-01-01T00:00:00.000Z, 2026-02-01T00:00:00.000Z)` as text, the way
 * `created_at` is stored) and a default partition for anything outside them.
 * Retention drops a month of all three at once when every row in it is
 * expired, and every query with a time range reads only its months.
 */
export const partitionedTables = ["request_log", "request_tag", "request_metadata"] as const;

/** Months created ahead of the current one, so inserts never land in the default partition. */
export const monthsAhead = 3;

export interface Month {
  /** `y2026m01`. */
  suffix: string;
  /** Inclusive lower bound, as stored text. */
  from: string;
  /** Exclusive upper bound. */
  to: string;
}

/** The month holding `at` (UTC), `offset` months later. */
export function monthOf(at: Date, offset = 0): Month {
  const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + offset, 1));
  const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  const suffix = `y${start.getUTCFullYear()}m${String(start.getUTCMonth() + 1).padStart(2, "0")}`;
  return { suffix, from: start.toISOString(), to: end.toISOString() };
}

/** Every month from the one holding `from` to the one holding `to`, in order. */
export function monthsBetween(from: Date, to: Date): Month[] {
  const months: Month[] = [];
  for (let offset = 0; ; offset++) {
    const month = monthOf(from, offset);
    if (month.from > to.toISOString()) return months;
    months.push(month);
  }
}

/**
 * Creates the month's partition of each request table unless it exists.
 * When rows of that month already sit in the default partition (a clock
 * that jumped, a server that ran past the months made ahead), they are
 * moved into the new partition in the same transaction, then it is attached
 * (and their idempotency keys, released by the delete's trigger, claimed again).
 */
export async function createMonth(db: Kysely<unknown>, month: Month): Promise<void> {
  for (const table of partitionedTables) {
    const partition = sql.id(`${table}_${month.suffix}`);
    const bounds = sql`for values from (${sql.lit(month.from)}) to (${sql.lit(month.to)})`;
    try {
      await sql`create table if not exists ${partition} partition of ${sql.id(table)} ${bounds}`.execute(db);
    } catch (error) {
      // 23514: the default partition holds rows of this month.
      if ((error as { code?: unknown }).code !== "23514") throw error;
      await db.transaction().execute(async (trx) => {
        await sql`create table ${partition} (like ${sql.id(table)} including defaults)`.execute(trx);
        await sql`with moved as (delete from ${sql.id(`${table}_default`)} where created_at >= ${month.from} and created_at < ${month.to} returning *)
          insert into ${partition} select * from moved`.execute(trx);
        await sql`alter table ${sql.id(table)} attach partition ${partition} ${bounds}`.execute(trx);
        // Deleting from the default partition released the moved requests' idempotency keys: claim them again.
        if (table === "request_log") {
          await sql`insert into request_key (workspace_id, request_id, number, created_at)
            select workspace_id, request_id, number, created_at from ${partition} on conflict do nothing`.execute(trx);
        }
      });
    }
  }
}

/** The current month and `monthsAhead` more: run at start and by every retention sweep. */
export async function createMonthsAhead(db: Kysely<unknown>, now: Date): Promise<void> {
  for (let offset = 0; offset <= monthsAhead; offset++) await createMonth(db, monthOf(now, offset));
}

/** The monthly partitions of `request_log`, oldest first (the default partition left out). */
export async function listMonths(db: Kysely<unknown>): Promise<Month[]> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    join pg_class p on p.oid = i.inhparent
    join pg_namespace n on n.oid = p.relnamespace
    where p.relname = 'request_log' and n.nspname = current_schema() and c.relname ~ '^request_log_y[0-9]{4}m[0-9]{2}$'
    order by c.relname`.execute(db);
  return rows.map((row) => {
    const [, year, month] = /y(\d{4})m(\d{2})$/.exec(row.name)!;
    return monthOf(new Date(Date.UTC(Number(year), Number(month) - 1, 1)));
  });
}

/**
 * One step of dropping expired months: `workspaces` gives each workspace's
 * oldest kept `created_at` (undefined: it keeps everything). A month goes
 * when no workspace that still keeps any of it has a row there (one index
 * probe per such workspace). Its idempotency keys (`request_key`, not
 * partitioned) are released `keysPerStep` per call; once none is left, its scores
 * are deleted and the three partitions dropped at once, and the next month
 * is tried. Returns the requests whose keys this step released (0 when it
 * only dropped, or found nothing to drop).
 */
export async function dropExpiredMonthsStep(
  db: Kysely<unknown>,
  workspaces: readonly { id: number; cutoff: string | undefined }[],
  now: Date,
  keysPerStep: number,
): Promise<number> {
  const current = monthOf(now).from;
  for (const month of await listMonths(db)) {
    if (month.from >= current) return 0;
    const keeping = workspaces.filter((workspace) => workspace.cutoff === undefined || workspace.cutoff < month.to).map((workspace) => workspace.id);
    const partition = sql.id(`request_log_${month.suffix}`);
    if (keeping.length > 0) {
      const { rows } = await sql`select 1 from ${partition} where workspace_id in (${sql.join(keeping)}) limit 1`.execute(db);
      if (rows.length > 0) continue;
    }
    const released = await sql`
      delete from request_key where ctid in (
        select ctid from request_key where created_at >= ${month.from} and created_at < ${month.to} limit ${keysPerStep}
      )`.execute(db);
    const count = Number(released.numAffectedRows ?? 0n);
    if (count > 0) return count;
    await db.transaction().execute(async (trx) => {
      await sql`delete from request_score where request_log_id in (select id from ${partition})`.execute(trx);
      for (const table of partitionedTables) await sql`drop table if exists ${sql.id(`${table}_${month.suffix}`)}`.execute(trx);
    });
  }
  return 0;
}
