import type { PromptTemplate, TemplateMetadata } from "@promptline/core";
import * as wire from "@promptline/core/wire";
import type { KeyRole, LabelAnswer, LabelRecordAnswer, LabelRoutingAnswer, RequestRowAnswer } from "@promptline/core/wire";
import type { z } from "zod";

/**
 * The dashboard's only way to the server: same-origin `fetch` with the
 * session cookie. Every write carries the CSRF header the server requires of
 * cookie-authenticated writes. Answers are read through the wire contract
 * (`@promptline/core/wire`, decision 0015): unknown fields pass, a wrong one
 * is an `ApiError` naming the route and the field.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Field-level problems (`path: message`) from the server's validation. */
    readonly issues: string[] = [],
  ) {
    super(message);
  }
}

/** `fetch` that turns a failure to connect into an `ApiError` with status 0 that says so (the browser's own text is "Failed to fetch"). */
export async function reach(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, init);
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw new ApiError(0, "The Promptline server did not answer: the connection was refused or dropped. Is `promptline serve` still running?");
  }
}

/** One call; `answer` is the route's wire schema (none for a 204), `route` names it in an error. */
export async function request<Answer extends z.ZodType>(
  method: string,
  path: string,
  answer: { schema: Answer; route: string } | undefined,
  body?: unknown,
  init: RequestInit = {},
): Promise<z.output<Answer>> {
  const response = await reach(path, {
    method,
    credentials: "same-origin",
    headers: {
      accept: "application/json",
      ...(method !== "GET" && { "x-promptline-csrf": "1" }),
      ...(body !== undefined && { "content-type": "application/json" }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    ...init,
  });
  if (response.status === 204) return undefined as z.output<Answer>;
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: a proxy's error page, say.
  }
  if (!response.ok) {
    const error = (json as { message?: string; error?: { issues?: unknown; fields?: unknown } } | undefined) ?? {};
    const issues = Array.isArray(error.error?.issues) ? (error.error.issues as string[]) : Array.isArray(error.error?.fields) ? (error.error.fields as string[]) : [];
    throw new ApiError(response.status, error.message ?? `The server answered ${response.status}.`, issues);
  }
  if (!answer) return undefined as z.output<Answer>;
  try {
    return wire.readAnswer(answer.schema, answer.route, json);
  } catch (error) {
    if (error instanceof wire.UnexpectedResponseError) throw new ApiError(response.status, error.message, [...error.issues]);
    throw error;
  }
}

export const query = (params: Record<string, string | number | undefined | null | string[]>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === "") continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
};

// ── shapes of /api: the wire contract's (decision 0015) ──────────────────

export type {
  ApiKeyAnswer as ApiKey,
  KeyRole,
  LabelMoveAnswer as LabelMove,
  PromptAnswer as Prompt,
  PromptListItemAnswer as PromptListItem,
  RequestRowAnswer as RequestRow,
  RetentionAnswer as Retention,
  SessionAnswer as Session,
  SpanAnswer as TraceSpan,
  StatsBucketAnswer as StatsBucket,
  TraceAnswer as TraceView,
  TraceSummaryAnswer as TraceSummary,
  VersionAnswer as Version,
  VersionComparisonAnswer as VersionComparison,
} from "@promptline/core/wire";

export type SplitEntry = LabelRoutingAnswer["split"][number];
export type LabelSegment = LabelRoutingAnswer["segments"][number];
export type RequestAttempt = NonNullable<RequestRowAnswer["attempts"]>[number];

/** A label points at one version (`version`), or splits runs between versions (decision 0008); `GET /api/v1/prompts/{name}` gives the stored `routing` instead. */
export type Label = LabelAnswer & Partial<Pick<LabelRecordAnswer, "routing">>;

export interface RequestFilters {
  prompt?: string;
  label?: string;
  tag?: string;
  metadata?: string;
  status?: string;
  provider?: string;
  from?: string;
  to?: string;
}

const promptPath = (name: string) => `/api/v1/prompts/${encodeURIComponent(name)}`;
const labelPath = (name: string, label: string) => `${promptPath(name)}/labels/${encodeURIComponent(label)}`;

