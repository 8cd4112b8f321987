import type { Migration, MigrationProvider } from "kysely";
import type { StorageDialect } from "../dialects/storage-dialect.js";
import { initialMigration } from "./0001-initial.js";
import { registryRevisionMigration } from "./0002-registry-revision.js";
import { sessionsRequestNumbersMigration } from "./0003-sessions-request-numbers.js";
import { keyRolesMigration } from "./0004-key-roles.js";
import { labelRoutingMigration } from "./0005-label-routing.js";
import { requestWarningsSnippetsMigration } from "./0006-request-warnings-snippets.js";
import { spansMigration } from "./0009-spans.js";
import { requestAttemptsMigration } from "./0007-request-attempts.js";
import { keyLastUsedMigration } from "./0008-key-last-used.js";
import { retentionMigration } from "./0010-retention.js";
import { partitionedRequestsMigration } from "./0011-partitioned-requests.js";
import { serverSecretMigration } from "./0013-server-secret.js";
import { promptArchiveMigration } from "./0015-prompt-archive.js";
import { requestKeysClaimedByWriteMigration } from "./0017-request-keys-claimed-by-write.js";
import { requestWriteLighterMigration } from "./0018-request-write-lighter.js";

/**
 * The migrations, in code (no directory scan, so they survive bundling).
 * Append new ones as `NNNN-title`; never edit one that has shipped.
 */
export function migrationProvider(dialect: StorageDialect): MigrationProvider {
  return {
    getMigrations: (): Promise<Record<string, Migration>> =>
      Promise.resolve({
        "0001-initial": initialMigration(dialect),
        "0002-registry-revision": registryRevisionMigration,
        "0003-sessions-request-numbers": sessionsRequestNumbersMigration,
        "0004-key-roles": keyRolesMigration(dialect),
        "0005-label-routing": labelRoutingMigration,
        "0006-request-warnings-snippets": requestWarningsSnippetsMigration,
        "0007-request-attempts": requestAttemptsMigration,
        "0008-key-last-used": keyLastUsedMigration,
        "0009-spans": spansMigration,
        "0010-retention": retentionMigration,
        "0011-partitioned-requests": partitionedRequestsMigration(dialect),
        "0013-server-secret": serverSecretMigration,
        "0015-prompt-archive": promptArchiveMigration,
        "0017-request-keys-claimed-by-write": requestKeysClaimedByWriteMigration(dialect),
        "0018-request-write-lighter": requestWriteLighterMigration(dialect),
      }),
  };
}
