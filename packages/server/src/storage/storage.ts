import type { Attempt, LabelRouting, LabelTarget, LogRecord, PromptBlueprint, PromptTemplate, RequestStatus, SnippetUse, TemplateMetadata, Usage } from "@promptline/core";

/**
 * The server's storage, at the level of what the routes need (not SQL).
 * Every method that reads or writes workspace data takes the `workspaceId` it
 * is scoped to and never sees another workspace's rows. Conventions:
 * - a missing target (prompt, request, label, key) gives `undefined` or `false`;
 * - a bad argument throws a `PromptlineError` (`InvalidRequestError`, or
 *   `PromptNotFoundError` when a referenced prompt, version or label is unknown);
 * - timestamps are ISO-8601 UTC strings.
 */
export interface Storage {
  readonly workspaces: WorkspaceRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly prompts: PromptRepository;
  readonly labels: LabelRepository;
  readonly protectedLabels: ProtectedLabelRepository;
  readonly requests: RequestRepository;
  readonly groups: GroupRepository;
  readonly scores: ScoreRepository;
  readonly spans: SpanRepository;
  readonly sessions: SessionRepository;
  readonly retention: RetentionRepository;
  /** Which database answers (for `/healthz` and logs only; behaviour never depends on it). */
  readonly dialect: "sqlite" | "postgres";
  /** Brings the schema up to date (idempotent; `createStorage` already ran it). */
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** Closes the connection(s). The storage is unusable afterwards. */
  close(): Promise<void>;
}

// ── workspaces ─────────────────────────────────────────────────────────────

export interface WorkspaceRecord {
  id: number;
  /** Unique, URL-safe handle. The default workspace is `default`. */
  slug: string;
  name: string;
  created_at: string;
}

export interface WorkspaceRepository {
  create(input: { slug: string; name?: string }): Promise<WorkspaceRecord>;
  get(workspaceId: number): Promise<WorkspaceRecord | undefined>;
  getDefault(): Promise<WorkspaceRecord | undefined>;
  /** Returns the default workspace, creating it on first start (safe to race). */
  ensureDefault(): Promise<WorkspaceRecord>;
  /** The workspace's registry revision (raised by every registry write; decision 0004), or undefined when it doesn't exist. One indexed read. */
  registryRevision(workspaceId: number): Promise<number | undefined>;
}

// ── API keys ───────────────────────────────────────────────────────────────

/**
 * What a key may do, from least to most (decision 0007): `runner` reads and
 * runs prompts and writes logs; `editor` also publishes and moves labels that
 * are not protected; `deployer` also protected labels; `admin` also keys and
 * label protection. The server's `http/permissions.ts` enforces them.
 */
export type KeyRole = "runner" | "editor" | "deployer" | "admin";

export interface ApiKeyRecord {
  id: number;
  workspace_id: number;
  name: string | null;
  /** The first characters of the key, to recognise it in a list (`pl_AbC12xYz`). */
  prefix: string;
  role: KeyRole;
  /** `role === "admin"`, kept for clients written before roles. */
  admin: boolean;
  created_at: string;
  revoked_at: string | null;
  /** When the key last authenticated a request (to the minute), null if never since migration 0008. */
  last_used_at: string | null;
}

export interface CreatedApiKey {
  key: ApiKeyRecord;
  /** The key itself. Shown once: only its SHA-256 hash is stored. */
  plaintext: string;
}

/** A new key's name and role; `admin: true` is an alias of `role: "admin"`, and a key with neither is a `deployer`. */
export interface NewApiKeyOptions {
  name?: string;
  role?: KeyRole;
  admin?: boolean;
}

export interface ApiKeyRepository {
  create(workspaceId: number, options?: NewApiKeyOptions): Promise<CreatedApiKey>;
  /**
   * Stores a key chosen outside (the `PROMPTLINE_API_KEY` seed) unless its
   * hash is known already; then returns the stored record untouched, even if
   * it was revoked (a revocation is never undone by a restart).
   */
  ensure(workspaceId: number, plaintext: string, options?: NewApiKeyOptions): Promise<ApiKeyRecord>;
  /** Authentication: the live (unrevoked) key with this plaintext, in whatever workspace it belongs to. */
  findByPlaintext(plaintext: string): Promise<ApiKeyRecord | undefined>;
  list(workspaceId: number): Promise<ApiKeyRecord[]>;
  /** Records a use of the key at `at` (default now); a later use already recorded stays. */
  markUsed(workspaceId: number, keyId: number, at?: string): Promise<void>;
  /** Takes effect at once (nothing is cached). False when no live key has this id in the workspace. */
  revoke(workspaceId: number, keyId: number): Promise<boolean>;
}

