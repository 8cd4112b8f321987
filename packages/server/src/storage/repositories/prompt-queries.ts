import { PromptNotFoundError } from "@promptline/core";
import type { LabelRouting, PromptTemplate, TemplateMetadata } from "@promptline/core";
import type { Kysely, Selectable } from "kysely";
import type { Database, PromptTable, PromptVersionTable } from "../database-schema.js";
import { canonicalJson, fromJson } from "../internal/json.js";
import { requireLabelWritable } from "./protected-label-repository.js";
import { raiseRegistryRevision } from "./registry-revision.js";
import type { LabelHistoryRecord, PromptRecord, PromptRef, PromptVersionRecord, ReleaseLabelRecord, VersionSelector } from "../storage.js";

/** Queries shared by the prompt, label and request repositories. */

export type PromptRow = Selectable<PromptTable>;
export type PromptVersionRow = Selectable<PromptVersionTable>;

const digits = /^[0-9]{1,15}$/;

export async function findPrompt(db: Kysely<Database>, workspaceId: number, ref: PromptRef): Promise<PromptRow | undefined> {
  const byName = (name: string) =>
    db.selectFrom("prompt").selectAll().where("workspace_id", "=", workspaceId).where("name", "=", name).executeTakeFirst();
  const byId = (id: number) =>
    db.selectFrom("prompt").selectAll().where("workspace_id", "=", workspaceId).where("id", "=", id).executeTakeFirst();

  if ("name" in ref) return byName(ref.name);
  if ("id" in ref) return Number.isSafeInteger(ref.id) ? byId(ref.id) : undefined;
  // Contract §3.1: the identifier is a name, or a numeric id; a prompt named "42" wins over id 42.
  return (await byName(ref.identifier)) ?? (digits.test(ref.identifier) ? byId(Number(ref.identifier)) : undefined);
}

/** Like `findPrompt`, throwing `PromptNotFoundError` when there is none. */
export async function requirePrompt(db: Kysely<Database>, workspaceId: number, ref: PromptRef): Promise<PromptRow> {
  const prompt = await findPrompt(db, workspaceId, ref);
  if (!prompt) throw new PromptNotFoundError(describeRef(ref));
  return prompt;
}

export function describeRef(ref: PromptRef): string {
  if ("name" in ref) return ref.name;
  if ("id" in ref) return `#${ref.id}`;
  return ref.identifier;
}

/**
 * Takes the prompt's row lock until the transaction ends and returns the row
 * as it is now. Every write to a prompt's versions and labels goes through
 * this, so concurrent publishes and label moves of one prompt queue up: on
 * PostgreSQL the no-op UPDATE locks the row (a waiter re-reads it after the
 * holder commits); on SQLite the IMMEDIATE transaction already holds the
 * database's write lock. No `FOR UPDATE`, which SQLite does not parse.
 */
export async function lockPrompt(db: Kysely<Database>, workspaceId: number, promptId: number): Promise<PromptRow> {
  const prompt = await db
    .updateTable("prompt")
    .set((eb) => ({ latest_version: eb.ref("latest_version") }))
    .where("workspace_id", "=", workspaceId)
    .where("id", "=", promptId)
    .returningAll()
    .executeTakeFirstOrThrow();
  // Whoever locks a prompt is about to change its versions or labels: cached registry reads of the workspace are stale from this commit on.
  await raiseRegistryRevision(db, workspaceId);
  return prompt;
}

/** The version a selector picks: label first, then number, else the newest. */
export async function findVersion(
  db: Kysely<Database>,
  prompt: PromptRow,
  selector: VersionSelector = {},
): Promise<PromptVersionRow | undefined> {
  const versions = db.selectFrom("prompt_version").where("prompt_version.prompt_id", "=", prompt.id);
  if (selector.label !== undefined && selector.label !== null) {
    return versions
      .innerJoin("release_label", "release_label.prompt_version_id", "prompt_version.id")
      .where("release_label.name", "=", selector.label)
      .selectAll("prompt_version")
      .executeTakeFirst();
  }
  const number = selector.version ?? prompt.latest_version;
  if (!Number.isSafeInteger(number)) return undefined;
  return versions.where("prompt_version.version", "=", number).selectAll("prompt_version").executeTakeFirst();
}

