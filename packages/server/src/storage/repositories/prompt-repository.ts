import { InvalidRequestError, inputLimits, PromptArchivedError, type LabelRouting } from "@promptline/core";
import { sql } from "kysely";
import { canonicalJson, fromJson, sha256Hex, toJson } from "../internal/json.js";
import { containsPattern } from "../internal/like-pattern.js";
import type { PromptListQuery, PromptRepository, PromptSummary, PublishInput } from "../storage.js";
import {
  findPrompt,
  findVersion,
  lockPrompt,
  moveLabel,
  requirePrompt,
  selectLabels,
  toLabelRecord,
  toPromptRecord,
  toVersionRecord,
} from "./prompt-queries.js";
import type { PromptRow, PromptVersionRow } from "./prompt-queries.js";
import { requireLabelWritable } from "./protected-label-repository.js";
import type { RepositoryContext } from "./repository-context.js";

const defaultPerPage = 30;
const maxPerPage = 100;

export function createPromptRepository({ db, timestamp }: RepositoryContext): PromptRepository {
  return {
    async publish(workspaceId, input) {
      const { name, tags, releaseLabels } = validatePublish(input);
      const metadata = input.metadata ?? {};
      const contentHash = sha256Hex(canonicalJson([input.prompt_template, metadata]));
      const actorKeyId = input.actor_key_id ?? null;

      return db.transaction().execute(async (trx) => {
        const now = timestamp();
        await trx
          .insertInto("prompt")
          .values({
            workspace_id: workspaceId,
            name,
            search_name: name.toLowerCase(),
            tags: toJson(tags ?? []),
            latest_version: 0,
            created_at: now,
            updated_at: now,
          })
          .onConflict((conflict) => conflict.columns(["workspace_id", "name"]).doNothing())
          .execute();
        const found = await requirePrompt(trx, workspaceId, { name });
        // From here on no other publish or label move of this prompt runs.
        let prompt = await lockPrompt(trx, workspaceId, found.id);
        if (prompt.archived_at) throw new PromptArchivedError(prompt.name, prompt.archived_at);

        let version: PromptVersionRow | undefined;
        if (input.skip_if_unchanged && prompt.latest_version > 0) {
          const newest = await findVersion(trx, prompt);
          if (newest?.content_hash === contentHash) version = newest;
        }
        const created = version === undefined;
        if (version === undefined) {
          version = await trx
            .insertInto("prompt_version")
            .values({
              workspace_id: workspaceId,
              prompt_id: prompt.id,
              version: prompt.latest_version + 1,
              prompt_template: toJson(input.prompt_template),
              metadata: toJson(metadata),
              content_hash: contentHash,
              commit_message: input.commit_message ?? null,
              author_key_id: actorKeyId,
              created_at: now,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
        }
        if (created || tags !== undefined) {
          prompt = await trx
            .updateTable("prompt")
            .set({
              latest_version: version.version > prompt.latest_version ? version.version : prompt.latest_version,
              updated_at: now,
              ...(tags === undefined ? {} : { tags: toJson(tags) }),
            })
            .where("id", "=", prompt.id)
            .returningAll()
            .executeTakeFirstOrThrow();
        }
        for (const label of releaseLabels) {
          await moveLabel(trx, { workspaceId, promptId: prompt.id, name: label, version, actorKeyId, mayChangeProtected: input.may_change_protected ?? true, now });
        }
        const labels = await selectLabels(trx, workspaceId).where("release_label.prompt_id", "=", prompt.id).orderBy("release_label.name").execute();
        return {
          prompt: toPromptRecord(prompt),
          version: toVersionRecord(version, prompt.name),
          created,
          labels: labels.map(toLabelRecord),
        };
      });
    },

    async get(workspaceId, ref) {
      const prompt = await findPrompt(db, workspaceId, ref);
      return prompt && toPromptRecord(prompt);
    },

    async getVersion(workspaceId, ref, selector) {
      const prompt = await findPrompt(db, workspaceId, ref);
      const version = prompt && (await findVersion(db, prompt, selector));
      if (!prompt || !version) return undefined;
      const labels = await db
        .selectFrom("release_label")
        .select("name")
        .where("prompt_version_id", "=", version.id)
        .orderBy("name")
        .execute();
      const resolved = { prompt: toPromptRecord(prompt), version: toVersionRecord(version, prompt.name), labels: labels.map((label) => label.name) };
      if (selector?.label === undefined || selector.label === null) return resolved;
      // Selected by a label: say what it serves (a split names other versions too).
      const label = await db
        .selectFrom("release_label")
        .select("routing")
        .where("prompt_id", "=", prompt.id)
        .where("name", "=", selector.label)
        .executeTakeFirst();
      return { ...resolved, label_target: { version: version.version, routing: label?.routing ? fromJson<LabelRouting>(label.routing) : null } };
    },

    async setArchived(workspaceId, ref, archived, actor = {}) {
      return db.transaction().execute(async (trx) => {
        const found = await findPrompt(trx, workspaceId, ref);
        if (!found) return undefined;
        const prompt = await lockPrompt(trx, workspaceId, found.id);
        if (Boolean(prompt.archived_at) === archived) return toPromptRecord(prompt);
        if (archived) {
          // What a protected label serves stops with the prompt: the same right as moving that label.
          const labels = await trx.selectFrom("release_label").select("name").where("prompt_id", "=", prompt.id).orderBy("name").execute();
          for (const label of labels) await requireLabelWritable(trx, workspaceId, label.name, actor);
        }
        const now = timestamp();
        const updated = await trx
          .updateTable("prompt")
          .set({ archived_at: archived ? now : null, updated_at: now })
          .where("id", "=", prompt.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return toPromptRecord(updated);
      });
    },

    async listVersions(workspaceId, ref) {
      const prompt = await findPrompt(db, workspaceId, ref);
      if (!prompt) return [];
      const rows = await db.selectFrom("prompt_version").selectAll().where("prompt_id", "=", prompt.id).orderBy("version", "desc").execute();
      return rows.map((row) => toVersionRecord(row, prompt.name));
    },

    async list(workspaceId, query = {}) {
      const { page, perPage } = validatePaging(query);
      let prompts = db
        .selectFrom("prompt")
        .where("prompt.workspace_id", "=", workspaceId)
        .where("prompt.archived_at", query.archived ? "is not" : "is", null);
      if (query.search) {
        prompts = prompts.where(sql<boolean>`${sql.ref("prompt.search_name")} like ${containsPattern(query.search.toLowerCase())} escape '\\'`);
      }
      if (query.tag !== undefined) {
        // `tags` is a JSON array (JSON.stringify, no spaces); an element is the tag's JSON text between
        // delimiters. replace() is case-sensitive on both databases, unlike SQLite's LIKE.
        const element = JSON.stringify(query.tag);
        const needles = [`[${element}]`, `[${element},`, `,${element},`, `,${element}]`];
        prompts = prompts.where(({ or }) =>
          or(needles.map((needle) => sql<boolean>`replace(${sql.ref("prompt.tags")}, ${needle}, '') <> ${sql.ref("prompt.tags")}`)),
        );
      }
      if (query.label !== undefined) {
        const label = query.label;
        prompts = prompts.where(({ exists, selectFrom }) =>
          exists(
            selectFrom("release_label")
              .select("release_label.id")
              .whereRef("release_label.prompt_id", "=", "prompt.id")
              .where("release_label.name", "=", label),
          ),
        );
      }
      const counted = await prompts.select((eb) => eb.fn.countAll<number>().as("total")).executeTakeFirstOrThrow();
      const total = Number(counted.total);
      const rows = await prompts
        .selectAll("prompt")
        .orderBy("prompt.updated_at", "desc")
        .orderBy("prompt.id", "desc")
        .limit(perPage)
        .offset((page - 1) * perPage)
        .execute();
      const items = rows.length === 0 ? [] : await summarise(rows, query.label);
      return { items, page, per_page: perPage, total, pages: Math.ceil(total / perPage) };
    },
  };

  /** Versions, labels and usage of one page of prompts, in four queries whatever the page size. */
  async function summarise(rows: PromptRow[], label: string | undefined): Promise<PromptSummary[]> {
    const promptIds = rows.map((row) => row.id);
    const labels = await db
      .selectFrom("release_label")
      .innerJoin("prompt_version", "prompt_version.id", "release_label.prompt_version_id")
      .selectAll("release_label")
      .select("prompt_version.version as prompt_version_number")
      .where("release_label.prompt_id", "in", promptIds)
      .orderBy("release_label.name")
      .execute();
    // The labelled version when listing by label, else the newest.
    const wanted = rows.map((row) => {
      const labelled = label === undefined ? undefined : labels.find((entry) => entry.prompt_id === row.id && entry.name === label);
      return { promptId: row.id, number: labelled?.prompt_version_number ?? row.latest_version };
    });
    const versions = await db
      .selectFrom("prompt_version")
      .selectAll()
      .where((eb) => eb.or(wanted.map(({ promptId, number }) => eb.and([eb("prompt_id", "=", promptId), eb("version", "=", number)]))))
      .execute();
    const usage = await db
      .selectFrom("request_log")
      .select((eb) => ["prompt_id", eb.fn.countAll<number>().as("request_count"), eb.fn.max("created_at").as("last_used_at")])
      .where("workspace_id", "=", rows[0]?.workspace_id ?? -1)
      .where("prompt_id", "in", promptIds)
      .groupBy("prompt_id")
      .execute();

    return rows.flatMap((row, index) => {
      const number = wanted[index]?.number;
      const version = versions.find((candidate) => candidate.prompt_id === row.id && candidate.version === number);
      // A prompt row exists only with at least one version; skip a half-written one.
      if (!version) return [];
      const used = usage.find((entry) => entry.prompt_id === row.id);
      return [
        {
          prompt: toPromptRecord(row),
          version: toVersionRecord(version, row.name),
          labels: labels.filter((entry) => entry.prompt_id === row.id).map(toLabelRecord),
          last_used_at: used?.last_used_at ?? null,
          request_count: Number(used?.request_count ?? 0),
        },
      ];
    });
  }
}

function validatePublish(input: PublishInput) {
  const issues: string[] = [];
  if (typeof input.name !== "string" || input.name.trim() === "") issues.push("prompt_name: a non-empty name is required");
  const template: unknown = input.prompt_template;
  if (typeof template !== "object" || template === null || Array.isArray(template)) issues.push("prompt_template: an object is required");
  const releaseLabels = [...new Set(input.release_labels ?? [])];
  if (releaseLabels.some((label) => typeof label !== "string" || label.trim() === "")) issues.push("release_labels: labels must be non-empty strings");
  else if (releaseLabels.some((label) => label.length > inputLimits.labelLength)) issues.push(`release_labels: at most ${inputLimits.labelLength} characters each`);
  if (releaseLabels.length > inputLimits.releaseLabelsPerPublish) issues.push(`release_labels: at most ${inputLimits.releaseLabelsPerPublish}`);
  const tags = input.tags === null || input.tags === undefined ? undefined : [...new Set(input.tags)];
  if (tags?.some((tag) => typeof tag !== "string")) issues.push("tags: tags must be strings");
  else if (tags && (tags.length > inputLimits.tags || tags.some((tag) => tag.length > inputLimits.tagLength))) {
    issues.push(`tags: at most ${inputLimits.tags}, of at most ${inputLimits.tagLength} characters each`);
  }
  if (issues.length > 0) throw new InvalidRequestError(`Cannot publish: ${issues.join("; ")}.`, issues);
  return { name: input.name, tags, releaseLabels };
}

function validatePaging(query: PromptListQuery) {
  const page = query.page ?? 1;
  const perPage = query.per_page ?? defaultPerPage;
  if (!Number.isSafeInteger(page) || page < 1) throw new InvalidRequestError("page must be a whole number from 1.", ["page"]);
  if (!Number.isSafeInteger(perPage) || perPage < 1 || perPage > maxPerPage) {
    throw new InvalidRequestError(`per_page must be a whole number from 1 to ${maxPerPage}.`, ["per_page"]);
  }
  return { page, perPage };
}
