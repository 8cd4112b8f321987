import { LRUCache } from "lru-cache";
import type { GroupRecord, GroupRepository } from "../storage.js";
import type { RepositoryContext } from "./repository-context.js";

/** Groups remembered as existing, the least recently used forgotten first (a miss costs one indexed read). */
const knownGroupsBound = 10_000;

export function createGroupRepository({ db, timestamp }: RepositoryContext): GroupRepository {
  // Every log record naming a group checks it exists in its workspace. Groups are never deleted
  // (only with their workspace), so a group once found stays true: only hits are remembered,
  // keyed by workspace and id, so an id is never found for another workspace.
  const known = new LRUCache<string, GroupRecord>({ max: knownGroupsBound });
  return {
    create: (workspaceId) =>
      db.insertInto("request_group").values({ workspace_id: workspaceId, created_at: timestamp() }).returningAll().executeTakeFirstOrThrow(),

    async get(workspaceId, groupId) {
      if (!Number.isSafeInteger(groupId)) return undefined;
      const key = `${workspaceId}:${groupId}`;
      const remembered = known.get(key);
      if (remembered) return remembered;
      const group = await db.selectFrom("request_group").selectAll().where("workspace_id", "=", workspaceId).where("id", "=", groupId).executeTakeFirst();
      if (group) known.set(key, Object.freeze(group));
      return group;
    },
  };
}
