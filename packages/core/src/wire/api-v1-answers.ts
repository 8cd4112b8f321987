import { z } from "zod";
import type { PromptBlueprint } from "../schemas/blueprint.js";
import type { TemplateMetadata } from "../schemas/metadata.js";
import type { PromptTemplate } from "../schemas/template.js";
import { attemptStatuses, requestStatusSchema, snippetUseSchema, usageSchema } from "../schemas/log-record.js";
import { keyRoleSchema } from "./api-v1-requests.js";

/**
 * The answers of `/api/v1` and `/api/session` (decision 0015), as clients
 * read them. Every object is loose, so a newer server's extra fields pass
 * through an older client; a field of the wrong type is an
 * `UnexpectedResponseError` naming the route and the field (`readAnswer`).
 * The server's tests parse its real answers with these schemas, and the
 * OpenAPI document lists them, so the three cannot drift.
 */

const int = z.number().int();
const timestamp = z.string();
const nullableString = z.string().nullable();

/**
 * A stored template, read shallowly: its kind and the list of parts. The
 * registry validated it in full at publish; checking it again here would fill
 * in defaults (a pulled file would change) and refuse content types a newer
 * server knows.
 */
export const templateAnswer = z.union([
  z.looseObject({ type: z.literal("chat"), messages: z.array(z.looseObject({ role: z.string() })) }),
  z.looseObject({ type: z.literal("completion"), content: z.array(z.looseObject({ type: z.string() })) }),
]) as unknown as z.ZodType<PromptTemplate>;

/** A version's metadata (`model`, …), read as an object; its fields are the template's business. */
export const metadataAnswer = z.record(z.string(), z.unknown()) as unknown as z.ZodType<TemplateMetadata>;

/** A prompt (`GET /api/v1/prompts/{name}`'s `prompt`). */
export const promptAnswer = z.looseObject({
  id: int,
  name: z.string(),
  tags: z.array(z.string()),
  latest_version: int,
  created_at: timestamp,
  updated_at: timestamp,
  /** Set while archived: it can't run or take versions (older servers leave it out). */
  archived_at: timestamp.nullable().optional(),
});
export type PromptAnswer = z.infer<typeof promptAnswer>;

/** One stored version. */
export const versionAnswer = z.looseObject({
  id: int,
  prompt_id: int,
  prompt_name: z.string(),
  version: int,
  prompt_template: templateAnswer,
  metadata: metadataAnswer,
  commit_message: nullableString,
  author_key_id: int.nullable(),
  created_at: timestamp,
  /** With `expand_snippets=true`: the snippet versions expanded into `prompt_template` (decision 0009). */
  snippets: z.array(snippetUseSchema.loose()).optional(),
});
export type VersionAnswer = z.infer<typeof versionAnswer>;

const splitEntryAnswer = z.looseObject({ version: int, weight: z.number() });
const segmentAnswer = z.looseObject({ metadata: z.record(z.string(), z.string()), version: int });
export const labelRoutingAnswer = z.looseObject({
  split: z.array(splitEntryAnswer),
  sticky_by: nullableString,
  segments: z.array(segmentAnswer),
});
export type LabelRoutingAnswer = z.infer<typeof labelRoutingAnswer>;

/** A stored release label, as `GET /api/v1/prompts/{name}` and publish return the record. */
export const labelRecordAnswer = z.looseObject({
  id: int,
  name: z.string(),
  prompt_version_id: int,
  prompt_version_number: int,
  routing: labelRoutingAnswer.nullable().optional(),
  created_at: timestamp,
  updated_at: timestamp,
});

export type LabelRecordAnswer = z.infer<typeof labelRecordAnswer>;

/**
 * A label as the label routes show it: `version` for a plain label, else
 * `split`, `sticky_by` and `segments` (decision 0008).
 */
export const labelAnswer = z.looseObject({
  id: int,
  name: z.string(),
  prompt_version_number: int,
  version: int.optional(),
  split: z.array(splitEntryAnswer).optional(),
  sticky_by: nullableString.optional(),
  segments: z.array(segmentAnswer).optional(),
  created_at: timestamp,
  updated_at: timestamp,
});
export type LabelAnswer = z.infer<typeof labelAnswer>;

/** `GET /api/v1/prompts`: a page of prompts, each with its newest (or labelled) version. */
export const promptListAnswer = z.looseObject({
  items: z.array(
    promptAnswer.extend({
      version: versionAnswer,
      labels: z.array(z.looseObject({ id: int, name: z.string(), version: int })),
      last_used_at: timestamp.nullable(),
      request_count: int,
    }),
  ),
  page: int,
  per_page: int,
  total: int,
  pages: int,
});
export type PromptListAnswer = z.infer<typeof promptListAnswer>;
export type PromptListItemAnswer = PromptListAnswer["items"][number];

/** `POST /api/v1/prompts`. */
export const publishAnswer = z.looseObject({
  /** False when `skip_if_unchanged` found the newest version identical. */
  created: z.boolean(),
  prompt: promptAnswer,
  version: versionAnswer,
  labels: z.array(labelRecordAnswer),
});
export type PublishAnswer = z.infer<typeof publishAnswer>;

