import type { GroupRepository } from "../storage.js";
import type { RepositoryContext } from "./repository-context.js";

export function createGroupRepository({ db, timestamp }: RepositoryContext): GroupRepository {
  return {
    create: (workspaceId) =>
      db.insertInto("request_group").values({ workspace_id: workspaceId, created_at: timestamp() }).returningAll().executeTakeFirstOrThrow(),

    get: async (workspaceId, groupId) =>
      Number.isSafeInteger(groupId)
        ? db.selectFrom("request_group").selectAll().where("workspace_id", "=", workspaceId).where("id", "=", groupId).executeTakeFirst()
        : undefined,
  };
}
