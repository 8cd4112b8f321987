/**
 * "SQL is built only with parameters", checked on the source: every query of
 * the server goes through Kysely (whose `sql` tag and builders send values as
 * parameters), only the database dialects touch a driver, and the few ways to
 * put text into SQL verbatim (`sql.raw`, `sql.lit`, `sql.id`,
 * `CompiledQuery.raw`) appear only where listed here, with constants or
 * configuration, never request data. A new use fails this test until it is
 * reviewed and listed. (security-stored-input.test.ts shows the runtime side:
 * SQL sent in search fields is just text.)
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const serverSource = fileURLToPath(new URL("../../packages/server/src", import.meta.url));

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    // Test-only code (src/testing, *.test.ts, *.contract.ts) is left out of dist, and so of this check.
    if (entry.isDirectory()) return entry.name === "testing" ? [] : sourceFiles(path);
    return /\.ts$/.test(entry.name) && !/\.(test|contract)\.ts$/.test(entry.name) ? [path] : [];
  });
}

const files = sourceFiles(serverSource).map((path) => ({ path: relative(serverSource, path), text: readFileSync(path, "utf8") }));

describe("SQL in the server's source", () => {
  it("reads the server's sources (the check can fail)", () => {
    expect(files.map((file) => file.path)).toContain("storage/repositories/prompt-repository.ts");
  });

  it("only the dialects import a database driver", () => {
    const importers = files.filter((file) => /from\s+["'](pg|better-sqlite3)["']/.test(file.text)).map((file) => file.path);
    // sqlite-log-worker.ts: the SQLite log writer thread's own connection (decision 0029).
    expect(importers.sort()).toEqual(["storage/dialects/postgres.ts", "storage/dialects/sqlite-log-worker.ts", "storage/dialects/sqlite.ts"]);
  });

  it("verbatim SQL appears only in the reviewed places, with constants or configuration", () => {
    const verbatim = files.flatMap((file) =>
      [...file.text.matchAll(/\b(?:sql\.(?:raw|lit|id)|CompiledQuery\.raw)\([^)]*\)/g)].map((match) => `${file.path}: ${match[0]}`),
    );
    expect(verbatim.sort()).toEqual(
      [
        // A constant statement that opens a write transaction.
        'storage/dialects/sqlite.ts: CompiledQuery.raw("begin immediate")',
        // The schema name from the server's configuration, quoted as an identifier.
        "storage/dialects/postgres.ts: sql.id(schema)",
        // A number from a constant table of bucket sizes.
        "storage/repositories/request-stats-query.ts: sql.lit(bucket.length)",
        // SQL text Kysely compiled earlier (values as parameters), rerun with new parameters.
        "storage/internal/reusable-insert.ts: CompiledQuery.raw(known, parameters)",
        // PostgreSQL's monthly partitions (decision 0018): table names from a constant list, month
        // suffixes and bounds computed from dates (`y2026m12`, ISO timestamps), never from a request.
        "storage/dialects/request-partitions.ts: sql.id(`${table}_${month.suffix}`)",
        "storage/dialects/request-partitions.ts: sql.id(`${table}_${month.suffix}`)",
        "storage/dialects/request-partitions.ts: sql.id(`${table}_default`)",
        "storage/dialects/request-partitions.ts: sql.id(`request_log_${month.suffix}`)",
        "storage/dialects/request-partitions.ts: sql.id(table)",
        "storage/dialects/request-partitions.ts: sql.id(table)",
        "storage/dialects/request-partitions.ts: sql.id(table)",
        "storage/dialects/request-partitions.ts: sql.lit(month.from)",
        "storage/dialects/request-partitions.ts: sql.lit(month.to)",
        // PostgreSQL's one-statement log write (decision 0024): column names are the keys of the rows
        // `toRequestColumns` builds (ours, not a client's), quoted as identifiers; values are parameters.
        "storage/internal/log-write-statement.ts: sql.id(column)",
        "storage/internal/log-write-statement.ts: sql.id(column)",
        // The migration to partitioned tables: names from constants, column types, keys and index
        // definitions read back from the database's own catalog (information_schema, pg_get_indexdef).
        "storage/migrations/0011-partitioned-requests.ts: sql.id(`${table}_default`)",
        "storage/migrations/0011-partitioned-requests.ts: sql.id(`${table}_month_pk`)",
        "storage/migrations/0011-partitioned-requests.ts: sql.id(`${table}_unpartitioned`)",
        "storage/migrations/0011-partitioned-requests.ts: sql.id(`${table}_unpartitioned`)",
        "storage/migrations/0011-partitioned-requests.ts: sql.id(column)",
        "storage/migrations/0011-partitioned-requests.ts: sql.id(column.name)",
        "storage/migrations/0011-partitioned-requests.ts: sql.id(key.name)",
        "storage/migrations/0011-partitioned-requests.ts: sql.id(key.table)",
        "storage/migrations/0011-partitioned-requests.ts: sql.id(old)",
        "storage/migrations/0011-partitioned-requests.ts: sql.id(table)",
        "storage/migrations/0011-partitioned-requests.ts: sql.id(table)",
        "storage/migrations/0011-partitioned-requests.ts: sql.id(table)",
        "storage/migrations/0011-partitioned-requests.ts: sql.id(table)",
        'storage/migrations/0011-partitioned-requests.ts: sql.raw(column.not_null ? " not null" : "")',
        "storage/migrations/0011-partitioned-requests.ts: sql.raw(column.type)",
        "storage/migrations/0011-partitioned-requests.ts: sql.raw(definition)",
        // The migration that lightens the log write: column names from a constant list, the foreign
        // key's and the partitions' names read back from the database's own catalog.
        "storage/migrations/0018-request-write-lighter.ts: sql.id(column)",
        "storage/migrations/0018-request-write-lighter.ts: sql.id(key.name)",
        "storage/migrations/0018-request-write-lighter.ts: sql.id(table)",
      ].sort(),
    );
  });

  it("no query is built by concatenating or interpolating strings outside Kysely's sql tag", () => {
    const suspicious = files.flatMap((file) =>
      [...file.text.matchAll(/\.(?:query|exec|prepare)(?:<[^>]*>)?\(\s*`[^`]*\$\{/g)].map((match) => `${file.path}: ${match[0]}`),
    );
    expect(suspicious).toEqual([]);
  });

  it("the SQLite log writer thread builds SQL text in one reviewed place, from checked column names", () => {
    // Decision 0029: the worker talks to better-sqlite3 directly. Its only SQL that is not a constant is
    // the request insert, whose column names are the keys of `toRequestColumns`, each checked against
    // /^[a-z][a-z0-9_]*$/ before use; values are parameters.
    const worker = files.find((file) => file.path === "storage/dialects/sqlite-log-worker.ts");
    expect(worker?.text).toContain("!columnName.test(column)");
    const built = [...(worker?.text ?? "").matchAll(/`[^`]*\$\{[^`]*`/g)].map((match) => match[0]).filter((text) => /\b(insert|select|update|delete)\b/i.test(text));
    expect(built).toEqual(['`insert into request_log (${[...columns, "number"].join(", ")}) values (${[...columns, "number"].map(() => "?").join(", ")}) on conflict do nothing`']);
  });
});
