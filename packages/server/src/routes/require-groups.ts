import { InvalidRequestError } from "@promptline/core";
import type { Storage } from "../storage/index.js";

/**
 * Refuses log records whose `group_id` is not a group of the workspace
 * (another workspace's group looks exactly like a missing one), before
 * anything is stored.
 */
export async function requireGroups(storage: Storage, workspaceId: number, groupIds: readonly (number | null | undefined)[]): Promise<void> {
  const wanted = [...new Set(groupIds.filter((id): id is number => id !== null && id !== undefined))];
  const found = await Promise.all(wanted.map((id) => storage.groups.get(workspaceId, id)));
  const unknown = wanted.filter((_, index) => !found[index]);
  if (unknown.length > 0) {
    throw new InvalidRequestError(
      `Unknown group_id ${unknown.join(", ")}: create the group first (POST /create-group or /api/v1/groups) in this workspace.`,
      unknown.map((id) => `group_id: no group ${id}`),
    );
  }
}