/** `GET /api/v1/prompts/{name}`. */
export const promptDetailAnswer = z.looseObject({
  prompt: promptAnswer,
  versions: z.array(versionAnswer),
  labels: z.array(labelRecordAnswer),
});
export type PromptDetailAnswer = z.infer<typeof promptDetailAnswer>;

/** `POST /api/v1/prompts/{name}/archive` and `…/unarchive`. */
export const archiveAnswer = z.looseObject({ prompt: promptAnswer });
export type ArchiveAnswer = z.infer<typeof archiveAnswer>;

/** `GET /api/v1/prompts/{name}/versions`. */
export const versionListAnswer = z.looseObject({ items: z.array(versionAnswer) });

/** `GET /api/v1/prompts/{name}/template`: one version; by a split label, its definition and every version it names. */
export const templateAnswerBody = z.looseObject({
  prompt: promptAnswer,
  version: versionAnswer,
  labels: z.array(z.string()),
  /** The workspace's registry revision read before the version (decision 0008). */
  registry_revision: int.optional(),
  label: z
    .looseObject({
      name: z.string(),
      split: z.array(splitEntryAnswer),
      sticky_by: nullableString.optional(),
      segments: z.array(segmentAnswer).nullable().optional(),
    })
    .optional(),
  versions: z.array(versionAnswer).optional(),
});
export type TemplateAnswer = z.infer<typeof templateAnswerBody>;

/** `GET /api/v1/prompts/{name}/diff`. */
export const diffAnswer = z.looseObject({
  from: versionAnswer,
  to: versionAnswer,
  changes: z.array(z.unknown()),
});

/** `GET /api/v1/prompts/{name}/labels`. */
export const labelListAnswer = z.looseObject({ items: z.array(labelAnswer) });

/** One move of a label (`GET /api/v1/prompts/{name}/labels/history`). */
export const labelMoveAnswer = z.looseObject({
  id: int,
  label_name: z.string(),
  /** Null when the label was created. */
  from_version: int.nullable(),
  /** Null when the label was deleted. */
  to_version: int.nullable(),
  from_routing: labelRoutingAnswer.nullable(),
  to_routing: labelRoutingAnswer.nullable(),
  actor_key_id: int.nullable(),
  actor_key_name: nullableString.optional(),
  created_at: timestamp,
});
export type LabelMoveAnswer = z.infer<typeof labelMoveAnswer>;
export const labelHistoryAnswer = z.looseObject({ items: z.array(labelMoveAnswer) });

/** One version a label served (`GET /api/v1/prompts/{name}/labels/{label}/compare`). */
export const versionComparisonAnswer = z.looseObject({
  version: int,
  requests: int,
  errors: int,
  error_rate: z.number(),
  p50_latency_ms: z.number().nullable(),
  p95_latency_ms: z.number().nullable(),
  input_tokens: z.number(),
  output_tokens: z.number(),
  cost_usd: z.number(),
  mean_score: z.number().nullable(),
});
export type VersionComparisonAnswer = z.infer<typeof versionComparisonAnswer>;
export const labelCompareAnswer = z.looseObject({ items: z.array(versionComparisonAnswer) });

/** `GET /api/v1/registry/revision`. */
export const registryRevisionAnswer = z.looseObject({ revision: int });

export const attemptAnswer = z.looseObject({
  provider: z.string(),
  model: z.string(),
  status: z.enum(attemptStatuses),
  error_type: nullableString,
  latency_ms: z.number(),
});

/** One logged request (`GET /api/v1/requests/{request_id}`, and the rows of `GET /api/v1/requests`). */
export const requestRowAnswer = z.looseObject({
  id: int,
  request_id: z.string(),
  prompt_name: nullableString,
  prompt_version: int.nullable(),
  prompt_label: nullableString,
  tags: z.array(z.string()),
  metadata: z.record(z.string(), z.string()),
  group_id: int.nullable(),
  input_variables: z.record(z.string(), z.unknown()),
  status: requestStatusSchema,
  provider: z.string(),
  model: z.string(),
  usage: usageSchema.loose().nullable(),
  cost_usd: z.number().nullable(),
  latency_ms: z.number().nullable(),
  request_start_time: timestamp.nullable(),
  request_end_time: timestamp.nullable(),
  request: z.record(z.string(), z.unknown()),
  response: z.unknown(),
  prompt_blueprint: (z.record(z.string(), z.unknown()) as unknown as z.ZodType<PromptBlueprint>).nullable(),
  error_type: nullableString,
  error_message: nullableString,
  /** Absent from servers before migration 0006. */
  warnings: z.array(z.string()).optional(),
  snippets: z.array(snippetUseSchema.loose()).optional(),
  /** Absent from servers before migration 0007. */
  attempts: z.array(attemptAnswer).optional(),
  trace_id: nullableString.optional(),
  span_id: nullableString.optional(),
  created_at: timestamp,
  scores: z.record(z.string(), z.number()),
});
export type RequestRowAnswer = z.infer<typeof requestRowAnswer>;