// ── dashboard sessions ─────────────────────────────────────────────────────

/** Dashboard sessions ended before their expiry (sign-out), shared by every instance on the database. */
export interface SessionRepository {
  /** Refuses the session `tokenId` from now until `expiresAt` (ISO 8601), when the token expires anyway. Idempotent. */
  revoke(workspaceId: number, tokenId: string, expiresAt: string): Promise<void>;
  isRevoked(workspaceId: number, tokenId: string): Promise<boolean>;
  /**
   * The secret that signs session tokens, shared by every instance on the
   * database: the stored one, or `candidate`, stored, when there is none yet
   * (the first instance to start wins a race; the others read its secret).
   */
  signingSecret(candidate: string): Promise<string>;
}

// ── prompts and versions ───────────────────────────────────────────────────

export interface PromptRecord {
  id: number;
  workspace_id: number;
  name: string;
  tags: string[];
  /** The highest version number (versions are never deleted). */
  latest_version: number;
  created_at: string;
  updated_at: string;
  /** When it was archived (it can't run or take versions, and lists leave it out); null while live. */
  archived_at: string | null;
}

export interface PromptVersionRecord {
  id: number;
  workspace_id: number;
  prompt_id: number;
  prompt_name: string;
  /** 1, 2, 3… per prompt. */
  version: number;
  prompt_template: PromptTemplate;
  metadata: TemplateMetadata;
  commit_message: string | null;
  /** The API key that published it, when known. */
  author_key_id: number | null;
  created_at: string;
}

/**
 * Which prompt: by name, by numeric id, or by the contract's `identifier`
 * (§3.1: the name, or the numeric id when no prompt has that name).
 */
export type PromptRef = { name: string } | { id: number } | { identifier: string };

/**
 * Which version: a number, a release label, or the newest when both are
 * absent. When both are given the label wins (PromptLayer: "label supersedes
 * version").
 */
export interface VersionSelector {
  version?: number | null;
  label?: string | null;
}

export interface ResolvedPromptVersion {
  prompt: PromptRecord;
  version: PromptVersionRecord;
  /** Names of the release labels that point at this version. */
  labels: string[];
  /**
   * When selected by a label: what the label serves. For a split label
   * `version` is its first entry; resolve per run with `resolveLabelVersion`.
   */
  label_target?: LabelTarget;
}

export interface PublishInput {
  name: string;
  prompt_template: PromptTemplate;
  metadata?: TemplateMetadata | null;
  commit_message?: string | null;
  /** Replaces the prompt's tags when given. */
  tags?: string[] | null;
  /** Created or moved to the published version, in the same transaction. */
  release_labels?: string[] | null;
  /** Recorded as the version's author and as the actor of label moves. */
  actor_key_id?: number | null;
  /** False: a protected release label refuses the whole publish (`LabelProtectedError`); see `LabelActor`. */
  may_change_protected?: boolean;
  /**
   * When the newest version has the same template and metadata (commit
   * message aside), create nothing and return it (`created: false`); release
   * labels still move to it. For `promptline push` of an unchanged file.
   */
  skip_if_unchanged?: boolean;
}

export interface PublishResult {
  prompt: PromptRecord;
  version: PromptVersionRecord;
  /** False when `skip_if_unchanged` found the newest version identical. */
  created: boolean;
  /** All of the prompt's labels after the publish. */
  labels: ReleaseLabelRecord[];
}

export interface PromptListQuery {
  /** 1-based. Default 1. */
  page?: number;
  /** Default 30, at most 100. */
  per_page?: number;
  /** Case-insensitive substring of the name; matched as plain text (`%`, `_` and quotes are literal). */
  search?: string;
  /** Only prompts with this release label; each item then shows the labelled version. */
  label?: string;
  /** Only prompts with this tag. */
  tag?: string;
  /** True: only archived prompts. Default: only live ones. */
  archived?: boolean;
}

export interface PromptSummary {
  prompt: PromptRecord;
  /** The newest version, or the labelled one when the query filters by label. */
  version: PromptVersionRecord;
  labels: ReleaseLabelRecord[];
  /** When a request last referenced the prompt, or null. */
  last_used_at: string | null;
  request_count: number;
}

