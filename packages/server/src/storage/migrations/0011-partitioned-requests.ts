import { sql, type Kysely, type Migration } from "kysely";
import type { StorageDialect } from "../dialects/storage-dialect.js";
import { createMonth, createMonthsAhead, monthsBetween, partitionedTables } from "../dialects/request-partitions.js";

/**
 * PostgreSQL: the request tables become partitioned by month of
 * `created_at` (decision 0018), existing rows and all. A partitioned table's
 * unique constraints must include `created_at`, so the idempotency key
 * `(workspace_id, request_id)` moves to `request_key` (not partitioned): a
 * trigger claims the key before each insert and skips the row when another
 * request holds it (what `on conflict do nothing` did), another releases it
 * when the row is deleted. Foreign keys to `request_log.id` go (a partition
 * drop or the retention sweep deletes side rows explicitly).
 *
 * Both databases: `request_metadata` gains a unique index on
 * `(request_log_id, key, created_at)`, the conflict target its upsert now
 * names (on PostgreSQL the primary key must hold `created_at`).
 */
export function partitionedRequestsMigration(dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect.name !== "postgres") {
        await db.schema.createIndex("request_metadata_upsert").on("request_metadata").columns(["request_log_id", "key", "created_at"]).unique().execute();
        return;
      }
      const primaryKeys: Record<(typeof partitionedTables)[number], string[]> = {
        request_log: ["id", "created_at"],
        request_tag: ["request_log_id", "tag", "created_at"],
        request_metadata: ["request_log_id", "key", "created_at"],
      };
      // Foreign keys that point at the request tables (and theirs) go first.
      const { rows: foreignKeys } = await sql<{ table: string; name: string }>`
        select t.relname as table, c.conname as name from pg_constraint c
        join pg_class t on t.oid = c.conrelid
        join pg_class r on r.oid = c.confrelid
        join pg_namespace n on n.oid = t.relnamespace
        where c.contype = 'f' and n.nspname = current_schema() and (r.relname = 'request_log' or t.relname in ('request_tag', 'request_metadata'))
          and r.relname <> 'workspace'`.execute(db);
      for (const key of foreignKeys) await sql`alter table ${sql.id(key.table)} drop constraint ${sql.id(key.name)}`.execute(db);

      const indexes: string[] = [];
      for (const table of partitionedTables) {
        const old = `${table}_unpartitioned`;
        await sql`alter table ${sql.id(table)} rename to ${sql.id(old)}`.execute(db);
        // Every index but the primary key and unique constraints is re-created on the new table, non-unique.
        const { rows } = await sql<{ definition: string }>`
          select pg_get_indexdef(i.indexrelid) as definition from pg_index i
          join pg_class t on t.oid = i.indrelid join pg_namespace n on n.oid = t.relnamespace
          where t.relname = ${old} and n.nspname = current_schema()
            and not i.indisprimary and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`.execute(db);
        for (const { definition } of rows) {
          indexes.push(definition.replace(/^CREATE UNIQUE INDEX/, "CREATE INDEX").replace(/ ON (\S+\.)?\S+ USING /, ` ON ${table} USING `));
        }
        const { rows: columns } = await sql<{ name: string; type: string; not_null: boolean }>`
          select a.attname as name, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as not_null
          from pg_attribute a join pg_class t on t.oid = a.attrelid join pg_namespace n on n.oid = t.relnamespace
          where t.relname = ${old} and n.nspname = current_schema() and a.attnum > 0 and not a.attisdropped
          order by a.attnum`.execute(db);
        const definitions = columns.map((column) => sql`${sql.id(column.name)} ${sql.raw(column.type)}${sql.raw(column.not_null ? " not null" : "")}`);
        await sql`create table ${sql.id(table)} (${sql.join(definitions)}, constraint ${sql.id(`${table}_month_pk`)} primary key (${sql.join(primaryKeys[table].map((column) => sql.id(column)))})) partition by range (created_at)`.execute(db);
        await sql`create table ${sql.id(`${table}_default`)} partition of ${sql.id(table)} default`.execute(db);
      }
      // Ids keep counting from the old table's.
      await sql`create sequence request_log_row_id owned by request_log.id`.execute(db);
      await sql`select setval('request_log_row_id', coalesce((select max(id) from request_log_unpartitioned), 0) + 1, false)`.execute(db);
      await sql`alter table request_log alter column id set default nextval('request_log_row_id')`.execute(db);

      const { rows: span } = await sql<{ first: string | null }>`select min(created_at) as first from request_log_unpartitioned`.execute(db);
      const now = new Date();
      const first = span[0]?.first ? new Date(span[0].first) : now;
      for (const month of monthsBetween(Number.isNaN(first.getTime()) ? now : first, now)) await createMonth(db, month);
      await createMonthsAhead(db, now);
      for (const table of partitionedTables) {
        await sql`insert into ${sql.id(table)} select * from ${sql.id(`${table}_unpartitioned`)}`.execute(db);
        await sql`drop table ${sql.id(`${table}_unpartitioned`)}`.execute(db);
      }
      for (const definition of indexes) await sql.raw(definition).execute(db);
      // Was the unique constraint's index; lookups by client id still need one.
      await sql`create index request_log_request_id on request_log (workspace_id, request_id)`.execute(db);

      await sql`create table request_key (
        workspace_id bigint not null references workspace (id) on delete cascade,
        request_id text not null,
        number bigint,
        created_at text not null,
        constraint request_key_pk primary key (workspace_id, request_id)
      )`.execute(db);
      await sql`create unique index request_key_number on request_key (workspace_id, number)`.execute(db);
      await sql`create index request_key_created on request_key (created_at)`.execute(db);
      await sql`insert into request_key (workspace_id, request_id, number, created_at) select workspace_id, request_id, number, created_at from request_log`.execute(db);
      await sql`create function request_log_claim_key() returns trigger language plpgsql as $$
        begin
          insert into request_key (workspace_id, request_id, number, created_at) values (new.workspace_id, new.request_id, new.number, new.created_at) on conflict do nothing;
          if not found then return null; end if;
          return new;
        end $$`.execute(db);
      await sql`create function request_log_release_key() returns trigger language plpgsql as $$
        begin
          delete from request_key where workspace_id = old.workspace_id and request_id = old.request_id;
          return null;
        end $$`.execute(db);
      await sql`create trigger request_log_claim_key before insert on request_log for each row execute function request_log_claim_key()`.execute(db);
      await sql`create trigger request_log_release_key after delete on request_log for each row execute function request_log_release_key()`.execute(db);
    },
  };
}
