import { InvalidRequestError } from "@promptline/core";
import type { Kysely } from "kysely";
import type { Database } from "../database-schema.js";
import { LabelProtectedError } from "../storage-errors.js";
import type { LabelActor, ProtectedLabelRepository } from "../storage.js";
import { raiseRegistryRevision } from "./registry-revision.js";
import type { RepositoryContext } from "./repository-context.js";

/** The label a new workspace protects. */
export const defaultProtectedLabels = ["prod"] as const;

/**
 * The one check of label protection, for every write that moves, deletes or
 * publishes onto a label (`moveLabel`, label deletion, and any new kind of
 * move). Call it inside the write's transaction, before writing: it throws
 * `LabelProtectedError` when the label is protected and the actor may not
 * change protected labels, and the transaction rolls back whole.
 */
export async function requireLabelWritable(db: Kysely<Database>, workspaceId: number, label: string, actor: LabelActor): Promise<void> {
  if (actor.may_change_protected !== false) return;
  const found = await db
    .selectFrom("protected_label")
    .select("id")
    .where("workspace_id", "=", workspaceId)
    .where("name", "=", label)
    .executeTakeFirst();
  if (found) throw new LabelProtectedError(label);
}

/** Protects the default labels of a workspace just created (inside its creating transaction). */
export async function protectDefaultLabels(db: Kysely<Database>, workspaceId: number, now: string): Promise<void> {
  await db
    .insertInto("protected_label")
    .values(defaultProtectedLabels.map((name) => ({ workspace_id: workspaceId, name, created_at: now })))
    .execute();
}

export function createProtectedLabelRepository({ db, timestamp }: RepositoryContext): ProtectedLabelRepository {
  const validName = (label: string) => {
    if (typeof label !== "string" || label.trim() === "" || label.length > 256) {
      throw new InvalidRequestError("A protected label needs a name of 1 to 256 characters.", ["label"]);
    }
    return label;
  };

  return {
    async list(workspaceId) {
      const rows = await db.selectFrom("protected_label").select("name").where("workspace_id", "=", workspaceId).orderBy("name").execute();
      return rows.map((row) => row.name);
    },

    async protect(workspaceId, label) {
      const name = validName(label);
      return db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto("protected_label")
          .values({ workspace_id: workspaceId, name, created_at: timestamp() })
          .onConflict((conflict) => conflict.columns(["workspace_id", "name"]).doNothing())
          .returning("id")
          .executeTakeFirst();
        if (!inserted) return false;
        // Who may move what changed: whatever is cached of the workspace's registry is re-read.
        await raiseRegistryRevision(trx, workspaceId);
        return true;
      });
    },

    async unprotect(workspaceId, label) {
      const name = validName(label);
      return db.transaction().execute(async (trx) => {
        const deleted = await trx.deleteFrom("protected_label").where("workspace_id", "=", workspaceId).where("name", "=", name).executeTakeFirst();
        if (deleted.numDeletedRows === 0n) return false;
        await raiseRegistryRevision(trx, workspaceId);
        return true;
      });
    },
  };
}
