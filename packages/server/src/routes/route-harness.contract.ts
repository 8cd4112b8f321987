/**
 * The in-process harness shared by the route tests (not shipped: `*.contract.ts`
 * files are left out of the build). One app over an in-memory SQLite storage,
 * two workspaces with an admin key and a plain key each, and a `call()` that
 * answers status, headers and parsed JSON.
 */
import type { Hono } from "hono";
import type { AppEnv } from "../app-env.js";
import { createApp, type CreateAppOptions } from "../app.js";
import { createStorage, type Storage } from "../storage/index.js";

export interface TestWorkspace {
  id: number;
  slug: string;
  adminKey: string;
  adminKeyId: number;
  userKey: string;
  userKeyId: number;
}

/** Response bodies are read loosely in tests: the assertions are the type check. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON; `undefined` when it is empty or not JSON. */
  json: unknown;
  /** `json` as a record, for terse assertions. */
  body: Record<string, Loose>;
}

export interface CallOptions {
  /** Sent as `X-API-KEY` unless `auth` says otherwise. */
  key?: string;
  auth?: "header" | "body" | "bearer" | "none";
  /** A JSON value (serialised) or a raw string sent as is. */
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

export interface RouteHarness {
  app: Hono<AppEnv>;
  storage: Storage;
  a: TestWorkspace;
  b: TestWorkspace;
  call(method: string, path: string, options?: CallOptions): Promise<CallResult>;
  close(): Promise<void>;
}

let workspaceCounter = 0;

export async function createWorkspace(storage: Storage, slug = `ws-${++workspaceCounter}`): Promise<TestWorkspace> {
  const workspace = await storage.workspaces.create({ slug });
  const admin = await storage.apiKeys.create(workspace.id, { name: "admin", admin: true });
  const user = await storage.apiKeys.create(workspace.id, { name: "user", admin: false });
  return {
    id: workspace.id,
    slug,
    adminKey: admin.plaintext,
    adminKeyId: admin.key.id,
    userKey: user.plaintext,
    userKeyId: user.key.id,
  };
}

/** Sends one request to the app in-process. */
export async function callApp(app: Hono<AppEnv>, method: string, path: string, options: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = { ...options.headers };
  const auth = options.auth ?? "header";
  let body: unknown = options.body;
  if (options.key !== undefined && auth === "header") headers["x-api-key"] = options.key;
  if (options.key !== undefined && auth === "bearer") headers.authorization = `Bearer ${options.key}`;
  if (options.key !== undefined && auth === "body") body = { ...(body as object | undefined), api_key: options.key };
  let payload: string | undefined = options.raw;
  if (payload === undefined && body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === "content-type")) {
    headers["content-type"] = "application/json";
  }
  const response = await app.request(path, { method, headers, ...(payload !== undefined && { body: payload }) });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json, body: (json ?? {}) as Record<string, Loose> };
}

export interface RouteHarnessOptions extends Omit<CreateAppOptions, "storage"> {
  /** The storage's clock (every stored timestamp). */
  now?: () => Date;
}

export async function createRouteHarness({ now, ...options }: RouteHarnessOptions = {}): Promise<RouteHarness> {
  const storage = await createStorage("sqlite::memory:", now ? { now } : {});
  const app = createApp({ logError: () => undefined, ...options, storage });
  const a = await createWorkspace(storage);
  const b = await createWorkspace(storage);
  return {
    app,
    storage,
    a,
    b,
    call: (method, path, callOptions) => callApp(app, method, path, callOptions),
    close: () => storage.close(),
  };
}

/** A chat template with one user message, OpenAI chat-completions by default. */
export function chatTemplate(text: string, options: { provider?: string; model?: string; parameters?: Record<string, unknown>; system?: string } = {}) {
  return {
    prompt_template: {
      type: "chat" as const,
      messages: [
        ...(options.system ? [{ role: "system" as const, content: [{ type: "text" as const, text: options.system }] }] : []),
        { role: "user" as const, content: [{ type: "text" as const, text }] },
      ],
    },
    metadata: {
      model: {
        provider: options.provider ?? "openai",
        name: options.model ?? "gpt-4o-mini",
        parameters: options.parameters ?? { temperature: 1 },
        ...((options.provider ?? "openai") === "openai" && { api_type: "chat-completions" }),
      },
    },
  };
}

