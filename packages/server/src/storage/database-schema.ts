import type { Generated } from "kysely";

/**
 * The tables as Kysely sees them. Timestamps are ISO-8601 UTC text
 * (`2025-01-02T03:04:05.678Z`, fixed width, so text order is time order) and
 * JSON is text, on both dialects: the repositories read and write the same
 * values whatever the database. Flags are 0/1 integers for the same reason.
 */
export interface Database {
  workspace: WorkspaceTable;
  api_key: ApiKeyTable;
  prompt: PromptTable;
  prompt_version: PromptVersionTable;
  release_label: ReleaseLabelTable;
  label_history: LabelHistoryTable;
  protected_label: ProtectedLabelTable;
  request_group: RequestGroupTable;
  request_log: RequestLogTable;
  request_tag: RequestTagTable;
  request_metadata: RequestMetadataTable;
  request_score: RequestScoreTable;
  span: SpanTable;
  revoked_session: RevokedSessionTable;
  server_secret: ServerSecretTable;
}

/** A secret generated once and shared by every instance on the database (the session-signing secret). */
export interface ServerSecretTable {
  name: string;
  value: string;
  created_at: string;
}

/** A dashboard session ended by signing out: refused until `expires_at`, when it would have expired anyway. */
export interface RevokedSessionTable {
  workspace_id: number;
  /** The token's random id (its `s` claim). */
  token_id: string;
  expires_at: string;
}

export interface WorkspaceTable {
  id: Generated<number>;
  slug: string;
  name: string;
  created_at: string;
  /** Raised by every registry write; see `repositories/registry-revision.ts`. */
  registry_revision: Generated<number>;
  /** The last request number handed out in this workspace (`request_log.number`). */
  request_counter: Generated<number>;
  /** Days the workspace keeps its request log and spans; null follows the server's default (migration 0010). */
  retention_days: number | null;
}

export interface ApiKeyTable {
  id: Generated<number>;
  workspace_id: number;
  name: string | null;
  /** SHA-256 of the plaintext, hex. The plaintext is never stored. */
  key_hash: string;
  /** The first characters of the plaintext, to recognise a key in a list. */
  prefix: string;
  /** Kept equal to `role = 'admin'`, so a server from before roles still reads admins right. */
  is_admin: number;
  /** `runner`, `editor`, `deployer` or `admin` (migration 0004). */
  role: Generated<string>;
  created_at: string;
  revoked_at: string | null;
  /** Migration 0008. */
  last_used_at: string | null;
}

export interface PromptTable {
  id: Generated<number>;
  workspace_id: number;
  name: string;
  /** `name` lower-cased in JavaScript (Unicode-aware on both dialects), for search. */
  search_name: string;
  /** JSON array of strings. */
  tags: string;
  /** The highest version number; bumped inside the publishing transaction. */
  latest_version: number;
  created_at: string;
  updated_at: string;
  /** When the prompt was archived; null while it is live. */
  archived_at: string | null;
}

export interface PromptVersionTable {
  id: Generated<number>;
  workspace_id: number;
  prompt_id: number;
  version: number;
  /** JSON. */
  prompt_template: string;
  /** JSON. */
  metadata: string;
  /** SHA-256 of the canonical JSON of template and metadata: "unchanged" in one comparison. */
  content_hash: string;
  commit_message: string | null;
  author_key_id: number | null;
  created_at: string;
}

export interface ReleaseLabelTable {
  id: Generated<number>;
  workspace_id: number;
  prompt_id: number;
  name: string;
  prompt_version_id: number;
  /** JSON `LabelRouting` of a split label; null for a plain one (migration 0005). */
  routing: string | null;
  created_at: string;
  updated_at: string;
}

export interface LabelHistoryTable {
  id: Generated<number>;
  workspace_id: number;
  prompt_id: number;
  label_name: string;
  /** Null when the label was created. */
  from_version: number | null;
  /** Null when the label was deleted. */
  to_version: number | null;
  /** JSON `LabelRouting` before and after the move, when the label was (or became) a split. */
  from_routing: string | null;
  to_routing: string | null;
  actor_key_id: number | null;
  created_at: string;
}

/** A label name the workspace protects, for all its prompts (migration 0004). */
export interface ProtectedLabelTable {
  id: Generated<number>;
  workspace_id: number;
  name: string;
  created_at: string;
}

export interface RequestGroupTable {
  id: Generated<number>;
  workspace_id: number;
  created_at: string;
}

export interface RequestLogTable {
  id: Generated<number>;
  workspace_id: number;
  /** The integer id clients see, counted per workspace (`workspace.request_counter`); `id` stays internal. */
  number: number | null;
  request_id: string;
  prompt_id: number | null;
  prompt_name: string | null;
  prompt_version: number | null;
  prompt_label: string | null;
  group_id: number | null;
  /** JSON object. */
  input_variables: string;
  status: string;
  provider: string;
  model: string;
  function_name: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cached_input_tokens: number | null;
  reasoning_tokens: number | null;
  cost_usd: number | null;
  latency_ms: number | null;
  request_start_time: string | null;
  request_end_time: string | null;
  /** JSON object. */
  request: string;
  /** JSON, or null. */
  response: string | null;
  /** JSON, or null. */
  prompt_blueprint: string | null;
  error_type: string | null;
  error_message: string | null;
  /** JSON array of strings, or null when there were none (migration 0006). */
  warnings: string | null;
  /** JSON array of `{name, version}`, or null when no snippet was used (migration 0006). */
  snippets: string | null;
  /** The OpenTelemetry trace and span the request ran in, lowercase hex, when known (migration 0009). */
  trace_id: string | null;
  span_id: string | null;
  /** JSON array of the run's provider attempts, or null when there were none to list (migration 0007). */
  attempts: string | null;
  created_at: string;
}

export interface RequestTagTable {
  request_log_id: number;
  workspace_id: number;
  tag: string;
  /** Keeps the tags in the order they were logged. */
  position: number;
  /** The request's created_at, copied so the tag index serves the log's page order. */
  created_at: string;
}

export interface RequestMetadataTable {
  request_log_id: number;
  workspace_id: number;
  key: string;
  value: string;
  /** The request's created_at, copied so the metadata index serves the log's page order. */
  created_at: string;
}

export interface RequestScoreTable {
  id: Generated<number>;
  request_log_id: number;
  workspace_id: number;
  name: string;
  score: number;
  created_at: string;
  updated_at: string;
}

/** One span of a trace (migration 0009); keyed by (workspace_id, trace_id, span_id). */
export interface SpanTable {
  workspace_id: number;
  /** 32 lowercase hex digits. */
  trace_id: string;
  /** 16 lowercase hex digits. */
  span_id: string;
  parent_span_id: string | null;
  name: string;
  /** `INTERNAL`, `SERVER`, `CLIENT`, `PRODUCER` or `CONSUMER`. */
  kind: string;
  /** Nanoseconds since the epoch, zero-padded to 20 digits (text order is time order). */
  start_time_unix_nano: string;
  end_time_unix_nano: string;
  /** `UNSET`, `OK` or `ERROR`. */
  status_code: string;
  status_message: string | null;
  /** JSON object. */
  attributes: string;
  /** JSON arrays, or null when empty. */
  events: string | null;
  links: string | null;
  /** JSON object of the resource's attributes, or null. */
  resource: string | null;
  /** JSON `{name, version}` of the instrumentation scope, or null. */
  scope: string | null;
  created_at: string;
}
