import type { z } from "zod";
import * as answer from "./api-v1-answers.js";
import {
  batchRequestsBody,
  createKeyBody,
  diffQuery,
  labelCompareQuery,
  listPromptsQuery,
  listRequestsQuery,
  listTracesQuery,
  playgroundRunBody,
  publishPromptBody,
  setRetentionBody,
  registryRevisionQuery,
  requestStatsQuery,
  templateQuery,
  trackGroupBody,
  trackMetadataBody,
  trackPromptBody,
  trackScoreBody,
} from "./api-v1-requests.js";
import { setLabelBodySchema } from "../rollouts/label-routing.js";

/**
 * Every route of `/api/v1`: its query, body and answer schemas. The server's
 * OpenAPI document is generated from this list (decision 0015).
 */
export interface OperationSpec {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** OpenAPI path template. */
  path: string;
  summary: string;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The answer on success (none for a 204 or a stream). */
  answer?: z.ZodType;
  /** Status of success. */
  status?: number;
}

export const apiV1Operations: OperationSpec[] = [
  { method: "get", path: "/api/v1/openapi.json", summary: "This document (no key needed)" },
  { method: "get", path: "/api/v1/prompts", summary: "List prompts with their latest version, labels, last use and request count", query: listPromptsQuery, answer: answer.promptListAnswer },
  { method: "post", path: "/api/v1/prompts", summary: "Publish a new version of a prompt (created when new)", body: publishPromptBody, status: 201, answer: answer.publishAnswer },
  { method: "get", path: "/api/v1/prompts/{name}", summary: "A prompt with its versions and labels", answer: answer.promptDetailAnswer },
  { method: "get", path: "/api/v1/prompts/{name}/versions", summary: "A prompt's versions, newest first", answer: answer.versionListAnswer },
  { method: "get", path: "/api/v1/prompts/{name}/template", summary: "One version, unrendered, by number, label or latest (the SDK's cache fetch; with expand_snippets=true, snippets expanded and listed in `snippets`)", query: templateQuery, answer: answer.templateAnswerBody },
  { method: "get", path: "/api/v1/prompts/{name}/diff", summary: "Two versions side by side with the list of changed fields", query: diffQuery, answer: answer.diffAnswer },
  { method: "get", path: "/api/v1/prompts/{name}/labels", summary: "A prompt's release labels", answer: answer.labelListAnswer },
  { method: "get", path: "/api/v1/prompts/{name}/labels/history", summary: "Every move of a prompt's labels: who moved which label from which version to which, when", answer: answer.labelHistoryAnswer },
  {
    method: "put",
    path: "/api/v1/prompts/{name}/labels/{label}",
    summary: "Create or move a release label to one version, or make it a weighted split (sticky_by a metadata key) with metadata segments tried first (atomic, recorded in history)",
    body: setLabelBodySchema,
    answer: answer.labelAnswer,
  },
  { method: "post", path: "/api/v1/prompts/{name}/labels/{label}/rollback", summary: "Put a label back where it pointed before its last move (version or split)", answer: answer.labelAnswer },
  {
    method: "post",
    path: "/api/v1/prompts/{name}/archive",
    summary: "Archive a prompt: left out of lists, can't run or take new versions (410 prompt_archived), history kept; a protected label on it needs the deployer role",
    answer: answer.archiveAnswer,
  },
  { method: "post", path: "/api/v1/prompts/{name}/unarchive", summary: "Restore an archived prompt", answer: answer.archiveAnswer },
  { method: "get", path: "/api/v1/prompts/{name}/labels/{label}/compare", summary: "Per version a label served: requests, error rate, p50/p95 latency, tokens, cost, mean score, over a time range", query: labelCompareQuery, answer: answer.labelCompareAnswer },
  {
    method: "get",
    path: "/api/v1/registry/revision",
    summary: "The workspace's registry revision; with after=N, held until it differs from N or timeout_ms passes (long poll: the SDK's cache invalidation)",
    query: registryRevisionQuery,
    answer: answer.registryRevisionAnswer,
  },
  { method: "delete", path: "/api/v1/prompts/{name}/labels/{label}", summary: "Delete a release label", status: 204 },
  { method: "get", path: "/api/v1/requests", summary: "Query the request log, newest first, with cursor pagination", query: listRequestsQuery, answer: answer.requestPageAnswer },
  { method: "get", path: "/api/v1/requests/{request_id}", summary: "One logged request", answer: answer.requestRowAnswer },
  { method: "post", path: "/api/v1/requests:batch", summary: "Ingest log records, idempotent on request_id", body: batchRequestsBody, answer: answer.batchAnswer },
  { method: "post", path: "/api/v1/requests/{request_id}/metadata", summary: "Merge metadata into a request", body: trackMetadataBody, answer: answer.successAnswer },
  { method: "post", path: "/api/v1/requests/{request_id}/score", summary: "Score a request (0-100)", body: trackScoreBody, answer: answer.successAnswer },
  { method: "post", path: "/api/v1/requests/{request_id}/prompt", summary: "Link a request to a prompt version", body: trackPromptBody, answer: answer.successAnswer },
  { method: "post", path: "/api/v1/requests/{request_id}/group", summary: "Put a request in a group", body: trackGroupBody, answer: answer.successAnswer },
  { method: "post", path: "/api/v1/groups", summary: "Create a group", status: 201, answer: answer.groupAnswer },
  { method: "get", path: "/api/v1/traces", summary: "The workspace's traces, newest first: root span name, start/end, span and request counts; `name` matches any span's name", query: listTracesQuery, answer: answer.traceListAnswer },
  { method: "get", path: "/api/v1/traces/{trace_id}", summary: "A trace's spans (from /v1/traces and /spans-bulk), by start time, and the logged requests that ran in it", answer: answer.traceAnswer },
  // The dashboard's routes (dashboard-routes.ts).
  { method: "get", path: "/api/v1/requests/stats", summary: "Request counts, errors, tokens and cost per time bucket (the dashboard's charts)", query: requestStatsQuery, answer: answer.requestStatsAnswer },
  { method: "post", path: "/api/v1/playground/run", summary: "Run a prompt from the dashboard's playground, streamed as server-sent events", body: playgroundRunBody },
  { method: "get", path: "/api/v1/protected-labels", summary: "The label names this workspace protects: {labels: [...]}", answer: answer.protectedLabelsAnswer },
  { method: "put", path: "/api/v1/protected-labels/{label}", summary: "Protect a label name: moving, deleting or publishing onto it needs a deployer or admin key (admin)", answer: answer.protectedLabelsAnswer },
  { method: "delete", path: "/api/v1/protected-labels/{label}", summary: "Stop protecting a label name (admin)", answer: answer.protectedLabelsAnswer },
  {
    method: "get",
    path: "/api/v1/workspace/retention",
    summary: "How long the workspace keeps its request log and spans: {days (null: forever), source (workspace, server or none), workspace_days, server_days}",
    answer: answer.retentionAnswer,
  },
  {
    method: "put",
    path: "/api/v1/workspace/retention",
    summary: "Set the workspace's own retention in days (1-36500), or null to follow the server's --retention-days; older records are deleted in the background (admin)",
    body: setRetentionBody,
    answer: answer.retentionAnswer,
  },
  { method: "get", path: "/api/v1/keys", summary: "List API keys with their roles (admin)", answer: answer.apiKeyListAnswer },
  { method: "post", path: "/api/v1/keys", summary: "Create an API key with a role (runner, editor, deployer, admin); the key is shown once (admin)", body: createKeyBody, status: 201, answer: answer.createdKeyAnswer },
  { method: "delete", path: "/api/v1/keys/{id}", summary: "Revoke an API key, at once (admin)", status: 204 },
];
