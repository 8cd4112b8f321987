import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { PromptlineError, UnauthorizedError, type MissingProviderKeyError, type PromptBlueprint, type ProviderError } from "@promptline/core";
import { playgroundRunBody, requestStatsQuery, signInBody } from "@promptline/core/wire";
import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { streamSSE } from "hono/streaming";
import type { AppEnv } from "../app-env.js";
import type { RoutePermissions } from "../http/permissions.js";
import { keyLookUp } from "../http/auth.js";
import type { KeyThrottle } from "../http/key-throttle.js";
import { parseWith, readBody } from "../http/read-json.js";
import { limitBodySize } from "../http/request-body.js";
import { csrfHeaderName, sessionCookieName, sessionTtlSeconds, type Sessions } from "../http/session.js";
import { errorBody } from "../http/error-handler.js";
import { expandTemplateSnippets } from "../services/template-response.js";
import type { ApiKeyRecord, Storage } from "../storage/index.js";
import { assertRunnable } from "./publish-checks.js";
import { registryWithDraft } from "./playground-draft.js";

/** What the playground asks the runner to do. */
export interface PlaygroundRunInput {
  prompt_name: string;
  /** A version number, or a release label (which wins), or neither for the newest. */
  version?: number;
  label?: string;
  input_variables: Record<string, unknown>;
  /** Run on another provider and/or model. */
  provider?: string;
  model?: string;
  /** Merged last into the model parameters. */
  parameters?: Record<string, unknown>;
  tags: string[];
  metadata: Record<string, string>;
}

/** One streamed chunk: the SDK's `RunChunk` fits. The assistant's delta is the last message of `prompt_blueprint` until `done`. */
export interface PlaygroundChunk {
  request_id: string;
  prompt_blueprint: PromptBlueprint;
  done: boolean;
}

/**
 * The registry as the signed-in caller sees it, for the playground's SDK
 * client: `new Promptline({ baseURL, fetch })` (routing only `baseURL`'s
 * requests to this `fetch`). Requests go to the app in-process with the
 * caller's identity, so the template is read from, and the run logged into,
 * the caller's workspace under the caller's role. `baseURL` is a random
 * `.invalid` origin no template can name.
 */
export interface PlaygroundRegistry {
  baseURL: string;
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
}

/** What the playground runner gets with each run. */
export interface PlaygroundRunContext {
  /** The caller's workspace. */
  workspaceId: number;
  signal: AbortSignal;
  /** Where the run's template comes from; for a draft run it serves the draft, so a runner must read the template through it. */
  registry: PlaygroundRegistry;
}

/**
 * Runs prompts for the dashboard's playground. The server may not depend on
 * the SDK, so whoever starts it (the CLI, a test) injects one built on
 * `Promptline`; its runs are logged like any other, in the caller's workspace.
 * It must apply the SDK's trusted-endpoint rule with the server's keys (a
 * template's `base_url` is followed only to a trusted origin) and throw
 * `PromptlineError`s for the caller's mistakes, which become 4xx answers.
 */
export interface PlaygroundRunner {
  run(input: PlaygroundRunInput, context: PlaygroundRunContext): Promise<AsyncIterable<PlaygroundChunk>>;
  /** Waits until the run's log has reached the registry, so the dashboard can link to it (a runner may do it in its stream instead). */
  flush?(): Promise<unknown>;
}

/** What `createApp` takes for the dashboard. */
export interface DashboardOptions {
  /** The built dashboard (`packages/web/dist`), served at `/`. No dashboard when absent. */
  dashboardDir?: string;
  /** Enables `POST /api/v1/playground/run`. */
  playground?: PlaygroundRunner;
  /**
   * Signs session cookies; every instance behind a load balancer needs the same one. `startServer` passes
   * `PROMPTLINE_SESSION_SECRET` or the secret kept in the database; `createApp` alone defaults to random per process.
   */
  sessionSecret?: string;
}

const signInMaxBodyBytes = 4096;

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

/** Paths the dashboard's router owns: a reload there gets index.html. */
const clientRoutes = /^\/(?:login|prompts(?:\/.*)?|requests(?:\/.*)?|playground|admin)?\/?$/;

const htmlHeaders = {
  "cache-control": "no-cache",
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
};

function sessionView(key: ApiKeyRecord) {
  return { key: { id: key.id, name: key.name, prefix: key.prefix, role: key.role, admin: key.admin }, workspace_id: key.workspace_id };
}

/**
 * The dashboard's public side, mounted before authentication: sign-in and
 * sign-out (`/api/session`) and the built files with a fallback to
 * index.html for the dashboard's own routes.
 */
