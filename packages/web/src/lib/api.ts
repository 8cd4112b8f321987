import type { PromptBlueprint, PromptTemplate, TemplateMetadata, Usage } from "@promptline/core";

/**
 * The dashboard's only way to the server: same-origin `fetch` with the
 * session cookie. Every write carries the CSRF header the server requires of
 * cookie-authenticated writes.
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

export async function request<T>(method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<T> {
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
  if (response.status === 204) return undefined as T;
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
  return json as T;
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

// ── shapes of /api ───────────────────────────────────────────────────────

/** A key's role (DESIGN.md, "Roles"). */
export type KeyRole = "runner" | "editor" | "deployer" | "admin";

export interface Session {
  /** `role` is absent from servers before roles (then `admin` tells). */
  key: { id: number; name: string | null; prefix: string; admin: boolean; role?: KeyRole };
  workspace_id: number;
}

export interface ApiKey {
  id: number;
  name: string | null;
  prefix: string;
  role?: KeyRole;
  admin: boolean;
  created_at: string;
  revoked_at: string | null;
  /** When the key last authenticated a request, if the server tracks it. */
  last_used_at?: string | null;
}

export interface Version {
  id: number;
  prompt_id: number;
  prompt_name: string;
  version: number;
  prompt_template: PromptTemplate;
  metadata: TemplateMetadata;
  commit_message: string | null;
  author_key_id: number | null;
  created_at: string;
}

export interface Prompt {
  id: number;
  name: string;
  tags: string[];
  latest_version: number;
  created_at: string;
  updated_at: string;
  /** Set while archived: it can't run or take versions. */
  archived_at?: string | null;
}

export interface PromptListItem extends Prompt {
  version: Version;
  labels: Array<{ id: number; name: string; version: number }>;
  last_used_at: string | null;
  request_count: number;
}

export interface SplitEntry {
  version: number;
  weight: number;
}

export interface LabelSegment {
  metadata: Record<string, string>;
  version: number;
}

/** A label points at one version (`version`), or splits runs between versions (decision 0008). */
export interface Label {
  id: number;
  name: string;
  prompt_version_number: number;
  version?: number;
  split?: SplitEntry[];
  sticky_by?: string | null;
  segments?: LabelSegment[];
  /** The stored routing, as `GET /api/v1/prompts/{name}` returns the record (null for a plain label). */
  routing?: { split: SplitEntry[]; sticky_by: string | null; segments: LabelSegment[] } | null;
  created_at: string;
  updated_at: string;
}

/** One version a label served, from the request log. */
export interface VersionComparison {
  version: number;
  requests: number;
  errors: number;
  error_rate: number;
  p50_latency_ms: number | null;
  p95_latency_ms: number | null;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  mean_score: number | null;
}

export interface LabelMove {
  id: number;
  label_name: string;
  from_version: number | null;
  to_version: number | null;
  actor_key_id: number | null;
  /** The moving key's name (servers with roles), for the history. */
  actor_key_name?: string | null;
  created_at: string;
}

export interface RequestRow {
  id: number;
  request_id: string;
  prompt_name: string | null;
  prompt_version: number | null;
  prompt_label: string | null;
  tags: string[];
  metadata: Record<string, string>;
  group_id: number | null;
  input_variables: Record<string, unknown>;
  status: "SUCCESS" | "ERROR" | "CANCELLED";
  provider: string;
  model: string;
  usage: Usage | null;
  cost_usd: number | null;
  latency_ms: number | null;
  request_start_time: string | null;
  request_end_time: string | null;
  request: Record<string, unknown>;
  response: unknown;
  prompt_blueprint: PromptBlueprint | null;
  error_type: string | null;
  error_message: string | null;
  /** What the run changed or dropped on the way (absent from servers before migration 0006). */
  warnings?: string[];
  /** The snippet versions the template was expanded with. */
  snippets?: { name: string; version: number }[];
  /** Each provider call of a run with fallbacks, in order (absent from servers before migration 0007). */
  attempts?: RequestAttempt[];
  /** The OpenTelemetry trace and span the request ran in, when known (migration 0009). */
  trace_id?: string | null;
  span_id?: string | null;
  created_at: string;
  scores: Record<string, number>;
}

/** One span of `GET /api/v1/traces/{trace_id}`. */
export interface TraceSpan {
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: string;
  start_time: string;
  end_time: string;
  start_time_unix_nano: string;
  end_time_unix_nano: string;
  duration_ms: number;
  status: { code: "UNSET" | "OK" | "ERROR"; message: string | null };
  attributes: Record<string, unknown>;
  events: { name: string; time_unix_nano: string; attributes: Record<string, unknown> }[];
  resource: Record<string, unknown>;
}

export interface TraceView {
  trace_id: string;
  spans: TraceSpan[];
  /** The logged requests that ran in the trace, by the span they ran in. */
  requests: { id: number; request_id: string; span_id: string | null }[];
}

/** One trace of `GET /api/v1/traces`. */
export interface TraceSummary {
  trace_id: string;
  root_span_name: string;
  start_time: string;
  end_time: string;
  start_time_unix_nano: string;
  end_time_unix_nano: string;
  span_count: number;
  request_count: number;
}

