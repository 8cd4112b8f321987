import { sql, type Kysely, type Migration } from "kysely";
import type { StorageDialect } from "../dialects/storage-dialect.js";

/** `request_log`'s JSON text columns: the ones long enough to be compressed when a row passes the TOAST threshold. */
const jsonColumns = ["input_variables", "request", "response", "prompt_blueprint", "warnings", "snippets", "attempts"] as const;

/**
 * PostgreSQL: two costs of the log write that buy nothing (decision 0030,
 * round five), measured on the tracked record's write (`track-write-cost.mjs`):
 *
 * - `request_key`'s foreign key to `workspace`: a referential check a key
 *   (an SPI query, ~3.5 % of the write). The write takes the workspace's row
 *   lock itself (the counter) and claims no key when the workspace is
 *   missing; `request_log`, whose keys these are, has had no foreign key
 *   since migration 0011, and no code deletes a workspace.
 * - pglz for the JSON columns: a tracked record's row (~2.2 kB) passes the
 *   2 kB TOAST threshold, so its blueprint was compressed with pglz on every
 *   insert (~6 % of the write). lz4 compresses it several times faster. Set on
 *   the parent (new partitions inherit it) and on every existing partition
 *   (ALTER on a partitioned table does not reach them). Needs PostgreSQL 14
 *   built with lz4; without it nothing changes. Stored values keep their
 *   compression until rewritten: both read the same.
 */
export function requestWriteLighterMigration(dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect.name !== "postgres") return;
      const { rows: foreignKeys } = await sql<{ name: string }>`
        select c.conname as name from pg_constraint c
        where c.contype = 'f' and c.conrelid = 'request_key'::regclass and c.confrelid = 'workspace'::regclass`.execute(db);
      for (const key of foreignKeys) await sql`alter table request_key drop constraint ${sql.id(key.name)}`.execute(db);

      const { rows: [support] = [] } = await sql<{ lz4: boolean }>`
        select current_setting('server_version_num')::int >= 140000
          and exists (select 1 from pg_settings where name = 'default_toast_compression' and 'lz4' = any(enumvals)) as lz4`.execute(db);
      if (!support?.lz4) return;
      const { rows: partitions } = await sql<{ name: string }>`
        select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'request_log'::regclass`.execute(db);
      const setLz4 = sql.join(jsonColumns.map((column) => sql`alter column ${sql.id(column)} set compression lz4`));
      for (const table of ["request_log", ...partitions.map((partition) => partition.name)]) {
        await sql`alter table ${sql.id(table)} ${setLz4}`.execute(db);
      }
    },
  };
}
