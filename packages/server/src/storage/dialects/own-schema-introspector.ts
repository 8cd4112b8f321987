import { PostgresDialect, PostgresIntrospector, sql, type DatabaseIntrospector, type TableMetadata } from "kysely";

/** The Kysely instance a dialect hands its introspector (`Kysely<any>`: any database shape). */
type AnyKysely = Parameters<PostgresDialect["createIntrospector"]>[0];

/**
 * Kysely's migrator asks whether its own tables exist by listing every table
 * of the database (`PostgresIntrospector.getTables`), resolving each one's
 * serial sequence by name. With several installs (or test runs) sharing one
 * database, a schema another of them drops meanwhile fails our migration
 * ("schema … does not exist"), and the listing grows with every other schema.
 * The migrator reads only table names and schemas, so this introspector lists
 * the tables of the connection's own schema (its `search_path`) and nothing else.
 */
export class OwnSchemaIntrospector extends PostgresIntrospector {
  readonly #db: AnyKysely;

  constructor(db: AnyKysely) {
    super(db);
    this.#db = db;
  }

  override async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ name: string; schema: string; is_view: boolean }>`
      select c.relname as name, n.nspname as schema, c.relkind in ('v', 'm') as is_view
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind in ('r', 'p', 'v', 'm')
      order by c.relname`.execute(this.#db);
    // No column metadata: nothing reads it, and its lookups are what races with a dropped schema.
    return rows.map((row) => ({ name: row.name, schema: row.schema, isView: row.is_view, columns: [] }));
  }
}

/** Kysely's PostgreSQL dialect with the introspector above. */
export class OwnSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: AnyKysely): DatabaseIntrospector {
    return new OwnSchemaIntrospector(db);
  }
}
