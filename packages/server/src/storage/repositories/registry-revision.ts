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
 *
 * Callers of one turn of the event loop share one read (decision 0030): the
 * read is made at the end of the turn (`setImmediate`), after the last of
 * them asked, so it sees everything committed before any of them asked; a
 * caller arriving once it has been made waits for the next one. On
 * PostgreSQL every read is a round trip, and the requests of a busy server
 * arrive many to a turn. On SQLite the shared read is the dialect's
 * synchronous one (`committedNow`), which still costs ~9 µs (a WAL read
 * transaction: its shared-memory lock is a system call): a quarter of a
 * served template fetch when every caller made its own.
 */
export function registryRevisionReader(
  db: Kysely<Database>,
  /** The dialect's synchronous read of the committed revision, when it has one (`StorageDialect.committedRegistryRevision`). */
  committedNow?: (workspaceId: number) => number | null | undefined,
): (workspaceId: number) => Promise<number | undefined> {
  // Workspaces are few; the bound only guards against a caller inventing ids.
  const compiled = new LRUCache<number, CompiledQuery<{ registry_revision: number }>>({ max: 1000 });
  /** The read each workspace's callers of this turn will share, until it is sent. */
  const gathering = new Map<number, Promise<number | undefined>>();

  async function read(workspaceId: number): Promise<number | undefined> {
    let query = compiled.get(workspaceId);
    if (!query) {
      query = db.selectFrom("workspace").select("registry_revision").where("id", "=", workspaceId).compile();
      compiled.set(workspaceId, query);
    }
    const { rows } = await db.executeQuery(query);
    return rows[0] === undefined ? undefined : Number(rows[0].registry_revision);
  }

  return (workspaceId) => {
    let shared = gathering.get(workspaceId);
    if (!shared) {
      shared = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        // Closed before the read is made: whoever asks from now on gets a read made after asking.
        gathering.delete(workspaceId);
        const now = committedNow?.(workspaceId);
        return now === undefined ? read(workspaceId) : (now ?? undefined);
      });
      gathering.set(workspaceId, shared);
    }
    return shared;
  };
}