export function dashboardRoutes({
  storage,
  sessions,
  dashboardDir,
  keyThrottle,
}: {
  storage: Storage;
  sessions: Sessions;
  dashboardDir?: string | undefined;
  /** Wrong keys at sign-in count against the address like anywhere else. */
  keyThrottle?: KeyThrottle | undefined;
}) {
  const app = new Hono<AppEnv>();

  // Signing in is unauthenticated by nature: read no more than a key needs.
  app.post("/api/session", limitBodySize(signInMaxBodyBytes), async (c) => {
    if (c.req.header(csrfHeaderName) !== "1") throw new UnauthorizedError(`Sign-in needs the ${csrfHeaderName}: 1 header.`);
    const { api_key } = await readBody(c, signInBody);
    const key = await keyLookUp(storage, keyThrottle, c)(api_key.trim());
    if (!key) throw new UnauthorizedError("That API key is not valid (or was revoked). Check it and try again.");
    setCookie(c, sessionCookieName, sessions.issue(key), {
      httpOnly: true,
      sameSite: "Strict",
      path: "/",
      maxAge: sessionTtlSeconds,
      secure: new URL(c.req.url).protocol === "https:",
    });
    return c.json(sessionView(key));
  });

  app.get("/api/session", async (c) => {
    const key = await sessions.keyFromCookie(c);
    if (!key) throw new UnauthorizedError("Not signed in.");
    return c.json(sessionView(key));
  });

  // Signing out ends the session for good (every instance refuses the token), not only in this browser.
  app.delete("/api/session", async (c) => {
    await sessions.revoke(getCookie(c, sessionCookieName));
    deleteCookie(c, sessionCookieName, { path: "/" });
    return c.body(null, 204);
  });

  if (dashboardDir) {
    const root = normalize(dashboardDir);
    const file = async (relative: string) => {
      const path = normalize(join(root, relative));
      if (!path.startsWith(root + sep)) return undefined;
      try {
        if (!(await stat(path)).isFile()) return undefined;
        return { body: await readFile(path), type: contentTypes[extname(path)] ?? "application/octet-stream" };
      } catch {
        return undefined;
      }
    };
    const index = async (c: Context) => {
      const found = await file("index.html");
      if (!found) return c.text("The dashboard is not built: run `npm run build -w @promptline/web`.", 503);
      return c.body(new Uint8Array(found.body), 200, { "content-type": found.type, ...htmlHeaders });
    };

    // Vite names built assets by content hash: cache them for good.
    app.get("/assets/*", async (c) => {
      let path: string;
      try {
        path = decodeURIComponent(c.req.path);
      } catch {
        return c.text("Not found.", 404); // a malformed escape (`/assets/%`) names no file
      }
      const found = await file(path);
      if (!found) return c.text("Not found.", 404);
      return c.body(new Uint8Array(found.body), 200, {
        "content-type": found.type,
        "cache-control": "public, max-age=31536000, immutable",
        "x-content-type-options": "nosniff",
      });
    });
    app.get("/:file{[A-Za-z0-9_-]+\\.(?:svg|ico|png|txt)}", async (c, next) => {
      const found = await file(c.req.param("file"));
      if (!found) return next();
      return c.body(new Uint8Array(found.body), 200, { "content-type": found.type, "cache-control": "public, max-age=3600" });
    });
    app.get("*", async (c, next) => (clientRoutes.test(c.req.path) ? index(c) : next()));
  }
  return app;
}

/**
 * A missing provider key, said so that whoever reads it in the browser knows
 * where to set it: on the server's process, whose environment the playground
 * runs with, not in the browser or the shell they are typing in.
 */
function missingKeyAnswer(error: Pick<MissingProviderKeyError, "provider" | "envVars">) {
  const message = `No API key for ${error.provider}: the playground runs prompts on the Promptline server, with the server's environment. Set ${error.envVars.join(" or ")} in the environment of the server process (pid ${process.pid}, the one running \`promptline serve\`) and restart it.`;
  return errorBody("missing_provider_key", message, { provider: error.provider, env_vars: error.envVars, server_pid: process.pid });
}

/** A missing provider key, by its code: the runner's copy of core may not be the server's (`instanceof` would miss it). */
function asMissingKey(error: unknown): MissingProviderKeyError | undefined {
  return PromptlineError.isInstance(error) && error.code === "missing_provider_key" ? (error as MissingProviderKeyError) : undefined;
}

/** What the page shows of a failure during the run, with the request id of its logged record. */
function failureEvent(error: unknown) {
  const missingKey = asMissingKey(error);
  if (missingKey) return { ...missingKeyAnswer(missingKey).error, ...(missingKey.requestId && { request_id: missingKey.requestId }) };
  const message = PromptlineError.isInstance(error) ? error.message : error instanceof Error ? error.message : "The run failed.";
  return {
    message,
    ...(PromptlineError.isInstance(error) && { code: error.code, ...(error.requestId && { request_id: error.requestId }) }),
    ...(PromptlineError.isInstance(error) && error.code === "provider_error" && { error_type: (error as ProviderError).errorType }),
  };
}

const asList = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** The text of the assistant message a chunk carries. */
function chunkText(chunk: PlaygroundChunk): string {
  const template = chunk.prompt_blueprint.prompt_template;
  const message = template.type === "chat" ? template.messages.at(-1) : undefined;
  const content = template.type === "chat" ? (message?.content ?? []) : template.content;
  return content.map((part) => (part.type === "text" ? part.text : "")).join("");
}