/** Publishes through PromptLayer's route (as the official SDK does) and returns the 201 body. */
export async function publish(
  harness: Pick<RouteHarness, "call">,
  key: string,
  body: { prompt_name: string; release_labels?: string[]; tags?: string[]; commit_message?: string } & Record<string, unknown>,
): Promise<Record<string, Loose>> {
  const { release_labels, ...rest } = body;
  const result = await harness.call("POST", "/rest/prompt-templates", {
    key,
    body: { prompt_template: rest, prompt_version: rest, ...(release_labels && { release_labels }) },
  });
  if (result.status !== 201) throw new Error(`publish ${body.prompt_name} failed: ${result.status} ${result.text}`);
  return result.body;
}

/** A minimal valid log record for `POST /api/v1/requests:batch`. */
export function logRecord(requestId: string, fields: Record<string, unknown> = {}) {
  return { request_id: requestId, status: "SUCCESS", provider: "openai", model: "gpt-4o-mini", ...fields };
}

/** A route the app serves (middleware left out), as Hono registered it. */
export interface AppRoute {
  method: string;
  path: string;
}

/** Every route of the app, once each, read from `app.routes` so a new route can't be forgotten by a test. */
export function appRoutes(app: Hono<AppEnv>): AppRoute[] {
  const seen = new Map<string, AppRoute>();
  for (const { method, path } of app.routes) {
    if (method === "ALL") continue; // middleware
    seen.set(`${method} ${path}`, { method, path });
  }
  return [...seen.values()];
}

/**
 * `/keys/:id{[0-9]+}` → `/keys/{id}`; a parameter whose pattern is a literal
 * (`:segment{requests:batch}`, Hono's way to match a colon) → the literal.
 */
export function honoPathToOpenApi(path: string): string {
  return path.replace(/:(\w+)(?:\{([^}]*)\})?/g, (_, name: string, pattern: string | undefined) =>
    pattern !== undefined && /^[\w:.-]+$/.test(pattern) ? pattern : `{${name}}`,
  );
}

/** `METHOD /api/v1/...` of every `/api/v1` route, with OpenAPI path templates. */
export function apiV1Paths(app: Hono<AppEnv>): string[] {
  return appRoutes(app)
    .filter((route) => route.path.startsWith("/api/v1/"))
    .map((route) => `${route.method} ${honoPathToOpenApi(route.path)}`);
}

/** A Hono route path with its parameters filled in (URL-encoded); throws on a parameter it wasn't given. */
export function fillPath(path: string, params: Record<string, string | number>): string {
  return path.replace(/:(\w+)(?:\{([^}]*)\})?/g, (_, name: string, pattern: string | undefined) => {
    if (pattern !== undefined && /^[\w:.-]+$/.test(pattern)) return pattern;
    const value = params[name];
    if (value === undefined) throw new Error(`No value for :${name} in ${path}`);
    return encodeURIComponent(String(value));
  });
}

/**
 * Everything stored for a workspace, read through the storage (not the
 * routes under test): prompts with versions, labels and label history,
 * requests with scores, keys, protected labels, spans. Equal snapshots mean nothing changed.
 */
export async function snapshotWorkspace(storage: Storage, workspaceId: number): Promise<unknown> {
  const prompts = await storage.prompts.list(workspaceId, { per_page: 100 });
  const details = await Promise.all(
    prompts.items.map(async ({ prompt }) => ({
      versions: await storage.prompts.listVersions(workspaceId, { id: prompt.id }),
      labels: await storage.labels.list(workspaceId, { id: prompt.id }),
      history: await storage.labels.history(workspaceId, { id: prompt.id }),
    })),
  );
  const requests = await storage.requests.query(workspaceId, { limit: 500 });
  // Last use is bookkeeping written in the background (http/key-usage.ts), not the workspace's data.
  const keys = (await storage.apiKeys.list(workspaceId)).map(({ last_used_at: _lastUsed, ...key }) => key);
  const protectedLabels = await storage.protectedLabels.list(workspaceId);
  const spans = await storage.spans.recent(workspaceId, 1000);
  const retentionDays = await storage.retention.get(workspaceId);
  return JSON.parse(JSON.stringify({ prompts, details, requests, keys, protectedLabels, spans, retentionDays }));
}