export interface PromptListPage {
  items: PromptSummary[];
  page: number;
  per_page: number;
  total: number;
  pages: number;
}

export interface PromptRepository {
  publish(workspaceId: number, input: PublishInput): Promise<PublishResult>;
  get(workspaceId: number, ref: PromptRef): Promise<PromptRecord | undefined>;
  /** By number, by label, or the newest (see `VersionSelector`). */
  getVersion(workspaceId: number, ref: PromptRef, selector?: VersionSelector): Promise<ResolvedPromptVersion | undefined>;
  /** Newest first. */
  listVersions(workspaceId: number, ref: PromptRef): Promise<PromptVersionRecord[]>;
  /** Ordered by name. */
  list(workspaceId: number, query?: PromptListQuery): Promise<PromptListPage>;
  /**
   * Archives (or, with `archived: false`, restores) a prompt; undefined when
   * there is none. Archiving a prompt with a protected label stops what it
   * serves, so it needs an actor who may change protected labels
   * (`LabelProtectedError` otherwise). Idempotent; raises the registry revision.
   */
  setArchived(workspaceId: number, ref: PromptRef, archived: boolean, actor?: LabelActor): Promise<PromptRecord | undefined>;
}

// ── release labels ─────────────────────────────────────────────────────────

export interface ReleaseLabelRecord {
  /** PromptLayer's `release_label_id`. */
  id: number;
  workspace_id: number;
  prompt_id: number;
  name: string;
  prompt_version_id: number;
  prompt_version_number: number;
  /** A split or segmented label's routing (decision 0008); null for a label that points at one version. */
  routing: LabelRouting | null;
  created_at: string;
  updated_at: string;
}

export interface LabelHistoryRecord {
  id: number;
  workspace_id: number;
  prompt_id: number;
  label_name: string;
  /** Null when the label was created. */
  from_version: number | null;
  /** Null when the label was deleted. For a split, its first entry. */
  to_version: number | null;
  /** The routing before and after the move, when the label was or became a split. */
  from_routing: LabelRouting | null;
  to_routing: LabelRouting | null;
  actor_key_id: number | null;
  /** The actor key's name when the move was read (keys are revoked, never deleted). */
  actor_key_name: string | null;
  created_at: string;
}

/**
 * Who changes a label, and whether they may change a protected one. Omitted,
 * `may_change_protected` is true: the storage trusts its caller, and the
 * server's routes always pass it from the key's role (`http/permissions.ts`).
 * When false, a protected label (see `ProtectedLabelRepository`) throws
 * `LabelProtectedError` inside the write's transaction, so nothing changes.
 */
export interface LabelActor {
  actor_key_id?: number | null;
  may_change_protected?: boolean;
}

export interface SetLabelInput extends LabelActor {
  prompt: PromptRef;
  name: string;
  version: number;
  /**
   * Makes it a split or segmented label (decision 0008); `version` must then
   * be the split's first entry. Every version named must exist
   * (`InvalidRequestError` naming the field otherwise).
   */
  routing?: LabelRouting | null;
}

export interface LabelRepository {
  /** The prompt's labels, by name. Empty when the prompt is unknown. */
  list(workspaceId: number, prompt: PromptRef): Promise<ReleaseLabelRecord[]>;
  get(workspaceId: number, labelId: number): Promise<ReleaseLabelRecord | undefined>;
  /**
   * Creates the label or moves it, atomically, with a history row (none when
   * it already points there). Throws `PromptNotFoundError` for an unknown
   * prompt or version.
   */
  set(workspaceId: number, input: SetLabelInput): Promise<ReleaseLabelRecord>;
  /** Moves a label by id (`PATCH /prompt-labels/{id}`); undefined when no such label. */
  move(workspaceId: number, labelId: number, version: number, options?: LabelActor): Promise<ReleaseLabelRecord | undefined>;
  /** Deletes a label by id, with a history row; false when no such label. */
  delete(workspaceId: number, labelId: number, options?: LabelActor): Promise<boolean>;
  /**
   * Puts the label back where it was before its last move (version and
   * routing), as a new move with its own history row. Throws
   * `PromptNotFoundError` for an unknown prompt or label, `InvalidRequestError`
   * when the label has no earlier position.
   */
  rollback(workspaceId: number, prompt: PromptRef, name: string, options?: LabelActor): Promise<ReleaseLabelRecord>;
  /** Every move of the prompt's labels (optionally one label), oldest first. */
  history(workspaceId: number, prompt: PromptRef, options?: { label?: string }): Promise<LabelHistoryRecord[]>;
}

