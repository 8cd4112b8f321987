import type { Kysely } from "kysely";
import { LRUCache } from "lru-cache";
import type { Database } from "./database-schema.js";
import { sha256Hex } from "./internal/json.js";
import { toApiKeyRecord } from "./repositories/api-key-repository.js";
import { registryRevisionReader } from "./repositories/registry-revision.js";
import type { ApiKeyRecord, PromptRecord, PromptRef, PromptRepository, ResolvedPromptVersion, VersionSelector } from "./storage.js";

/**
 * The registry reads every authenticated request, template fetch and
 * tracked request make (key → workspace, name + label → version, id →
 * prompt), kept in memory and
 * trusted only while the workspace's registry revision is the one they were
 * read at. A hit costs one indexed read of that revision instead of 1–4
 * queries; any instance's publish, label move or key revocation raises the
 * revision in its own transaction, so the next read anywhere goes to the
 * database (a revoked key is refused at once, as without the cache).
 * Values are frozen: they are shared by every request that hits them.
 */
export interface RegistryReadCache {
  findKeyByPlaintext(plaintext: string): Promise<ApiKeyRecord | undefined>;
  getVersion(workspaceId: number, ref: PromptRef, selector?: VersionSelector): Promise<ResolvedPromptVersion | undefined>;
  getPrompt(workspaceId: number, ref: PromptRef): Promise<PromptRecord | undefined>;
}

export interface RegistryReadCacheOptions {
  /** Entries of each kind kept (least recently used go first). Default 10 000. */
  maxEntries?: number;
  /** Bound on the size of the cached prompts and versions, as JSON characters: big templates can't fill the memory. Default 64 Mi. */
  maxCharacters?: number;
}

interface Entry<V> {
  revision: number;
  value: V;
}

export function createRegistryReadCache(
  db: Kysely<Database>,
  prompts: Pick<PromptRepository, "get" | "getVersion">,
  options: RegistryReadCacheOptions = {},
  /** The dialect's synchronous read of a committed revision, when it has one (SQLite). */
  committedRevision?: (workspaceId: number) => number | null | undefined,
): RegistryReadCache {
  const maxEntries = options.maxEntries ?? 10_000;
  const revisionOf = registryRevisionReader(db, committedRevision);
  // Least recently used out first, beyond `maxEntries` entries (or `maxCharacters` of JSON in all: one heavier alone is not kept).
  const keys = new LRUCache<string, Entry<ApiKeyRecord>>({ max: maxEntries });
  const reads = new LRUCache<string, Entry<unknown>>({ max: maxEntries, maxSize: Math.max(1, options.maxCharacters ?? 64 * 1024 * 1024) });

  /** `read()` from memory while the workspace's revision is the one it was made at. */
  async function cachedRead<V>(workspaceId: number, cacheKey: string, read: () => Promise<V>): Promise<V | undefined> {
    const revision = await revisionOf(workspaceId);
    if (revision === undefined) return undefined;
    const cached = reads.get(cacheKey);
    if (cached && cached.revision === revision) return cached.value as V;
    // Read after the revision: if a write lands in between, this entry is merely refreshed once more, never stale.
    const value = deepFreeze(await read());
    // Weighed once per fill (a miss, which has just read the database anyway).
    reads.set(cacheKey, { revision, value }, { size: value === undefined ? 1 : Math.max(1, JSON.stringify(value).length) });
    return value;
  }

  return {
    async findKeyByPlaintext(plaintext) {
      const hash = sha256Hex(plaintext);
      const cached = keys.get(hash);
      if (cached && (await revisionOf(cached.value.workspace_id)) === cached.revision) return cached.value;
      // One statement reads the key and its workspace's revision together: a revocation can't fall between them.
      const row = await db
        .selectFrom("api_key")
        .innerJoin("workspace", "workspace.id", "api_key.workspace_id")
        .selectAll("api_key")
        .select("workspace.registry_revision")
        .where("api_key.key_hash", "=", hash)
        .executeTakeFirst();
      // Unknown and revoked keys are not remembered: a guesser can't fill the cache.
      if (!row || row.revoked_at !== null) {
        keys.delete(hash);
        return undefined;
      }
      const key = deepFreeze(toApiKeyRecord(row));
      keys.set(hash, { revision: Number(row.registry_revision), value: key });
      return key;
    },

    getVersion: (workspaceId, ref, selector = {}) =>
      cachedRead(workspaceId, JSON.stringify(["version", workspaceId, ref, selector.version ?? null, selector.label ?? null]), () =>
        prompts.getVersion(workspaceId, ref, selector),
      ),

    getPrompt: (workspaceId, ref) => cachedRead(workspaceId, JSON.stringify(["prompt", workspaceId, ref]), () => prompts.get(workspaceId, ref)),
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