export const api = {
  session: () => request("GET", "/api/session", { schema: wire.sessionAnswer, route: "GET /api/session" }),
  signIn: (apiKey: string) => request("POST", "/api/session", { schema: wire.sessionAnswer, route: "POST /api/session" }, { api_key: apiKey }),
  signOut: () => request("DELETE", "/api/session", undefined),

  prompts: (params: { search?: string; page?: number; per_page?: number; archived?: boolean }) =>
    request("GET", `/api/v1/prompts${query({ ...params, archived: params.archived ? "true" : undefined })}`, { schema: wire.promptListAnswer, route: "GET /api/v1/prompts" }),
  prompt: (name: string) => request("GET", promptPath(name), { schema: wire.promptDetailAnswer, route: "GET /api/v1/prompts/{name}" }),
  template: (name: string, selector: { version?: number; label?: string }) =>
    request("GET", `${promptPath(name)}/template${query(selector)}`, { schema: wire.templateAnswerBody, route: "GET /api/v1/prompts/{name}/template" }),
  setArchived: (name: string, archived: boolean) =>
    request("POST", `${promptPath(name)}/${archived ? "archive" : "unarchive"}`, {
      schema: wire.archiveAnswer,
      route: `POST /api/v1/prompts/{name}/${archived ? "archive" : "unarchive"}`,
    }),
  labelHistory: (name: string) => request("GET", `${promptPath(name)}/labels/history`, { schema: wire.labelHistoryAnswer, route: "GET /api/v1/prompts/{name}/labels/history" }),
  setLabel: (name: string, label: string, version: number) =>
    request("PUT", labelPath(name, label), { schema: wire.labelAnswer, route: "PUT /api/v1/prompts/{name}/labels/{label}" }, { version }),
  labels: (name: string) => request("GET", `${promptPath(name)}/labels`, { schema: wire.labelListAnswer, route: "GET /api/v1/prompts/{name}/labels" }),
  setLabelSplit: (name: string, label: string, body: { split: SplitEntry[]; sticky_by?: string | null; segments?: LabelSegment[] }) =>
    request("PUT", labelPath(name, label), { schema: wire.labelAnswer, route: "PUT /api/v1/prompts/{name}/labels/{label}" }, body),
  rollbackLabel: (name: string, label: string) =>
    request("POST", `${labelPath(name, label)}/rollback`, { schema: wire.labelAnswer, route: "POST /api/v1/prompts/{name}/labels/{label}/rollback" }, {}),
  compareLabel: (name: string, label: string, range: { from?: string }) =>
    request("GET", `${labelPath(name, label)}/compare${query(range)}`, { schema: wire.labelCompareAnswer, route: "GET /api/v1/prompts/{name}/labels/{label}/compare" }),
  publish: (body: { prompt_name: string; prompt_template: PromptTemplate; metadata: TemplateMetadata; commit_message?: string; release_labels?: string[] }) =>
    request("POST", "/api/v1/prompts", { schema: wire.publishAnswer, route: "POST /api/v1/prompts" }, body),

  keys: () => request("GET", "/api/v1/keys", { schema: wire.apiKeyListAnswer, route: "GET /api/v1/keys" }),
  createKey: (body: { name?: string; role: KeyRole }) => request("POST", "/api/v1/keys", { schema: wire.createdKeyAnswer, route: "POST /api/v1/keys" }, body),
  revokeKey: (id: number) => request("DELETE", `/api/v1/keys/${id}`, undefined),
  protectedLabels: () => request("GET", "/api/v1/protected-labels", { schema: wire.protectedLabelsAnswer, route: "GET /api/v1/protected-labels" }),
  protectLabel: (label: string) =>
    request("PUT", `/api/v1/protected-labels/${encodeURIComponent(label)}`, { schema: wire.protectedLabelsAnswer, route: "PUT /api/v1/protected-labels/{label}" }),
  retention: () => request("GET", "/api/v1/workspace/retention", { schema: wire.retentionAnswer, route: "GET /api/v1/workspace/retention" }),
  setRetention: (days: number | null) => request("PUT", "/api/v1/workspace/retention", { schema: wire.retentionAnswer, route: "PUT /api/v1/workspace/retention" }, { days }),
  unprotectLabel: (label: string) =>
    request("DELETE", `/api/v1/protected-labels/${encodeURIComponent(label)}`, { schema: wire.protectedLabelsAnswer, route: "DELETE /api/v1/protected-labels/{label}" }),

  requests: (filters: RequestFilters & { cursor?: string; limit?: number }) =>
    request("GET", `/api/v1/requests${query({ ...filters })}`, { schema: wire.requestPageAnswer, route: "GET /api/v1/requests" }),
  requestDetail: (id: string) => request("GET", `/api/v1/requests/${encodeURIComponent(id)}`, { schema: wire.requestRowAnswer, route: "GET /api/v1/requests/{request_id}" }),
  traces: (params: { since?: string; until?: string; name?: string; cursor?: string; limit?: number }) =>
    request("GET", `/api/v1/traces${query(params)}`, { schema: wire.traceListAnswer, route: "GET /api/v1/traces" }),
  trace: (traceId: string) => request("GET", `/api/v1/traces/${encodeURIComponent(traceId)}`, { schema: wire.traceAnswer, route: "GET /api/v1/traces/{trace_id}" }),
  stats: (filters: RequestFilters & { bucket: string }) =>
    request("GET", `/api/v1/requests/stats${query({ ...filters })}`, { schema: wire.requestStatsAnswer, route: "GET /api/v1/requests/stats" }),
};