/**
 * Label names a workspace protects (for every prompt): moving, deleting or
 * publishing onto one needs `may_change_protected`. A new workspace starts
 * with `prod` protected. Changes raise the registry revision.
 */
export interface ProtectedLabelRepository {
  /** Sorted by name. */
  list(workspaceId: number): Promise<string[]>;
  /** False when it was protected already. */
  protect(workspaceId: number, label: string): Promise<boolean>;
  /** False when it was not protected. */
  unprotect(workspaceId: number, label: string): Promise<boolean>;
}

// ── request log ────────────────────────────────────────────────────────────

/**
 * One stored request. The fields of `LogRecord` as `GET
 * /api/v1/requests/{request_id}` returns them, plus the server's own.
 */
export interface RequestLogRow {
  /** Integer id (PromptLayer's `request_id` is an int). */
  id: number;
  workspace_id: number;
  /** The client-minted id (UUIDv7 from our SDK); unique per workspace. */
  request_id: string;
  prompt_id: number | null;
  prompt_name: string | null;
  prompt_version: number | null;
  prompt_label: string | null;
  tags: string[];
  metadata: Record<string, string>;
  group_id: number | null;
  input_variables: Record<string, unknown>;
  status: RequestStatus;
  provider: string;
  model: string;
  function_name: string | null;
  usage: Usage | null;
  /** Null when no price is known: unpriced is not free. */
  cost_usd: number | null;
  latency_ms: number | null;
  request_start_time: string | null;
  request_end_time: string | null;
  request: Record<string, unknown>;
  response: unknown;
  prompt_blueprint: PromptBlueprint | null;
  error_type: string | null;
  error_message: string | null;
  /** What the run changed or dropped on the way; empty when nothing. */
  warnings: string[];
  /** The snippet versions the template was expanded with; empty when none. */
  snippets: SnippetUse[];
  /** The OpenTelemetry trace and span the request ran in, when known (from the client, or from a stored span with this `span_id`). */
  trace_id: string | null;
  span_id: string | null;
  /** The provider calls of a run with fallbacks, in order (empty when not known). */
  attempts: Attempt[];
  /** When the server stored it; the log's order. */
  created_at: string;
  /** Score name → score (0–100). */
  scores: Record<string, number>;
}

/** What to insert: a `LogRecord`, optionally linked to a prompt by id (PromptLayer's `prompt_id`). */
export type RequestInsert = LogRecord & {
  prompt_id?: number | null;
  /**
   * `JSON.stringify(prompt_blueprint)`, when the caller has made it already
   * (`/track-request` answers with the same text): stored as it is rather
   * than made again, unless the blueprint has secrets to drop.
   */
  prompt_blueprint_json?: string;
};

export interface InsertResult {
  request_id: string;
  id: number;
  /** False when the workspace already had this `request_id` (a re-sent record). */
  created: boolean;
}

/** A request by integer id (number) or by client `request_id` (string). */
export type RequestRef = number | string;

export interface RequestQuery {
  prompt_name?: string;
  prompt_version?: number;
  prompt_label?: string;
  /** Every tag must be present. */
  tags?: string[];
  /** Every key must have this value. */
  metadata?: Record<string, string>;
  status?: RequestStatus;
  provider?: string;
  model?: string;
  group_id?: number;
  /** Inclusive lower bound on `created_at` (ISO-8601). */
  from?: string;
  /** Exclusive upper bound on `created_at` (ISO-8601). */
  to?: string;
  /** From a previous page's `next_cursor`. */
  cursor?: string | null;
  /** Default 50, at most 500. */
  limit?: number;
}

export interface RequestPage {
  /** Newest first. */
  items: RequestLogRow[];
  /** Opaque; null on the last page. */
  next_cursor: string | null;
}

/** Filters of the request log's chart, and the bucket width. */
export interface RequestStatsQuery extends Omit<RequestQuery, "cursor" | "limit"> {
  bucket: "minute" | "hour" | "day";
}

