import { InvalidRequestError, inputLimits, PromptNotFoundError, type LabelRouting } from "@promptline/core";
import type { Kysely } from "kysely";
import type { Database } from "../database-schema.js";
import type { LabelActor, LabelRepository } from "../storage.js";
import {
  findPrompt,
  findVersion,
  lockPrompt,
  moveLabel,
  requirePrompt,
  requireVersion,
  selectLabels,
  toLabelHistoryRecord,
  toLabelRecord,
  type PromptRow,
} from "./prompt-queries.js";
import { requireLabelWritable } from "./protected-label-repository.js";
import type { RepositoryContext } from "./repository-context.js";

/** Every version a split names must exist: a 400 naming the entry, before anything changes. */
async function requireRoutedVersions(db: Kysely<Database>, prompt: PromptRow, routing: LabelRouting): Promise<void> {
  const named: [string, number][] = [
    ...routing.split.map((entry, index): [string, number] => [`split.${index}.version`, entry.version]),
    ...routing.segments.map((segment, index): [string, number] => [`segments.${index}.version`, segment.version]),
  ];
  for (const [field, version] of named) {
    if (!(await findVersion(db, prompt, { version }))) {
      throw new InvalidRequestError(`${field}: prompt "${prompt.name}" has no version ${version}.`, [`${field}: no such version`]);
    }
  }
}

export function createLabelRepository({ db, timestamp }: RepositoryContext): LabelRepository {
  const getLabel = async (workspaceId: number, labelId: number) => {
    if (!Number.isSafeInteger(labelId)) return undefined;
    const row = await selectLabels(db, workspaceId).where("release_label.id", "=", labelId).executeTakeFirst();
    return row && toLabelRecord(row);
  };

  const readLabel = (trx: Kysely<Database>, workspaceId: number, promptId: number, name: string) =>
    selectLabels(trx, workspaceId).where("release_label.prompt_id", "=", promptId).where("release_label.name", "=", name).executeTakeFirst();

  /** Points a label at a version (or a split) of a prompt inside one transaction holding the prompt's lock. */
  const setOnPrompt = (workspaceId: number, promptId: number, name: string, versionNumber: number, routing: LabelRouting | null, actor: LabelActor) =>
    db.transaction().execute(async (trx) => {
      const prompt = await lockPrompt(trx, workspaceId, promptId);
      if (routing) await requireRoutedVersions(trx, prompt, routing);
      const version = await requireVersion(trx, prompt, { version: versionNumber });
      await moveLabel(trx, {
        workspaceId,
        promptId,
        name,
        version,
        routing,
        actorKeyId: actor.actor_key_id ?? null,
        mayChangeProtected: actor.may_change_protected ?? true,
        now: timestamp(),
      });
      return toLabelRecord((await readLabel(trx, workspaceId, promptId, name))!);
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
      if (input.name.length > inputLimits.labelLength) {
        throw new InvalidRequestError(`A release label name has at most ${inputLimits.labelLength} characters.`, ["name"]);
      }
      const routing = input.routing && input.routing.split.length > 0 ? input.routing : null;
      if (routing && routing.split[0]!.version !== input.version) {
        throw new InvalidRequestError("A split label's version is its first split entry's.", ["version"]);
      }
      const prompt = await requirePrompt(db, workspaceId, input.prompt);
      return setOnPrompt(workspaceId, prompt.id, input.name, input.version, routing, input);
    },

    async move(workspaceId, labelId, version, options = {}) {
      const label = await getLabel(workspaceId, labelId);
      if (!label) return undefined;
      // PromptLayer's PATCH names one version: the label stops being a split.
      return setOnPrompt(workspaceId, label.prompt_id, label.name, version, null, options);
    },

    async rollback(workspaceId, ref, name, options = {}) {
      const found = await requirePrompt(db, workspaceId, ref);
      return db.transaction().execute(async (trx) => {
        const prompt = await lockPrompt(trx, workspaceId, found.id);
        // A role that may not move this label hears that first, whatever its history.
        await requireLabelWritable(trx, workspaceId, name, options);
        const last = await trx
          .selectFrom("label_history")
          .selectAll()
          .where("workspace_id", "=", workspaceId)
          .where("prompt_id", "=", prompt.id)
          .where("label_name", "=", name)
          .orderBy("id", "desc")
          .limit(1)
          .executeTakeFirst();
        if (!last) throw new PromptNotFoundError(prompt.name, { label: name });
        if (last.from_version === null) {
          throw new InvalidRequestError(
            `Label "${name}" of prompt "${prompt.name}" has no earlier position: it was created by its last move (to version ${last.to_version}). Set it with \`promptline label set\` instead.`,
            ["label"],
          );
        }
        const history = toLabelHistoryRecord(last);
        const version = await requireVersion(trx, prompt, { version: last.from_version });
        await moveLabel(trx, {
          workspaceId,
          promptId: prompt.id,
          name,
          version,
          routing: history.from_routing,
          actorKeyId: options.actor_key_id ?? null,
          mayChangeProtected: options.may_change_protected ?? true,
          now: timestamp(),
        });
        return toLabelRecord((await readLabel(trx, workspaceId, prompt.id, name))!);
      });
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
            from_routing: label.routing,
            to_routing: null,
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
      return (await query.orderBy("label_history.id").execute()).map(toLabelHistoryRecord);
    },
  };
}
