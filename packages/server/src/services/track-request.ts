import {
  buildBlueprint,
  buildLogRecord,
  codecForFunctionName,
  stripSecrets,
  spanIdPattern,
  type PromptBlueprint,
  type ProviderCodec,
  trackedApiTypeOf,
  trackedProviderOf,
  type Usage, isRecord } from "@promptline/core";
import { parseTimestamp } from "../http/timestamps.js";
import type { TrackRequestBody } from "@promptline/core/wire";
import type { RequestInsert, Storage } from "../storage/index.js";


/** Metadata values are strings; other JSON values are kept as their JSON text rather than refused. */
export function stringMetadata(metadata: Record<string, unknown> | null | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (value === undefined || value === null) continue;
    result[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return result;
}

/** `provider_type` when the client sent one, else what the `function_name` names (the providers' `tracking`). */
function providerOf(body: TrackRequestBody, codec: ProviderCodec | undefined): string {
  if (body.provider_type) return body.provider_type;
  return trackedProviderOf(body.function_name, codec !== undefined);
}

function modelOf(kwargs: Record<string, unknown>, response: unknown): string {
  for (const value of [kwargs.model, kwargs.modelId, isRecord(response) ? response.model : undefined]) {
    if (typeof value === "string" && value) return value;
  }
  return "unknown";
}

/** Whatever the codec can read; a response it can't parse still gets logged, without a blueprint or usage. */
function safely<T>(compute: () => T): T | null {
  try {
    return compute();
  } catch {
    return null;
  }
}

/**
 * The span the client ran the request in (PromptLayer's SDKs send it; its
 * trace comes with the span, see `SpanRepository`). Without tracing their
 * span id is all zeros or absent: no span, and nothing to refuse.
 */
function spanIdOf(spanId: string | null | undefined): string | null {
  const lower = spanId?.trim().toLowerCase();
  return lower && spanIdPattern.test(lower) ? lower : null;
}

export interface TrackedRequest {
  insert: RequestInsert;
  blueprint: PromptBlueprint | null;
}

/**
 * A `/track-request` body → the record to store, with the blueprint and usage
 * read by the codec of its `function_name`. Credentials left in `kwargs` by
 * the client are dropped here, before anything is stored.
 */
export function trackedRequestFrom(body: TrackRequestBody, requestId: string, promptName: string | null): TrackedRequest {
  const codec = codecForFunctionName(body.function_name);
  const kwargs = stripSecrets(body.kwargs ?? {});
  const response = body.request_response;
  const provider = providerOf(body, codec);
  const apiType = trackedApiTypeOf(body.function_name);
  const status = body.status ?? "SUCCESS";
  const blueprint = codec ? safely(() => buildBlueprint({ codec, kwargs, response, provider, apiType })) : null;
  const usage: Usage | null = codec && status !== "ERROR" ? safely(() => codec.usage(response)) : null;
  const model = modelOf(kwargs, response);
  const start = parseTimestamp(body.request_start_time, "request_start_time");
  const end = parseTimestamp(body.request_end_time, "request_end_time");
  // Built once, then prompt_id set on it: spreading the record into a new object costs more than building it.
  const insert: RequestInsert = Object.assign(buildLogRecord({
      request_id: requestId,
      prompt_name: promptName,
      prompt_version: body.prompt_version ?? null,
      tags: body.tags ?? [],
      metadata: stringMetadata(body.metadata),
      group_id: body.group_id ?? null,
      input_variables: body.prompt_input_variables ?? {},
      status,
      provider,
      model,
      function_name: body.function_name || null,
      usage,
      request_start_time: start,
      request_end_time: end,
      request: kwargs,
      response: response ?? null,
      prompt_blueprint: blueprint,
      error_type: body.error_type ?? null,
      error_message: body.error_message ?? null,
      span_id: spanIdOf(body.span_id),
      // One call made by the client itself: nothing to list.
      attempts: [],
    }),
    { prompt_id: typeof body.prompt_id === "number" && Number.isSafeInteger(body.prompt_id) ? body.prompt_id : null },
  );
  return { insert, blueprint };
}

/** A `/track-request` body ready to store: the record, and the blueprint its answer carries. */
export interface PreparedTrackedRequest {
  insert: RequestInsert;
  /** The answer's `prompt_blueprint` as JSON: the record's blueprint when the client asked for it, else `null`. */
  answerBlueprintJson: string;
}

/** What `/track-request` answers, in PromptLayer's shape (contract §3.2). */
export interface TrackRequestAnswer {
  success: true;
  request_id: number;
  prompt_blueprint: PromptBlueprint | null;
  message: string;
}

/**
 * `JSON.stringify` of the `TrackRequestAnswer` with this number and
 * blueprint (given as its JSON text, made once for the stored column too),
 * written out: the same text, without stringifying the blueprint again.
 */
export function trackRequestAnswerJson(requestNumber: number, blueprintJson: string): string {
  return `{"success":true,"request_id":${requestNumber},"prompt_blueprint":${blueprintJson},"message":"Request tracked successfully"}`;
}

/**
 * `POST /track-request` in two steps, shared by the Hono route and the
 * node:http front (decision 0032), so the two can't drift: `prepare` only
 * reads (a failure there changes nothing: the front hands the request to
 * Hono, which answers it), `store` writes and answers once committed.
 */
export function createTrackRequest(storage: Storage, mintRequestId: () => string) {
  return {
    async prepare(workspaceId: number, body: TrackRequestBody): Promise<PreparedTrackedRequest> {
      // PromptLayer sends the prompt's numeric id: the storage links it (and names it) in the
      // commit, with one query for the whole group, within this workspace. A string is a name
      // or an id, looked up here.
      const prompt = typeof body.prompt_id === "string" ? await storage.prompts.get(workspaceId, { identifier: body.prompt_id }) : undefined;
      const { insert, blueprint } = trackedRequestFrom(body, mintRequestId(), prompt?.name ?? null);
      // Links only to this workspace's prompt and group. An unknown group is dropped rather than
      // refused: a non-200 here makes PromptLayer's SDK throw away a completed LLM call (§3.2).
      if (typeof body.prompt_id === "string") insert.prompt_id = prompt?.id ?? null;
      if (insert.group_id != null && !(await storage.groups.get(workspaceId, insert.group_id))) insert.group_id = null;
      // Made once: the stored column and the answer are the same text.
      if (blueprint) insert.prompt_blueprint_json = JSON.stringify(blueprint);
      return { insert, answerBlueprintJson: body.return_prompt_blueprint ? (insert.prompt_blueprint_json ?? "null") : "null" };
    },

    /** Writes the record; resolves once it is committed, with the answer's JSON text (`trackRequestAnswerJson`). */
    async store(workspaceId: number, { insert, answerBlueprintJson }: PreparedTrackedRequest): Promise<string> {
      // insertMany, not insert: only the id is answered, so the row isn't read back (4 statements fewer).
      // Concurrent requests share one commit (group commit); the answer still waits for it.
      const [result] = await storage.requests.insertMany(workspaceId, [insert]);
      if (!result) throw new Error(`Request ${insert.request_id} was not stored.`);
      return trackRequestAnswerJson(result.id, answerBlueprintJson);
    },
  };
}

export type TrackRequest = ReturnType<typeof createTrackRequest>;
