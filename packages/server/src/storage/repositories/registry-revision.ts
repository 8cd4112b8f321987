import type { CompiledQuery, Kysely } from "kysely";
import { LRUCache } from "lru-cache";
import type { Database } from "../database-schema.js";

/**
 * The registry revision of a workspace: raised in the transaction of every
 * write that changes what a registry read returns (a prompt's versions and
 * labels, through `lockPrompt`; a key's revocation). A cached read made at
 * revision R is still true while the revision is R, on every instance.
 *
 * Lock order: a prompt's row first (`lockPrompt`), then the workspace's row
 * here, always as the last lock a transaction takes on PostgreSQL.
 */
export async function raiseRegistryRevision(db: Kysely<Database>, workspaceId: number): Promise<void> {
  await db
    .updateTable("workspace")
    .set((eb) => ({ registry_revision: eb("registry_revision", "+", 1) }))
    .where("id", "=", workspaceId)
    .execute();
}

/**
 * Reads a workspace's revision (undefined when it doesn't exist). The query
 * is compiled once per workspace and reused: it runs on every cached read,
 * and building it anew would cost more than running it.
 */
export function registryRevisionReader(
  db: Kysely<Database>,
  /** The dialect's synchronous read of the committed revision, when it has one (`StorageDialect.committedRegistryRevision`). */
  committedNow?: (workspaceId: number) => number | null | undefined,
): (workspaceId: number) => Promise<number | undefined> {
  // Workspaces are few; the bound only guards against a caller inventing ids.
  const compiled = new LRUCache<number, CompiledQuery<{ registry_revision: number }>>({ max: 1000 });
  return async (workspaceId) => {
    const now = committedNow?.(workspaceId);
    if (now !== undefined) return now ?? undefined;
    let query = compiled.get(workspaceId);
    if (!query) {
      query = db.selectFrom("workspace").select("registry_revision").where("id", "=", workspaceId).compile();
      compiled.set(workspaceId, query);
    }
    const { rows } = await db.executeQuery(query);
    return rows[0] === undefined ? undefined : Number(rows[0].registry_revision);
  };
}
