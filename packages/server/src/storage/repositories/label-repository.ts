import { InvalidRequestError } from "@promptline/core";
import type { LabelActor, LabelRepository } from "../storage.js";
import { findPrompt, lockPrompt, moveLabel, requirePrompt, requireVersion, selectLabels, toLabelRecord } from "./prompt-queries.js";
import { requireLabelWritable } from "./protected-label-repository.js";
import type { RepositoryContext } from "./repository-context.js";

export function createLabelRepository({ db, timestamp }: RepositoryContext): LabelRepository {
  const getLabel = async (workspaceId: number, labelId: number) => {
    if (!Number.isSafeInteger(labelId)) return undefined;
    const row = await selectLabels(db, workspaceId).where("release_label.id", "=", labelId).executeTakeFirst();
    return row && toLabelRecord(row);
  };

  /** Points a label at a version of a prompt inside one transaction holding the prompt's lock. */
  const setOnPrompt = (workspaceId: number, promptId: number, name: string, versionNumber: number, actor: LabelActor) =>
    db.transaction().execute(async (trx) => {
      const prompt = await lockPrompt(trx, workspaceId, promptId);
      const version = await requireVersion(trx, prompt, { version: versionNumber });
      await moveLabel(trx, {
        workspaceId,
        promptId,
        name,
        version,
        actorKeyId: actor.actor_key_id ?? null,
        mayChangeProtected: actor.may_change_protected ?? true,
        now: timestamp(),
      });
      const label = await selectLabels(trx, workspaceId)
        .where("release_label.prompt_id", "=", promptId)
        .where("release_label.name", "=", name)
        .executeTakeFirstOrThrow();
      return toLabelRecord(label);
    });

  return {
    async list(workspaceId, ref) {
      const prompt = await findPrompt(db, workspaceId, ref);
      if (!prompt) return [];
      const rows = await selectLabels(db, workspaceId).where("release_label.prompt_id", "=", prompt.id).orderBy("release_label.name").execute();
      return rows.map(toLabelRecord);
    },

    get: getLabel,

    async set(workspaceId, input) {
      if (typeof input.name !== "string" || input.name.trim() === "") {
        throw new InvalidRequestError("A release label needs a non-empty name.", ["name"]);
      }
      const prompt = await requirePrompt(db, workspaceId, input.prompt);
      return setOnPrompt(workspaceId, prompt.id, input.name, input.version, input);
    },

    async move(workspaceId, labelId, version, options = {}) {
      const label = await getLabel(workspaceId, labelId);
      if (!label) return undefined;
      return setOnPrompt(workspaceId, label.prompt_id, label.name, version, options);
    },

    async delete(workspaceId, labelId, options = {}) {
      if (!Number.isSafeInteger(labelId)) return false;
      return db.transaction().execute(async (trx) => {
        const label = await selectLabels(trx, workspaceId).where("release_label.id", "=", labelId).executeTakeFirst();
        if (!label) return false;
        await requireLabelWritable(trx, workspaceId, label.name, options);
        await lockPrompt(trx, workspaceId, label.prompt_id);
        const deleted = await trx.deleteFrom("release_label").where("id", "=", labelId).executeTakeFirst();
        // Someone else deleted it while we waited for the lock: their history row stands.
        if (deleted.numDeletedRows === 0n) return false;
        await trx
          .insertInto("label_history")
          .values({
            workspace_id: workspaceId,
            prompt_id: label.prompt_id,
            label_name: label.name,
            from_version: label.prompt_version_number,
            to_version: null,
            actor_key_id: options.actor_key_id ?? null,
            created_at: timestamp(),
          })
          .execute();
        return true;
      });
    },

    async history(workspaceId, ref, options = {}) {
      const prompt = await findPrompt(db, workspaceId, ref);
      if (!prompt) return [];
      let query = db
        .selectFrom("label_history")
        .leftJoin("api_key", (join) => join.onRef("api_key.id", "=", "label_history.actor_key_id").onRef("api_key.workspace_id", "=", "label_history.workspace_id"))
        .selectAll("label_history")
        .select("api_key.name as actor_key_name")
        .where("label_history.workspace_id", "=", workspaceId)
        .where("label_history.prompt_id", "=", prompt.id);
      if (options.label !== undefined) query = query.where("label_history.label_name", "=", options.label);
      return query.orderBy("label_history.id").execute();
    },
  };
}
