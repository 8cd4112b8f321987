import { secretRequestKeys, stripSecrets, type Attempt, type PromptBlueprint, type RequestStatus, type SnippetUse } from "@promptline/core";
import type { Insertable, Kysely, Selectable } from "kysely";
import type { Database, RequestLogTable } from "../database-schema.js";
import { fromJson, fromNullableJson, toJson } from "../internal/json.js";
import type { RequestInsert, RequestLogRow, RequestRef } from "../storage.js";

export type RequestRow = Selectable<RequestLogTable>;

/**
 * The internal id, public number and time of a request in the workspace, by
 * its number (the integer clients see) or by client `request_id`.
 */
export async function findRequest(
  db: Kysely<Database>,
  workspaceId: number,
  ref: RequestRef,
): Promise<{ id: number; number: number; created_at: string } | undefined> {
  if (typeof ref === "number" && !Number.isSafeInteger(ref)) return undefined;
  const query = db.selectFrom("request_log").select(["id", "number", "created_at"]).where("workspace_id", "=", workspaceId);
  const row = await (typeof ref === "number" ? query.where("number", "=", ref) : query.where("request_id", "=", ref)).executeTakeFirst();
  return row && { id: row.id, number: Number(row.number ?? row.id), created_at: row.created_at };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Credentials and endpoints a client left in a request (`apiKey`, `baseURL`,
 * `aws_secret_key`… in kwargs, in `/log-request`'s `parameters`) are never
 * stored, whichever route or client the record came through.
 */
function requestWithoutSecrets(request: Record<string, unknown>): Record<string, unknown> {
  const clean = stripSecrets(request);
  if (isObject(clean.parameters)) clean.parameters = stripSecrets(clean.parameters);
  return clean;
}

/** The blueprint with the same keys dropped from its model parameters (run() overrides and log-request parameters end up there). */
function blueprintWithoutSecrets(blueprint: PromptBlueprint): PromptBlueprint {
  const model: unknown = (blueprint.metadata as { model?: unknown } | null | undefined)?.model;
  if (!isObject(model) || !isObject(model.parameters)) return blueprint;
  // Usually nothing to drop: the blueprint itself then, so a JSON text of it made by the caller still holds.
  // (`__proto__` too: the copy below never kept it.)
  if (!Object.keys(model.parameters).some((key) => key === "__proto__" || secretRequestKeys.includes(key))) return blueprint;
  return { ...blueprint, metadata: { ...blueprint.metadata, model: { ...model, parameters: stripSecrets(model.parameters) } } } as PromptBlueprint;
}

/** The blueprint's JSON text: the caller's own text of it when it has one and no secret had to be dropped. */
function blueprintColumn(blueprint: PromptBlueprint, text: string | undefined): string {
  const clean = blueprintWithoutSecrets(blueprint);
  return text !== undefined && clean === blueprint ? text : toJson(clean);
}

/** The request_log columns of a record; the prompt link is resolved by the caller. */
export function toRequestColumns(
  workspaceId: number,
  record: RequestInsert,
  link: { promptId: number | null; promptName: string | null; traceId?: string | null },
  createdAt: string,
): Insertable<RequestLogTable> {
  return {
    workspace_id: workspaceId,
    request_id: record.request_id,
    prompt_id: link.promptId,
    prompt_name: link.promptName,
    prompt_version: record.prompt_version ?? null,
    prompt_label: record.prompt_label ?? null,
    group_id: record.group_id ?? null,
    input_variables: toJson(record.input_variables ?? {}),
    status: record.status,
    provider: record.provider,
    model: record.model,
    function_name: record.function_name ?? null,
    input_tokens: record.usage?.input_tokens ?? null,
    output_tokens: record.usage?.output_tokens ?? null,
    cached_input_tokens: record.usage?.cached_input_tokens ?? null,
    reasoning_tokens: record.usage?.reasoning_tokens ?? null,
    cost_usd: record.cost_usd ?? null,
    latency_ms: record.latency_ms ?? null,
    request_start_time: record.request_start_time ?? null,
    request_end_time: record.request_end_time ?? null,
    request: toJson(requestWithoutSecrets(record.request ?? {})),
    response: record.response === undefined || record.response === null ? null : toJson(record.response),
    prompt_blueprint: record.prompt_blueprint ? blueprintColumn(record.prompt_blueprint, record.prompt_blueprint_json) : null,
    error_type: record.error_type ?? null,
    error_message: record.error_message ?? null,
    warnings: record.warnings?.length ? toJson(record.warnings) : null,
    snippets: record.snippets?.length ? toJson(record.snippets) : null,
    trace_id: record.trace_id ?? link.traceId ?? null,
    span_id: record.span_id ?? null,
    attempts: record.attempts && record.attempts.length > 0 ? toJson(record.attempts) : null,
    created_at: createdAt,
  };
}

/**
 * Full rows (tags, metadata and scores included) for request_log rows, in
 * their order: three queries, each ordered by its primary key so the
 * database reads it in order (ordering by `key` alone made PostgreSQL scan).
 */
export async function loadRequestRows(db: Kysely<Database>, rows: readonly RequestRow[]): Promise<RequestLogRow[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const [tags, metadata, scores] = await Promise.all([
    db.selectFrom("request_tag").select(["request_log_id", "tag"]).where("request_log_id", "in", ids).orderBy("request_log_id").orderBy("position").execute(),
    db.selectFrom("request_metadata").select(["request_log_id", "key", "value"]).where("request_log_id", "in", ids).orderBy("request_log_id").orderBy("key").execute(),
    db.selectFrom("request_score").select(["request_log_id", "name", "score"]).where("request_log_id", "in", ids).orderBy("request_log_id").orderBy("name").execute(),
  ]);
  const tagsById = groupBy(tags, (tag) => tag.request_log_id);
  const metadataById = groupBy(metadata, (entry) => entry.request_log_id);
  const scoresById = groupBy(scores, (score) => score.request_log_id);
  return rows.map((row) =>
    toRequestLogRow(
      row,
      (tagsById.get(row.id) ?? []).map((tag) => tag.tag),
      Object.fromEntries((metadataById.get(row.id) ?? []).map((entry) => [entry.key, entry.value])),
      Object.fromEntries((scoresById.get(row.id) ?? []).map((score) => [score.name, score.score])),
    ),
  );
}

function toRequestLogRow(row: RequestRow, tags: string[], metadata: Record<string, string>, scores: Record<string, number>): RequestLogRow {
  const usage =
    row.input_tokens === null && row.output_tokens === null
      ? null
      : {
          input_tokens: row.input_tokens ?? 0,
          output_tokens: row.output_tokens ?? 0,
          ...(row.cached_input_tokens === null ? {} : { cached_input_tokens: row.cached_input_tokens }),
          ...(row.reasoning_tokens === null ? {} : { reasoning_tokens: row.reasoning_tokens }),
        };
  return {
    // The workspace's own number: the internal id counts every workspace's requests.
    id: Number(row.number ?? row.id),
    workspace_id: row.workspace_id,
    request_id: row.request_id,
    prompt_id: row.prompt_id,
    prompt_name: row.prompt_name,
    prompt_version: row.prompt_version,
    prompt_label: row.prompt_label,
    tags,
    metadata,
    group_id: row.group_id,
    input_variables: fromJson<Record<string, unknown>>(row.input_variables),
    status: row.status as RequestStatus,
    provider: row.provider,
    model: row.model,
    function_name: row.function_name,
    usage,
    cost_usd: row.cost_usd,
    latency_ms: row.latency_ms,
    request_start_time: row.request_start_time,
    request_end_time: row.request_end_time,
    request: fromJson<Record<string, unknown>>(row.request),
    response: fromNullableJson<unknown>(row.response),
    prompt_blueprint: fromNullableJson<PromptBlueprint>(row.prompt_blueprint),
    error_type: row.error_type,
    error_message: row.error_message,
    warnings: fromNullableJson<string[]>(row.warnings) ?? [],
    snippets: fromNullableJson<SnippetUse[]>(row.snippets) ?? [],
    trace_id: row.trace_id,
    span_id: row.span_id,
    attempts: fromNullableJson<Attempt[]>(row.attempts) ?? [],
    created_at: row.created_at,
    scores,
  };
}

function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
