/**
 * The storage layer of the server: one `Storage` interface, one Kysely
 * implementation, two dialects (SQLite, PostgreSQL).
 */
export type * from "./storage.js";
export { createStorage, parseDatabaseUrl } from "./create-storage.js";
export type { CreateStorageOptions, DatabaseTarget } from "./create-storage.js";
export { createKyselyStorage } from "./kysely-storage.js";
export type { StorageOptions } from "./kysely-storage.js";
export { createSqliteDialect } from "./dialects/sqlite.js";
export type { SqliteDialectOptions } from "./dialects/sqlite.js";
export { createPostgresDialect } from "./dialects/postgres.js";
export type { PostgresDialectOptions } from "./dialects/postgres.js";
export type { StorageDialect } from "./dialects/storage-dialect.js";
export { defaultWorkspaceSlug } from "./repositories/workspace-repository.js";
export { checkRetentionDays, maxRetentionDays } from "./repositories/retention-repository.js";
export { defaultScoreName } from "./repositories/score-repository.js";
export { LabelProtectedError } from "./storage-errors.js";
