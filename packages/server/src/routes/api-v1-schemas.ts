import {
  inputLimits,
  inputVariablesSchema,
  labelNameSchema,
  labelSplitSchema,
  logMetadataSchema,
  logRecordSchema,
  promptTemplateSchema,
  requestStatusSchema,
  setLabelBodySchema,
  tagsSchema,
  templateMetadataSchema,
} from "@promptline/core";
import { z } from "zod";
import { maxRetentionDays } from "../storage/repositories/retention-repository.js";

/**
 * The request schemas of `/api/v1`: the routes validate with them and the
 * OpenAPI document is generated from them, so the two cannot drift.
 * Bodies written by people (publish, labels, keys, track) refuse unknown
 * fields, so a typo (`release_label`) is a 400 rather than silently ignored;
 * log records stay lenient so an older server accepts a newer SDK's batches.
 */

/**
 * A prompt name: any text but `.` and `..`, which URL parsers resolve away as
 * path segments (`/prompt-templates/..`), so such a prompt could never be
 * fetched; and without line breaks, which PromptLayer's template route
 * (`{.+}`) can't match.
 */
export const promptNameSchema = z
  .string()
  .min(1)
  .max(inputLimits.promptNameLength)
  .refine((value) => value !== "." && value !== "..", { message: 'A prompt name cannot be "." or "..": URLs would lose it.' })
  .refine((value) => !/[\n\r\u2028\u2029]/.test(value), { message: "A prompt name cannot contain a line break: PromptLayer's SDK could not fetch it." });
const name = promptNameSchema;

export const publishPromptBody = z.strictObject({
  prompt_name: name,
  prompt_template: promptTemplateSchema,
  metadata: templateMetadataSchema.nullish(),
  tags: tagsSchema.nullish(),
  commit_message: z.string().max(inputLimits.commitMessageLength).nullish(),
  release_labels: z.array(labelNameSchema).max(inputLimits.releaseLabelsPerPublish).nullish(),
  /** Return the newest version instead of creating one when nothing changed (`promptline push`). */
  skip_if_unchanged: z.boolean().optional(),
});

export const listPromptsQuery = z.object({
  search: z.string().max(512).optional(),
  label: z.string().min(1).optional(),
  tag: z.string().min(1).optional(),
  page: z.coerce.number().int().positive().default(1),
  per_page: z.coerce.number().int().positive().max(100).default(30),
});

export const versionSelectorQuery = z.object({
  version: z.coerce.number().int().positive().optional(),
  label: z.string().min(1).optional(),
});

/** The SDK's template fetch: `expand_snippets=true` returns the template with its snippets expanded, and which versions they were (decision 0009). */
export const templateQuery = versionSelectorQuery.extend({
  expand_snippets: z.enum(["true", "false"]).optional(),
});

export const diffQuery = z.object({
  from: z.coerce.number().int().positive(),
  to: z.coerce.number().int().positive(),
});

export const setLabelBody = z.strictObject({ version: z.number().int().positive() });
/** A split or segmented label (decision 0008): chosen when the body has `split`, so a mistake names its field. */
export const setLabelSplitBody = labelSplitSchema;

export const listRequestsQuery = z.object({
  prompt: z.string().min(1).optional(),
  version: z.coerce.number().int().positive().optional(),
  label: z.string().min(1).optional(),
  /** Repeat `tag=` for several; every tag must be present. */
  tag: z.union([z.string(), z.array(z.string())]).optional(),
  /** `key:value`, repeatable; every pair must match. */
  metadata: z.union([z.string(), z.array(z.string())]).optional(),
  status: requestStatusSchema.optional(),
  provider: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  group_id: z.coerce.number().int().optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().positive().max(500).default(50),
});

export const listTracesQuery = z.object({
  /** Traces that started at or after this instant. */
  since: z.iso.datetime({ offset: true }).optional(),
  /** Traces that started before this instant. */
  until: z.iso.datetime({ offset: true }).optional(),
  /** Substring of any span's name in the trace (case-insensitive, `%` and `_` literal). */
  name: z.string().min(1).max(200).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().positive().max(500).default(50),
});

export const labelCompareQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

export const registryRevisionQuery = z.object({
  /** The revision the caller has: the answer waits until the revision differs. */
  after: z.coerce.number().int().min(0).optional(),
  /** How long to hold the request when nothing changes. */
  timeout_ms: z.coerce.number().int().min(0).max(120_000).default(25_000),
});

export const batchRequestsBody = z.object({
  records: z.array(logRecordSchema).min(1).max(1000),
});

export const keyRoleSchema = z.enum(["runner", "editor", "deployer", "admin"]);

/** `role`, or the older `admin: true` (an alias of `role: "admin"`); a key with neither is a deployer. */
export const createKeyBody = z
  .strictObject({
    name: z.string().max(256).nullish(),
    role: keyRoleSchema.optional(),
    admin: z.boolean().optional(),
  })
  .refine((body) => !(body.admin === true && body.role !== undefined && body.role !== "admin"), {
    message: 'admin: true is the role "admin": send one of role and admin, not both.',
    path: ["role"],
  });

/** A label name in `/protected-labels/{label}`: what a release label may be called. */
export const protectedLabelParam = z.string().min(1).max(256);

export const trackMetadataBody = z.strictObject({ metadata: logMetadataSchema });
export const trackScoreBody = z.strictObject({ score: z.number().min(0).max(100), name: z.string().min(1).nullish() });
export const trackPromptBody = z.strictObject({
  prompt_name: name,
  version: z.number().int().positive().nullish(),
  label: labelNameSchema.nullish(),
  input_variables: inputVariablesSchema.nullish(),
});
export const trackGroupBody = z.strictObject({ group_id: z.number().int() });