/** Who may call each of the dashboard's routes below (mounted at `/api/v1`), see `http/permissions.ts`. */
export const dashboardApiPermissions: RoutePermissions = {
  "GET /requests/stats": "runner",
  "POST /playground/run": "runner",
};

/**
 * The dashboard's routes that need a signed-in caller, mounted under
 * `/api/v1` before the other `/api/v1` routes (`/requests/stats` would
 * otherwise read as a request id).
 */
export function dashboardApiRoutes({
  storage,
  playground,
  registryAs,
}: {
  storage: Storage;
  playground?: PlaygroundRunner | undefined;
  /** The registry as a key sees it (see `PlaygroundRegistry`). */
  registryAs?: ((key: ApiKeyRecord) => PlaygroundRegistry) | undefined;
}) {
  const app = new Hono<AppEnv>();

  app.get("/requests/stats", async (c) => {
    const all = Object.fromEntries(Object.entries(c.req.queries()).map(([key, values]) => [key, values.length === 1 ? values[0]! : values]));
    const query = parseWith(requestStatsQuery, all, "query");
    const metadata: Record<string, string> = {};
    for (const pair of asList(query.metadata)) {
      const colon = pair.indexOf(":");
      if (colon > 0) metadata[pair.slice(0, colon)] = pair.slice(colon + 1);
    }
    const buckets = await storage.requests.stats(c.var.workspaceId, {
      bucket: query.bucket,
      ...(query.prompt && { prompt_name: query.prompt }),
      ...(query.version && { prompt_version: query.version }),
      ...(query.label && { prompt_label: query.label }),
      ...(query.tag && { tags: asList(query.tag) }),
      ...(Object.keys(metadata).length > 0 && { metadata }),
      ...(query.status && { status: query.status }),
      ...(query.provider && { provider: query.provider }),
      ...(query.model && { model: query.model }),
      ...(query.from && { from: new Date(query.from).toISOString() }),
      ...(query.to && { to: new Date(query.to).toISOString() }),
    });
    return c.json({ bucket: query.bucket, buckets });
  });

  app.post("/playground/run", async (c) => {
    if (!playground || !registryAs) {
      return c.json({ success: false, message: "The playground is not enabled on this server.", error: { code: "not_enabled", message: "The playground is not enabled on this server." } }, 501);
    }
    const body = await readBody(c, playgroundRunBody);
    const workspaceId = c.var.workspaceId;
    let registry = registryAs(c.var.apiKey);
    const metadata = { ...body.metadata };
    if (body.draft) {
      // The same refusals as publishing, unless the run names its own provider and model.
      if (!body.provider && !body.model) assertRunnable(body.draft.prompt_template, body.draft.metadata);
      const { template, snippets } = await expandTemplateSnippets(storage, workspaceId, body.draft.prompt_template);
      registry = registryWithDraft(registry, { promptName: body.prompt_name, template, snippets, metadata: body.draft.metadata ?? {} });
      metadata.playground_draft_of = body.version ? `v${body.version}` : body.label ? body.label : "latest";
    }
    const abort = new AbortController();
    c.req.raw.signal.addEventListener("abort", () => abort.abort(), { once: true });
    // Start the run before the stream so a bad request (missing variables, unknown prompt, no provider key) is an ordinary JSON error.
    let chunks: AsyncIterable<PlaygroundChunk>;
    try {
      chunks = await playground.run(
        {
          prompt_name: body.prompt_name,
          ...(body.version && { version: body.version }),
          // A draft replaces whatever the label points at: read the template by version (or the newest), never by a split label.
          ...(body.label && !body.draft && { label: body.label }),
          input_variables: body.input_variables,
          ...(body.provider && { provider: body.provider }),
          ...(body.model && { model: body.model }),
          ...(body.parameters && { parameters: body.parameters }),
          tags: body.tags,
          metadata,
        },
        { workspaceId, signal: abort.signal, registry },
      );
    } catch (error) {
      const missingKey = asMissingKey(error);
      if (missingKey) return c.json(missingKeyAnswer(missingKey), 400);
      throw error;
    }
    return streamSSE(c, async (stream) => {
      stream.onAbort(() => abort.abort());
      try {
        for await (const chunk of chunks) {
          if (!chunk.done) {
            const text = chunkText(chunk);
            if (text) await stream.writeSSE({ event: "delta", data: JSON.stringify({ request_id: chunk.request_id, text }) });
            continue;
          }
          await playground.flush?.();
          // Tokens, cost and latency as logged (the log reached the registry before the last chunk).
          const logged = await storage.requests.get(workspaceId, chunk.request_id);
          await stream.writeSSE({
            event: "done",
            data: JSON.stringify({
              request_id: chunk.request_id,
              text: chunkText(chunk),
              prompt_blueprint: chunk.prompt_blueprint,
              ...(logged && { provider: logged.provider, model: logged.model, usage: logged.usage, cost_usd: logged.cost_usd, latency_ms: logged.latency_ms, prompt_version: logged.prompt_version }),
            }),
          });
        }
      } catch (error) {
        await playground.flush?.();
        await stream.writeSSE({ event: "error", data: JSON.stringify(failureEvent(error)) });
      }
    });
  });

  return app;
}