/** Like `findVersion`, throwing `PromptNotFoundError` naming what was asked for. */
export async function requireVersion(db: Kysely<Database>, prompt: PromptRow, selector: VersionSelector = {}): Promise<PromptVersionRow> {
  const version = await findVersion(db, prompt, selector);
  if (!version) {
    const which = selector.label != null ? { label: selector.label } : selector.version != null ? { version: selector.version } : {};
    throw new PromptNotFoundError(prompt.name, which);
  }
  return version;
}

export function selectLabels(db: Kysely<Database>, workspaceId: number) {
  return db
    .selectFrom("release_label")
    .innerJoin("prompt_version", "prompt_version.id", "release_label.prompt_version_id")
    .selectAll("release_label")
    .select("prompt_version.version as prompt_version_number")
    .where("release_label.workspace_id", "=", workspaceId);
}

/**
 * Points label `name` of the prompt at `version` (with `routing` for a split
 * label, else none), creating it if needed, and records the move with the
 * routing before and after. The caller holds the prompt's lock (`lockPrompt`).
 * Throws `LabelProtectedError` (before writing) when the label is protected
 * and the actor may not change protected labels.
 */
export async function moveLabel(
  db: Kysely<Database>,
  target: {
    workspaceId: number;
    promptId: number;
    name: string;
    version: PromptVersionRow;
    routing?: LabelRouting | null;
    actorKeyId: number | null;
    /** Default true (see `LabelActor`). */
    mayChangeProtected?: boolean;
    now: string;
  },
): Promise<void> {
  const { workspaceId, promptId, name, version, actorKeyId, now } = target;
  // Checked even when the label already points there: the answer must not depend on where it points.
  await requireLabelWritable(db, workspaceId, name, { may_change_protected: target.mayChangeProtected ?? true });
  const routing = target.routing ? canonicalJson(target.routing) : null;
  const current = await selectLabels(db, workspaceId)
    .where("release_label.prompt_id", "=", promptId)
    .where("release_label.name", "=", name)
    .executeTakeFirst();
  if (current?.prompt_version_id === version.id && (current.routing ?? null) === routing) return;
  if (current) {
    await db.updateTable("release_label").set({ prompt_version_id: version.id, routing, updated_at: now }).where("id", "=", current.id).execute();
  } else {
    await db
      .insertInto("release_label")
      .values({ workspace_id: workspaceId, prompt_id: promptId, name, prompt_version_id: version.id, routing, created_at: now, updated_at: now })
      .execute();
  }
  await db
    .insertInto("label_history")
    .values({
      workspace_id: workspaceId,
      prompt_id: promptId,
      label_name: name,
      from_version: current?.prompt_version_number ?? null,
      to_version: version.version,
      from_routing: current?.routing ?? null,
      to_routing: routing,
      actor_key_id: actorKeyId,
      created_at: now,
    })
    .execute();
}

export function toPromptRecord(row: PromptRow): PromptRecord {
  return {
    id: row.id,
    workspace_id: row.workspace_id,
    name: row.name,
    tags: fromJson<string[]>(row.tags),
    latest_version: row.latest_version,
    created_at: row.created_at,
    updated_at: row.updated_at,
    archived_at: row.archived_at ?? null,
  };
}

export function toVersionRecord(row: PromptVersionRow, promptName: string): PromptVersionRecord {
  return {
    id: row.id,
    workspace_id: row.workspace_id,
    prompt_id: row.prompt_id,
    prompt_name: promptName,
    version: row.version,
    prompt_template: fromJson<PromptTemplate>(row.prompt_template),
    metadata: fromJson<TemplateMetadata>(row.metadata),
    commit_message: row.commit_message,
    author_key_id: row.author_key_id,
    created_at: row.created_at,
  };
}

export function toLabelRecord(row: Selectable<Database["release_label"]> & { prompt_version_number: number }): ReleaseLabelRecord {
  return {
    id: row.id,
    workspace_id: row.workspace_id,
    prompt_id: row.prompt_id,
    name: row.name,
    prompt_version_id: row.prompt_version_id,
    prompt_version_number: row.prompt_version_number,
    routing: row.routing ? fromJson<LabelRouting>(row.routing) : null,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** A history row; `actor_key_name` when the query joined the actor's key (see `labels.history`). */
export function toLabelHistoryRecord(row: Selectable<Database["label_history"]> & { actor_key_name?: string | null }): LabelHistoryRecord {
  return {
    ...row,
    actor_key_name: row.actor_key_name ?? null,
    from_routing: row.from_routing ? fromJson<LabelRouting>(row.from_routing) : null,
    to_routing: row.to_routing ? fromJson<LabelRouting>(row.to_routing) : null,
  };
}