export interface OperationSpec {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** OpenAPI path template. */
  path: string;
  summary: string;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Status of success. */
  status?: number;
}

/** A workspace's own retention: whole days, or null to follow the server's default (decision 0018). */
export const setRetentionBody = z.strictObject({
  days: z.number().int().min(1).max(maxRetentionDays).nullable(),
});

export const apiV1Operations: OperationSpec[] = [
  { method: "get", path: "/api/v1/openapi.json", summary: "This document (no key needed)" },
  { method: "get", path: "/api/v1/prompts", summary: "List prompts with their latest version, labels, last use and request count", query: listPromptsQuery },
  { method: "post", path: "/api/v1/prompts", summary: "Publish a new version of a prompt (created when new)", body: publishPromptBody, status: 201 },
  { method: "get", path: "/api/v1/prompts/{name}", summary: "A prompt with its versions and labels" },
  { method: "get", path: "/api/v1/prompts/{name}/versions", summary: "A prompt's versions, newest first" },
  { method: "get", path: "/api/v1/prompts/{name}/template", summary: "One version, unrendered, by number, label or latest (the SDK's cache fetch; with expand_snippets=true, snippets expanded and listed in `snippets`)", query: templateQuery },
  { method: "get", path: "/api/v1/prompts/{name}/diff", summary: "Two versions side by side with the list of changed fields", query: diffQuery },
  { method: "get", path: "/api/v1/prompts/{name}/labels", summary: "A prompt's release labels" },
  { method: "get", path: "/api/v1/prompts/{name}/labels/history", summary: "Every move of a prompt's labels: who moved which label from which version to which, when" },
  {
    method: "put",
    path: "/api/v1/prompts/{name}/labels/{label}",
    summary: "Create or move a release label to one version, or make it a weighted split (sticky_by a metadata key) with metadata segments tried first (atomic, recorded in history)",
    body: setLabelBodySchema,
  },
  { method: "post", path: "/api/v1/prompts/{name}/labels/{label}/rollback", summary: "Put a label back where it pointed before its last move (version or split)" },
  { method: "get", path: "/api/v1/prompts/{name}/labels/{label}/compare", summary: "Per version a label served: requests, error rate, p50/p95 latency, tokens, cost, mean score, over a time range", query: labelCompareQuery },
  {
    method: "get",
    path: "/api/v1/registry/revision",
    summary: "The workspace's registry revision; with after=N, held until it differs from N or timeout_ms passes (long poll: the SDK's cache invalidation)",
    query: registryRevisionQuery,
  },
  { method: "delete", path: "/api/v1/prompts/{name}/labels/{label}", summary: "Delete a release label", status: 204 },
  { method: "get", path: "/api/v1/requests", summary: "Query the request log, newest first, with cursor pagination", query: listRequestsQuery },
  { method: "get", path: "/api/v1/requests/{request_id}", summary: "One logged request" },
  { method: "post", path: "/api/v1/requests:batch", summary: "Ingest log records, idempotent on request_id", body: batchRequestsBody },
  { method: "post", path: "/api/v1/requests/{request_id}/metadata", summary: "Merge metadata into a request", body: trackMetadataBody },
  { method: "post", path: "/api/v1/requests/{request_id}/score", summary: "Score a request (0-100)", body: trackScoreBody },
  { method: "post", path: "/api/v1/requests/{request_id}/prompt", summary: "Link a request to a prompt version", body: trackPromptBody },
  { method: "post", path: "/api/v1/requests/{request_id}/group", summary: "Put a request in a group", body: trackGroupBody },
  { method: "post", path: "/api/v1/groups", summary: "Create a group", status: 201 },
  { method: "get", path: "/api/v1/traces", summary: "The workspace's traces, newest first: root span name, start/end, span and request counts; `name` matches any span's name", query: listTracesQuery },
  { method: "get", path: "/api/v1/traces/{trace_id}", summary: "A trace's spans (from /v1/traces and /spans-bulk), by start time, and the logged requests that ran in it" },
  // The dashboard's routes (dashboard-routes.ts validates them with its own schemas).
  { method: "get", path: "/api/v1/requests/stats", summary: "Request counts, errors, tokens and cost per time bucket (the dashboard's charts)" },
  { method: "post", path: "/api/v1/playground/run", summary: "Run a prompt from the dashboard's playground, streamed as server-sent events" },
  { method: "get", path: "/api/v1/protected-labels", summary: "The label names this workspace protects: {labels: [...]}" },
  { method: "put", path: "/api/v1/protected-labels/{label}", summary: "Protect a label name: moving, deleting or publishing onto it needs a deployer or admin key (admin)" },
  { method: "delete", path: "/api/v1/protected-labels/{label}", summary: "Stop protecting a label name (admin)" },
  {
    method: "get",
    path: "/api/v1/workspace/retention",
    summary: "How long the workspace keeps its request log and spans: {days (null: forever), source (workspace, server or none), workspace_days, server_days}",
  },
  {
    method: "put",
    path: "/api/v1/workspace/retention",
    summary: "Set the workspace's own retention in days (1-36500), or null to follow the server's --retention-days; older records are deleted in the background (admin)",
    body: setRetentionBody,
  },
  { method: "get", path: "/api/v1/keys", summary: "List API keys with their roles (admin)" },
  { method: "post", path: "/api/v1/keys", summary: "Create an API key with a role (runner, editor, deployer, admin); the key is shown once (admin)", body: createKeyBody, status: 201 },
  { method: "delete", path: "/api/v1/keys/{id}", summary: "Revoke an API key, at once (admin)", status: 204 },
];
