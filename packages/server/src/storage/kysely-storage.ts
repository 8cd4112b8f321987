import { Kysely, Migrator, sql } from "kysely";
import { createRegistryReadCache, type RegistryReadCacheOptions } from "./cached-registry-reads.js";
import type { Database } from "./database-schema.js";
import type { StorageDialect } from "./dialects/storage-dialect.js";
import { migrationProvider } from "./migrations/migration-provider.js";
import { createApiKeyRepository, generateApiKey } from "./repositories/api-key-repository.js";
import { createGroupRepository } from "./repositories/group-repository.js";
import { createLabelRepository } from "./repositories/label-repository.js";
import { createPromptRepository } from "./repositories/prompt-repository.js";
import { createProtectedLabelRepository } from "./repositories/protected-label-repository.js";
import type { RepositoryContext } from "./repositories/repository-context.js";
import { createRequestRepository } from "./repositories/request-repository.js";
import { createScoreRepository } from "./repositories/score-repository.js";
import { createSpanRepository } from "./repositories/span-repository.js";
import { createSessionRepository } from "./repositories/session-repository.js";
import { createRetentionRepository } from "./repositories/retention-repository.js";
import { createWorkspaceRepository } from "./repositories/workspace-repository.js";
import type { Storage } from "./storage.js";

/** The outside world the storage reads, injectable for tests. */
export interface StorageOptions {
  /** The clock for every stored timestamp. Default: `() => new Date()`. */
  now?: () => Date;
  /** Mints API key plaintexts. Default: `pl_` + 192 random bits. */
  generateApiKey?: () => string;
  /** The in-memory cache of key and template reads (`cached-registry-reads.ts`); `false` turns it off. */
  registryCache?: RegistryReadCacheOptions | false;
}

/**
 * The one `Storage` implementation: Kysely over whichever dialect it is given.
 * Nothing below this line knows which database it talks to.
 */
export function createKyselyStorage(dialect: StorageDialect, options: StorageOptions = {}): Storage {
  const db = new Kysely<Database>({ dialect: dialect.kyselyDialect });
  const now = options.now ?? (() => new Date());
  const context: RepositoryContext = {
    db,
    timestamp: () => now().toISOString(),
    generateApiKey: options.generateApiKey ?? generateApiKey,
    durableTransaction: (work) => dialect.durableTransaction(db, work),
    logWrite: dialect.logWrite,
    logCommitsInFlight: dialect.logCommitsInFlight,
    logOverlapMinRecords: dialect.logOverlapMinRecords,
    ...(dialect.requestPartitions && { requestPartitions: dialect.requestPartitions }),
  };

  const apiKeys = createApiKeyRepository(context);
  const { idle: requestsIdle, ...requests } = createRequestRepository(context);
  const prompts = createPromptRepository(context);
  const cache = options.registryCache === false ? undefined : createRegistryReadCache(db, prompts, options.registryCache, dialect.committedRegistryRevision);

  return {
    workspaces: createWorkspaceRepository(context),
    apiKeys: cache ? { ...apiKeys, findByPlaintext: cache.findKeyByPlaintext } : apiKeys,
    prompts: cache ? { ...prompts, get: cache.getPrompt, getVersion: cache.getVersion } : prompts,
    labels: createLabelRepository(context),
    protectedLabels: createProtectedLabelRepository(context),
    requests,
    groups: createGroupRepository(context),
    scores: createScoreRepository(context),
    spans: createSpanRepository(context),
    sessions: createSessionRepository(context),
    retention: createRetentionRepository(context),
    dialect: dialect.name,

    async migrate() {
      await dialect.prepare(db as Kysely<unknown>);
      const migrator = new Migrator({
        db,
        provider: migrationProvider(dialect),
        // Migrations are numbered ahead and land in any order: a database that ran 0006 before 0004 existed still gets 0004.
        allowUnorderedMigrations: true,
        ...(dialect.migrationTableSchema === undefined ? {} : { migrationTableSchema: dialect.migrationTableSchema }),
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error) {
        const failed = results?.find((result) => result.status === "Error")?.migrationName;
        throw new Error(`Database migration ${failed ?? ""} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    },

    async ping() {
      await sql`select 1`.execute(db);
    },

    async close() {
      // Callers still waiting on a group commit get their answer before the connection goes.
      await requestsIdle();
      await dialect.close?.();
      await db.destroy();
    },
  };
}
