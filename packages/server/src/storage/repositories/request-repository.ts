import { InvalidRequestError } from "@promptline/core";
import type { Kysely } from "kysely";
import type { Database } from "../database-schema.js";
import { GroupCommitter } from "../group-committer.js";
import { decodeCursor, encodeCursor } from "../internal/cursor.js";
import { chunks } from "../internal/log-write.js";
import { toJson } from "../internal/json.js";
import type { InsertResult, RequestInsert, RequestRef, RequestRepository } from "../storage.js";
import { requirePrompt, requireVersion } from "./prompt-queries.js";
import { findRequest, loadRequestRows, toRequestColumns } from "./request-queries.js";
import { selectPage } from "./request-page-query.js";
import { selectStats } from "./request-stats-query.js";
import { selectLabelComparison } from "./label-compare-query.js";
import type { RepositoryContext } from "./repository-context.js";

const defaultLimit = 50;
const maxLimit = 500;
/** Ids per `in (…)` list, and metadata rows per upsert: far below SQLite's 32766-parameter limit. */
const rowsPerStatement = 200;

/** The repository, and what closing the storage must wait for: log records still being committed. */
export function createRequestRepository({ db, timestamp, logWrite, logCommitsInFlight, logOverlapMinRecords }: RepositoryContext): RequestRepository & { idle(): Promise<void> } {
  const insertManyNow = async (workspaceId: number, records: readonly RequestInsert[]): Promise<InsertResult[]> => {
    if (records.length === 0) return [];
    // A batch may repeat a record (a retry racing its original): the first copy counts.
    // Inserted in request_id order: PostgreSQL locks each conflicting key until commit, so
    // two overlapping batches taking their keys in different orders would deadlock.
    const firstCopies = dedupeFirst(records).sort((a, b) => (a.request_id < b.request_id ? -1 : a.request_id > b.request_id ? 1 : 0));

    const { created, existing } = await logWrite(db, workspaceId, async (reader, options) => {
      // The SQLite writer thread links them in its transaction: one query fewer on the event loop.
      const links = options?.writerLinksPrompts ? requestedPromptLinks : await resolvePromptLinks(reader, workspaceId, firstCopies);
      const traceOfSpan = await resolveTraceIds(reader, workspaceId, firstCopies);
      const createdAt = timestamp();
      return {
        requests: firstCopies.map((record) => toRequestColumns(workspaceId, record, { ...links(record), traceId: traceOfSpan(record) }, createdAt)),
        tags: firstCopies.flatMap((record) => [...new Set(record.tags ?? [])].map((tag, position) => ({ request_id: record.request_id, tag, position }))),
        metadata: firstCopies.flatMap((record) => Object.entries(record.metadata ?? {}).map(([key, value]) => ({ request_id: record.request_id, key, value }))),
        createdAt,
      };
    });

    const reported = new Set<string>();
    return records.map((record) => {
      const createdRow = created.get(record.request_id);
      const isFirst = !reported.has(record.request_id);
      reported.add(record.request_id);
      const id = createdRow?.number ?? existing.get(record.request_id);
      if (id === undefined) throw new Error(`Request ${record.request_id} was neither inserted nor found.`);
      return { request_id: record.request_id, id, created: createdRow !== undefined && isFirst };
    });
  };
  // Concurrent writers share one transaction (one fsync): see GroupCommitter.
  const committer = new GroupCommitter(insertManyNow, { commitsInFlight: logCommitsInFlight, overlapMinRecords: logOverlapMinRecords });
  const insertMany = async (workspaceId: number, records: readonly RequestInsert[]) => {
    // An invalid record fails its caller here, before it could sink a shared transaction.
    for (const record of records) validateRecord(record);
    return committer.insertMany(workspaceId, records);
  };

  const get = async (workspaceId: number, ref: RequestRef) => {
    if (typeof ref === "number" && !Number.isSafeInteger(ref)) return undefined;
    const query = db.selectFrom("request_log").selectAll().where("workspace_id", "=", workspaceId);
    const row = await (typeof ref === "number" ? query.where("number", "=", ref) : query.where("request_id", "=", ref)).executeTakeFirst();
    if (!row) return undefined;
    const [full] = await loadRequestRows(db, [row]);
    return full;
  };

  /** A cursor's (created_at, number) as the (created_at, internal id) the page query orders by. */
  const internalPosition = async (workspaceId: number, position: { created_at: string; id: number }) => {
    const row = await db
      .selectFrom("request_log")
      .select("id")
      .where("workspace_id", "=", workspaceId)
      .where("number", "=", position.id)
      .executeTakeFirst();
    if (!row) throw new InvalidRequestError("Invalid cursor: pass the next_cursor of a previous page unchanged.", ["cursor"]);
    return { created_at: position.created_at, id: row.id };
  };

  return {
    idle: () => committer.idle(),

    async insert(workspaceId, record) {
      const [result] = await insertMany(workspaceId, [record]);
      const row = result && (await get(workspaceId, result.id));
      if (!row) throw new Error(`Request ${record.request_id} vanished after insert.`);
      return row;
    },

    insertMany,

    get,

    async query(workspaceId, query = {}) {
      const limit = query.limit ?? defaultLimit;
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > maxLimit) {
        throw new InvalidRequestError(`limit must be a whole number from 1 to ${maxLimit}.`, ["limit"]);
      }
      const after = query.cursor ? await internalPosition(workspaceId, decodeCursor(query.cursor)) : undefined;
      const page = await selectPage(db, workspaceId, query, after, limit + 1);
      const items = await loadRequestRows(db, page.slice(0, limit));
      const last = items.at(-1);
      // The cursor names the row by its public number: internal ids are global and would show other workspaces' volume.
      return { items, next_cursor: page.length > limit && last ? encodeCursor({ created_at: last.created_at, id: last.id }) : null };
    },

    stats: (workspaceId, query) => selectStats(db, workspaceId, query),
    compareLabel: (workspaceId, query) => selectLabelComparison(db, workspaceId, query),

    async updateMetadata(workspaceId, ref, metadata) {
      validateMetadata(metadata);
      return db.transaction().execute(async (trx) => {
        const request = await findRequest(trx, workspaceId, ref);
        if (request === undefined) return false;
        const rows = Object.entries(metadata).map(([key, value]) => ({
          request_log_id: request.id,
          workspace_id: workspaceId,
          key,
          value,
          created_at: request.created_at,
        }));
        for (const chunk of chunks(rows, rowsPerStatement)) {
          await trx
            .insertInto("request_metadata")
            .values(chunk)
            // created_at in the target: PostgreSQL's partitioned primary key holds it (migration 0011).
            .onConflict((conflict) => conflict.columns(["request_log_id", "key", "created_at"]).doUpdateSet((eb) => ({ value: eb.ref("excluded.value") })))
            .execute();
        }
        return true;
      });
    },

    async setPrompt(workspaceId, ref, input) {
      const prompt = await requirePrompt(db, workspaceId, input.prompt);
      const version = await requireVersion(db, prompt, input);
      const result = await db
        .updateTable("request_log")
        .set({
          prompt_id: prompt.id,
          prompt_name: prompt.name,
          prompt_version: version.version,
          prompt_label: input.label ?? null,
          ...(input.input_variables ? { input_variables: toJson(input.input_variables) } : {}),
        })
        .where("workspace_id", "=", workspaceId)
        .where((eb) => (typeof ref === "number" ? eb("number", "=", ref) : eb("request_id", "=", ref)))
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async setGroup(workspaceId, ref, groupId) {
      const group = Number.isSafeInteger(groupId)
        ? await db.selectFrom("request_group").select("id").where("workspace_id", "=", workspaceId).where("id", "=", groupId).executeTakeFirst()
        : undefined;
      if (!group) throw new InvalidRequestError(`Group ${groupId} does not exist in this workspace: create it first (POST /create-group).`, ["group_id"]);
      const result = await db
        .updateTable("request_log")
        .set({ group_id: group.id })
        .where("workspace_id", "=", workspaceId)
        .where((eb) => (typeof ref === "number" ? eb("number", "=", ref) : eb("request_id", "=", ref)))
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}

/**
 * Links records to the workspace's prompts in one query: by `prompt_id`
 * (PromptLayer's track-request) or by `prompt_name` (our SDK). An id or name
 * the workspace doesn't know leaves the request unlinked but keeps the name.
 */
async function resolvePromptLinks(db: Kysely<Database>, workspaceId: number, records: readonly RequestInsert[]) {
  const ids = [...new Set(records.flatMap((record) => (Number.isSafeInteger(record.prompt_id) ? [record.prompt_id as number] : [])))];
  const names = [...new Set(records.flatMap((record) => (record.prompt_name ? [record.prompt_name] : [])))];
  const prompts =
    ids.length === 0 && names.length === 0
      ? []
      : await db
          .selectFrom("prompt")
          .select(["id", "name"])
          .where("workspace_id", "=", workspaceId)
          .where((eb) => eb.or([...(ids.length > 0 ? [eb("id", "in", ids)] : []), ...(names.length > 0 ? [eb("name", "in", names)] : [])]))
          .execute();
  const byId = new Map(prompts.map((prompt) => [prompt.id, prompt]));
  const byName = new Map(prompts.map((prompt) => [prompt.name, prompt]));
  return (record: RequestInsert) => {
    const prompt = (typeof record.prompt_id === "number" ? byId.get(record.prompt_id) : undefined) ?? (record.prompt_name ? byName.get(record.prompt_name) : undefined);
    return { promptId: prompt?.id ?? null, promptName: record.prompt_name ?? prompt?.name ?? null };
  };
}

/** The prompt a record asks for, unchecked, for a write that links it itself (`BuildLogRows`). */
function requestedPromptLinks(record: RequestInsert) {
  return { promptId: Number.isSafeInteger(record.prompt_id) ? (record.prompt_id as number) : null, promptName: record.prompt_name ?? null };
}

/**
 * The trace of a record that names its span but not its trace (PromptLayer's
 * `/track-request` sends `span_id` only), when that span is stored already;
 * spans that arrive later fill it in (`SpanRepository.insertMany`).
 */
async function resolveTraceIds(db: Kysely<Database>, workspaceId: number, records: readonly RequestInsert[]) {
  const spanIds = [...new Set(records.flatMap((record) => (record.span_id && !record.trace_id ? [record.span_id] : [])))];
  const traceBySpan = new Map<string, string>();
  for (const chunk of chunks(spanIds, rowsPerStatement)) {
    const rows = await db.selectFrom("span").select(["span_id", "trace_id"]).where("workspace_id", "=", workspaceId).where("span_id", "in", chunk).execute();
    for (const row of rows) traceBySpan.set(row.span_id, row.trace_id);
  }
  return (record: RequestInsert) => (record.span_id ? traceBySpan.get(record.span_id) : undefined) ?? null;
}

function dedupeFirst(records: readonly RequestInsert[]): RequestInsert[] {
  const seen = new Set<string>();
  return records.filter((record) => !seen.has(record.request_id) && seen.add(record.request_id));
}

function validateRecord(record: RequestInsert) {
  if (typeof record.request_id !== "string" || record.request_id === "") {
    throw new InvalidRequestError("Every request needs a non-empty request_id.", ["request_id"]);
  }
  validateMetadata(record.metadata ?? {});
}

function validateMetadata(metadata: Record<string, unknown>) {
  const invalid = Object.entries(metadata).filter(([, value]) => typeof value !== "string");
  if (invalid.length > 0) {
    throw new InvalidRequestError(
      `Metadata values must be strings (PromptLayer's rule); not: ${invalid.map(([key]) => key).join(", ")}.`,
      invalid.map(([key]) => `metadata.${key}`),
    );
  }
}
