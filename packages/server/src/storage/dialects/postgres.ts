import { sql } from "kysely";
import pg from "pg";
import { singleStatementLogWrite, type NamedStatement } from "../internal/log-write-statement.js";
import { OwnSchemaPostgresDialect } from "./own-schema-introspector.js";
import { createMonthsAhead, dropExpiredMonthsStep } from "./request-partitions.js";
import type { StorageDialect } from "./storage-dialect.js";

export interface PostgresDialectOptions {
  /** `postgres://user:password@host:port/database` (or `postgresql://`). */
  connectionString: string;
  /**
   * Schema to keep every table in (created if missing; becomes the
   * `search_path`). Lets tests and several installs share one database.
   * Default: the server's default (`public`).
   */
  schema?: string;
  /** Most connections the pool opens. Default 10. */
  maxConnections?: number;
}

const int8Oid = 20;
const safeIdentifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * PostgreSQL through a `pg` Pool. `bigint` values (identity ids, `count(*)`)
 * arrive as JavaScript numbers, as they do from SQLite: ids stay far below
 * 2^53, and the repositories must not care which database answered.
 */
export function createPostgresDialect(options: PostgresDialectOptions): StorageDialect {
  const { connectionString, schema, maxConnections = 10 } = options;
  if (schema !== undefined && !safeIdentifier.test(schema)) {
    throw new Error(`Invalid PostgreSQL schema name "${schema}": use letters, digits and underscores.`);
  }
  const pool = new pg.Pool({
    connectionString,
    max: maxConnections,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === int8Oid ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle pooled connection that breaks (a database restart) emits "error" on the pool;
  // unhandled, that would end the process. The pool drops the connection, and the next
  // query opens a new one or fails with an error of its own.
  pool.on("error", () => undefined);
  return {
    name: "postgres",
    kyselyDialect: new OwnSchemaPostgresDialect({ pool }),
    migrationTableSchema: schema,
    requestPartitions: { createMonthsAhead, dropExpiredMonthsStep },
    addIdColumn: (table) => table.addColumn("id", "bigint", (column) => column.primaryKey().generatedByDefaultAsIdentity()),
    prepare: async (db) => {
      if (schema === undefined) return;
      // Several instances starting at once race here: `if not exists` is checked before the
      // insert, so the loser gets a unique violation on pg_namespace. The schema exists then.
      try {
        await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code !== "23505" && code !== "42P06") throw error;
      }
    },
    // The commit is a network round trip: the event loop serves other requests meanwhile.
    durableTransaction: (db, work) => db.transaction().execute(work),
    // Named statements go to the pool itself: Kysely's driver sends every statement unnamed.
    logWrite: singleStatementLogWrite(async <Row>({ name, text, values }: NamedStatement) => {
      const result = await pool.query({ name, text, values: [...values] });
      return { rows: result.rows as Row[] };
    }),
    logCommitsInFlight: 2,
    // A second statement only for a group worth its fixed cost (~300 µs of backend CPU, against ~65 µs a
    // tracked record): lone tracked records wait for the one in flight and go out together (decision 0030).
    logOverlapMinRecords: 64,
  };
}