export interface RequestAttempt {
  provider: string;
  model: string;
  status: "SUCCESS" | "ERROR" | "CANCELLED" | "SKIPPED";
  error_type: string | null;
  latency_ms: number;
}

export interface StatsBucket {
  start: string;
  count: number;
  errors: number;
  avg_latency_ms: number | null;
  cost_usd: number;
  input_tokens: number;
  output_tokens: number;
}

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

/** How long the workspace keeps its request log and spans (`/api/v1/workspace/retention`). */
export interface Retention {
  /** Null: kept forever. */
  days: number | null;
  source: "workspace" | "server" | "none";
  workspace_days: number | null;
  server_days: number | null;
}

export const api = {
  session: () => request<Session>("GET", "/api/session"),
  signIn: (apiKey: string) => request<Session>("POST", "/api/session", { api_key: apiKey }),
  signOut: () => request<void>("DELETE", "/api/session"),

  prompts: (params: { search?: string; page?: number; per_page?: number; archived?: boolean }) =>
    request<{ items: PromptListItem[]; total: number; page: number; pages: number }>(
      "GET",
      `/api/v1/prompts${query({ ...params, archived: params.archived ? "true" : undefined })}`,
    ),
  prompt: (name: string) =>
    request<{ prompt: Prompt; versions: Version[]; labels: Label[] }>("GET", `/api/v1/prompts/${encodeURIComponent(name)}`),
  template: (name: string, selector: { version?: number; label?: string }) =>
    request<{ prompt: Prompt; version: Version; labels: string[] }>("GET", `/api/v1/prompts/${encodeURIComponent(name)}/template${query(selector)}`),
  setArchived: (name: string, archived: boolean) =>
    request<{ prompt: Prompt }>("POST", `/api/v1/prompts/${encodeURIComponent(name)}/${archived ? "archive" : "unarchive"}`),
  labelHistory: (name: string) => request<{ items: LabelMove[] }>("GET", `/api/v1/prompts/${encodeURIComponent(name)}/labels/history`),
  setLabel: (name: string, label: string, version: number) =>
    request<Label>("PUT", `/api/v1/prompts/${encodeURIComponent(name)}/labels/${encodeURIComponent(label)}`, { version }),
  labels: (name: string) => request<{ items: Label[] }>("GET", `/api/v1/prompts/${encodeURIComponent(name)}/labels`),
  setLabelSplit: (name: string, label: string, body: { split: SplitEntry[]; sticky_by?: string | null; segments?: LabelSegment[] }) =>
    request<Label>("PUT", `/api/v1/prompts/${encodeURIComponent(name)}/labels/${encodeURIComponent(label)}`, body),
  rollbackLabel: (name: string, label: string) =>
    request<Label>("POST", `/api/v1/prompts/${encodeURIComponent(name)}/labels/${encodeURIComponent(label)}/rollback`, {}),
  compareLabel: (name: string, label: string, range: { from?: string }) =>
    request<{ items: VersionComparison[] }>("GET", `/api/v1/prompts/${encodeURIComponent(name)}/labels/${encodeURIComponent(label)}/compare${query(range)}`),
  publish: (body: { prompt_name: string; prompt_template: PromptTemplate; metadata: TemplateMetadata; commit_message?: string; release_labels?: string[] }) =>
    request<{ created: boolean; prompt: Prompt; version: Version }>("POST", "/api/v1/prompts", body),

  keys: () => request<{ items: ApiKey[] }>("GET", "/api/v1/keys"),
  createKey: (body: { name?: string; role: KeyRole }) => request<ApiKey & { key: string }>("POST", "/api/v1/keys", body),
  revokeKey: (id: number) => request<void>("DELETE", `/api/v1/keys/${id}`),
  protectedLabels: () => request<{ labels: string[] }>("GET", "/api/v1/protected-labels"),
  protectLabel: (label: string) => request<{ labels: string[] }>("PUT", `/api/v1/protected-labels/${encodeURIComponent(label)}`),
  retention: () => request<Retention>("GET", "/api/v1/workspace/retention"),
  setRetention: (days: number | null) => request<Retention>("PUT", "/api/v1/workspace/retention", { days }),
  unprotectLabel: (label: string) => request<{ labels: string[] }>("DELETE", `/api/v1/protected-labels/${encodeURIComponent(label)}`),

  requests: (filters: RequestFilters & { cursor?: string; limit?: number }) =>
    request<{ items: RequestRow[]; next_cursor: string | null }>("GET", `/api/v1/requests${query({ ...filters })}`),
  requestDetail: (id: string) => request<RequestRow>("GET", `/api/v1/requests/${encodeURIComponent(id)}`),
  traces: (params: { since?: string; until?: string; name?: string; cursor?: string; limit?: number }) =>
    request<{ traces: TraceSummary[]; next_cursor: string | null }>("GET", `/api/v1/traces${query(params)}`),
  trace: (traceId: string) => request<TraceView>("GET", `/api/v1/traces/${encodeURIComponent(traceId)}`),
  stats: (filters: RequestFilters & { bucket: string }) =>
    request<{ bucket: string; buckets: StatsBucket[] }>("GET", `/api/v1/requests/stats${query({ ...filters })}`),
};