/** One bucket of the request log's chart (UTC). Buckets with no request are absent. */
export interface RequestStatsBucket {
  /** The bucket's start, ISO-8601 UTC. */
  start: string;
  count: number;
  /** Requests with status ERROR. */
  errors: number;
  /** Null when no request of the bucket has a latency. */
  avg_latency_ms: number | null;
  /** Sum of known costs (unpriced requests add nothing). */
  cost_usd: number;
  input_tokens: number;
  output_tokens: number;
}

/** Which requests `compareLabel` reads: one label of one prompt, over an optional time range. */
export interface LabelComparisonQuery {
  prompt_name: string;
  prompt_label: string;
  /** Inclusive lower bound on `created_at` (ISO-8601). */
  from?: string;
  /** Exclusive upper bound on `created_at` (ISO-8601). */
  to?: string;
}

/** One version a label served, from the request log. */
export interface VersionComparison {
  version: number;
  requests: number;
  errors: number;
  /** errors / requests. */
  error_rate: number;
  /** Null when no request of the version has a latency. */
  p50_latency_ms: number | null;
  p95_latency_ms: number | null;
  input_tokens: number;
  output_tokens: number;
  /** Sum of known costs. */
  cost_usd: number;
  /** Mean of its requests' scores; null when none is scored. */
  mean_score: number | null;
}

export interface SetPromptInput {
  prompt: PromptRef;
  version?: number | null;
  label?: string | null;
  input_variables?: Record<string, unknown> | null;
}

export interface RequestRepository {
  insert(workspaceId: number, record: RequestInsert): Promise<RequestLogRow>;
  /**
   * Idempotent on `request_id` within the workspace: a record whose id is
   * stored already is skipped (`created: false`). Results in input order.
   */
  insertMany(workspaceId: number, records: readonly RequestInsert[]): Promise<InsertResult[]>;
  get(workspaceId: number, ref: RequestRef): Promise<RequestLogRow | undefined>;
  query(workspaceId: number, query?: RequestQuery): Promise<RequestPage>;
  /** Counts, errors, latency, cost and tokens per time bucket, oldest first (the dashboard's chart). */
  stats(workspaceId: number, query: RequestStatsQuery): Promise<RequestStatsBucket[]>;
  /** The versions a label served, side by side (the dashboard's rollout comparison), by version. */
  compareLabel(workspaceId: number, query: LabelComparisonQuery): Promise<VersionComparison[]>;
  /** Merges keys into the request's metadata. False when the request is unknown. */
  updateMetadata(workspaceId: number, ref: RequestRef, metadata: Record<string, string>): Promise<boolean>;
  /**
   * Links the request to a prompt version after the fact (`track.prompt`).
   * Throws `PromptNotFoundError` when the prompt or version is unknown.
   */
  setPrompt(workspaceId: number, ref: RequestRef, input: SetPromptInput): Promise<boolean>;
  /** Throws `InvalidRequestError` when the group is not in the workspace. */
  setGroup(workspaceId: number, ref: RequestRef, groupId: number): Promise<boolean>;
}

// ── groups and scores ──────────────────────────────────────────────────────

export interface GroupRecord {
  id: number;
  workspace_id: number;
  created_at: string;
}

export interface GroupRepository {
  create(workspaceId: number): Promise<GroupRecord>;
  get(workspaceId: number, groupId: number): Promise<GroupRecord | undefined>;
}

export interface ScoreRecord {
  id: number;
  workspace_id: number;
  request_log_id: number;
  name: string;
  score: number;
  created_at: string;
  updated_at: string;
}

export interface AddScoreInput {
  request: RequestRef;
  /** Default `default`. A second score of the same name replaces the first. */
  name?: string | null;
  /** 0 to 100. */
  score: number;
}

export interface ScoreRepository {
  /** Undefined when the request is unknown; throws `InvalidRequestError` for a score outside 0–100. */
  add(workspaceId: number, input: AddScoreInput): Promise<ScoreRecord | undefined>;
  list(workspaceId: number, request: RequestRef): Promise<ScoreRecord[]>;
}

// ── traces ─────────────────────────────────────────────────────────────────

export type SpanKindName = "INTERNAL" | "SERVER" | "CLIENT" | "PRODUCER" | "CONSUMER";
export type SpanStatusCode = "UNSET" | "OK" | "ERROR";

export interface SpanEvent {
  name: string;
  time_unix_nano: string;
  attributes: Record<string, unknown>;
}

export interface SpanLink {
  trace_id: string;
  span_id: string;
  attributes: Record<string, unknown>;
}