/** `GET /api/v1/requests`: newest first; `next_cursor` null on the last page. */
export const requestPageAnswer = z.looseObject({ items: z.array(requestRowAnswer), next_cursor: nullableString });
export type RequestPageAnswer = z.infer<typeof requestPageAnswer>;

/** `POST /api/v1/requests:batch`: one result per record, in order. */
export const batchAnswer = z.looseObject({
  results: z.array(z.looseObject({ request_id: z.string(), id: int, created: z.boolean() })),
  accepted: int.optional(),
  duplicates: int.optional(),
});
export type BatchAnswer = z.infer<typeof batchAnswer>;

/** `GET /api/v1/requests/stats`: one bucket per time slot with requests (UTC). */
export const statsBucketAnswer = z.looseObject({
  start: timestamp,
  count: int,
  errors: int,
  avg_latency_ms: z.number().nullable(),
  cost_usd: z.number(),
  input_tokens: z.number(),
  output_tokens: z.number(),
});
export type StatsBucketAnswer = z.infer<typeof statsBucketAnswer>;
export const requestStatsAnswer = z.looseObject({ bucket: z.string(), buckets: z.array(statsBucketAnswer) });

/** The track routes of `/api/v1/requests/{request_id}/…`. */
export const successAnswer = z.looseObject({ success: z.boolean() });

/** `POST /api/v1/groups`. */
export const groupAnswer = z.looseObject({ id: int, created_at: timestamp });

/** When a span or a trace ran: ISO-8601 (milliseconds), and the exact nanoseconds since the epoch as decimal text. */
const timeRangeAnswer = {
  start_time: timestamp,
  end_time: timestamp,
  start_time_unix_nano: z.string(),
  end_time_unix_nano: z.string(),
};

/** `GET /api/v1/traces`: one row per trace, newest first. */
export const traceSummaryAnswer = z.looseObject({
  trace_id: z.string(),
  root_span_name: z.string(),
  ...timeRangeAnswer,
  span_count: int,
  request_count: int,
});
export type TraceSummaryAnswer = z.infer<typeof traceSummaryAnswer>;
export const traceListAnswer = z.looseObject({ traces: z.array(traceSummaryAnswer), next_cursor: nullableString });

/** One span of `GET /api/v1/traces/{trace_id}`. */
export const spanAnswer = z.looseObject({
  span_id: z.string(),
  parent_span_id: nullableString,
  name: z.string(),
  kind: z.string(),
  ...timeRangeAnswer,
  duration_ms: z.number(),
  status: z.looseObject({ code: z.enum(["UNSET", "OK", "ERROR"]), message: nullableString }),
  attributes: z.record(z.string(), z.unknown()),
  events: z.array(z.looseObject({ name: z.string(), time_unix_nano: z.string(), attributes: z.record(z.string(), z.unknown()) })),
  resource: z.record(z.string(), z.unknown()),
});
export type SpanAnswer = z.infer<typeof spanAnswer>;
export const traceAnswer = z.looseObject({
  trace_id: z.string(),
  spans: z.array(spanAnswer),
  /** The logged requests that ran in the trace, by the span they ran in. */
  requests: z.array(z.looseObject({ id: int, request_id: z.string(), span_id: nullableString })),
});
export type TraceAnswer = z.infer<typeof traceAnswer>;

/** `GET`, `PUT` and `DELETE /api/v1/protected-labels…`: the names protected now. */
export const protectedLabelsAnswer = z.looseObject({ labels: z.array(z.string()) });

/** `GET` and `PUT /api/v1/workspace/retention`: the retention the sweep applies, and where it comes from (decision 0018). */
export const retentionAnswer = z.looseObject({
  /** Null: kept forever. */
  days: int.nullable(),
  source: z.enum(["workspace", "server", "none"]),
  workspace_days: int.nullable(),
  server_days: int.nullable(),
});
export type RetentionAnswer = z.infer<typeof retentionAnswer>;

/** An API key as `GET /api/v1/keys` lists it (never the key itself). */
export const apiKeyAnswer = z.looseObject({
  id: int,
  name: nullableString,
  /** The first characters of the key, to recognise it in a list. */
  prefix: z.string(),
  /** Absent from servers before roles (then `admin` tells). */
  role: keyRoleSchema.optional(),
  admin: z.boolean(),
  created_at: timestamp,
  revoked_at: timestamp.nullable(),
  last_used_at: timestamp.nullable().optional(),
});
export type ApiKeyAnswer = z.infer<typeof apiKeyAnswer>;
export const apiKeyListAnswer = z.looseObject({ items: z.array(apiKeyAnswer) });
/** `POST /api/v1/keys`: the new key's record and, once, the key. */
export const createdKeyAnswer = apiKeyAnswer.extend({ key: z.string() });
export type CreatedKeyAnswer = z.infer<typeof createdKeyAnswer>;

/** `GET` and `POST /api/session`: the dashboard's signed-in key. */
export const sessionAnswer = z.looseObject({
  key: z.looseObject({ id: int, name: nullableString, prefix: z.string(), admin: z.boolean(), role: keyRoleSchema.optional() }),
  workspace_id: int,
});
export type SessionAnswer = z.infer<typeof sessionAnswer>;
