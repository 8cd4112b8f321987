import { sql, type Kysely, type Migration } from "kysely";
import type { StorageDialect } from "../dialects/storage-dialect.js";

/**
 * PostgreSQL: the log write claims its requests' idempotency keys itself,
 * set-based, in the same statement (decision 0030), so the per-row claim
 * trigger of migration 0011 (a plpgsql call and an SPI insert a row, ~14 %
 * of the write's CPU) stands aside while that statement runs: the write sets
 * `promptline.request_keys_claimed` for its own transaction, and the
 * trigger's `when` skips it without entering plpgsql. Every other insert
 * into `request_log` (none set the setting) is claimed by the trigger as before.
 */
export function requestKeysClaimedByWriteMigration(dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect.name !== "postgres") return;
      await sql`drop trigger request_log_claim_key on request_log`.execute(db);
      await sql`create trigger request_log_claim_key before insert on request_log for each row
        when (current_setting('promptline.request_keys_claimed', true) is distinct from 'on')
        execute function request_log_claim_key()`.execute(db);
    },
  };
}