/**
 * One span, however it arrived (OTLP protobuf or JSON, PromptLayer's
 * `/spans-bulk`), already validated (`spanLimits`, `core/src/schemas/span-limits.ts`).
 * Ids are lowercase hex; times are nanoseconds since the epoch as decimal text.
 */
export interface SpanRecord {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: SpanKindName;
  start_time_unix_nano: string;
  end_time_unix_nano: string;
  status: { code: SpanStatusCode; message: string | null };
  attributes: Record<string, unknown>;
  events: SpanEvent[];
  links: SpanLink[];
  /** The resource's attributes (`service.name`…). */
  resource: Record<string, unknown>;
  scope: { name: string; version: string | null } | null;
}

export interface StoredSpan extends SpanRecord {
  created_at: string;
}

export interface SpanInsertResult {
  /** Spans stored now. */
  created: number;
  /** Spans the workspace had already (same trace id and span id): left as they were. */
  duplicates: number;
}

export interface SpanRepository {
  /**
   * Stores spans in one transaction, idempotent on (trace id, span id) within
   * the workspace, and gives the trace id to logged requests that named one
   * of these spans (`span_id` from `/track-request`) before it arrived.
   */
  insertMany(workspaceId: number, spans: readonly SpanRecord[]): Promise<SpanInsertResult>;
  /** The trace's spans, by start time; empty when the workspace has none of it. */
  trace(workspaceId: number, traceId: string): Promise<StoredSpan[]>;
  /** The workspace's latest spans, newest start first (at most `limit`, default 100, at most 1000). */
  recent(workspaceId: number, limit?: number): Promise<StoredSpan[]>;
  /** The logged requests that ran in the trace: integer id, client id and span id, oldest first. */
  requestsOfTrace(workspaceId: number, traceId: string): Promise<{ id: number; request_id: string; span_id: string | null }[]>;
  /**
   * The workspace's traces, newest first (by the trace's earliest span start),
   * a page at a time; `name` keeps traces with ANY span whose name contains it.
   */
  traces(workspaceId: number, query: TraceListQuery): Promise<TracePage>;
}

export interface TraceListQuery {
  /** Traces starting at or after this (nanoseconds since the epoch, decimal text). */
  since_unix_nano?: string;
  /** Traces starting before this. */
  until_unix_nano?: string;
  /** Substring of any span's name, case-insensitive, taken literally (`%` and `_` too). */
  name?: string;
  /** 1-500. */
  limit: number;
  /** The `next_cursor` of the previous page. */
  cursor?: string;
}

export interface TraceSummary {
  trace_id: string;
  /** The earliest span without a parent (or the earliest span, when the root has not arrived). */
  root_span_name: string;
  start_time_unix_nano: string;
  end_time_unix_nano: string;
  span_count: number;
  request_count: number;
}

export interface TracePage {
  traces: TraceSummary[];
  next_cursor: string | null;
}

// ── retention ──────────────────────────────────────────────────────────────

export interface RetentionSweepOptions {
  /** Days kept by workspaces without a retention of their own; null keeps their records forever. */
  defaultDays: number | null;
  /** At most this many requests, and as many spans, are deleted by one call. */
  batchSize: number;
  /** The instant ages are counted from. Default: the storage's clock. */
  now?: Date;
}

export interface RetentionSweepResult {
  /** Requests deleted, with their tags, metadata and scores. */
  requests: number;
  spans: number;
}

/**
 * How long each workspace keeps its request log and spans (decision 0018).
 * A workspace's own setting wins over the server's default; a request older
 * than its workspace's retention is deleted with everything hanging off it
 * (tags, metadata, scores), and so is a span stored longer ago than that.
 */
export interface RetentionRepository {
  /** The workspace's own retention in days; null when it follows the server's default; undefined when there is no such workspace. */
  get(workspaceId: number): Promise<number | null | undefined>;
  /** Sets the workspace's own retention (1 to 36,500 days, `maxRetentionDays`), or clears it (null). False when there is no such workspace. */
  set(workspaceId: number, days: number | null): Promise<boolean>;
  /**
   * Deletes one small batch of expired records, oldest first, each workspace
   * in a short transaction of its own, so log writes wait for one batch at
   * most. Call it again until it deletes nothing.
   */
  sweepBatch(options: RetentionSweepOptions): Promise<RetentionSweepResult>;
}
