import { randomUUID } from "node:crypto";
import { randomIdBytes, uuidv7, type RenderLimits } from "@promptline/core";
import { Hono } from "hono";
import type { AppEnv } from "./app-env.js";
import { defaultMaxBytesBeforeKey, requireApiKey } from "./http/auth.js";
import { keyUsageRecorder } from "./http/key-usage.js";
import { errorBody, toErrorResponse } from "./http/error-handler.js";
import { KeyThrottle, type KeyThrottleOptions } from "./http/key-throttle.js";
import { requireJsonBody } from "./http/read-json.js";
import { createTemplateFetchFront, type TemplateFetchFront } from "./http/template-fetch-front.js";
import { createTrackRequestFront } from "./http/track-request-front.js";
import type { NodeFront } from "./http/node-front.js";
import { limitBodySize } from "./http/request-body.js";
import { mountPermissions, requirePermission } from "./http/permissions.js";
import { createSessions, csrfHeaderName, sessionCookieName } from "./http/session.js";
import { apiV1Permissions, apiV1Routes } from "./routes/api-v1-routes.js";
import { dashboardApiPermissions, dashboardApiRoutes, dashboardRoutes, type DashboardOptions, type PlaygroundRegistry } from "./routes/dashboard-routes.js";
import { buildOpenApiDocument } from "./routes/openapi.js";
import { createTemplateRenderer, type TemplateRenderer } from "./render/template-renderer.js";
import { promptLayerPermissions, promptLayerRoutes, takesKeyInBody, templateFetchRoute } from "./routes/promptlayer-routes.js";
import { traceIngestPermissions, traceIngestRoutes } from "./routes/trace-routes.js";
import { createRevisionWatcher, type RevisionWatcher } from "./services/revision-watcher.js";
import { createTemplateFetch } from "./services/template-response.js";
import { createTrackRequest } from "./services/track-request.js";
import type { ApiKeyRecord, Storage } from "./storage/index.js";

export interface CreateAppOptions extends DashboardOptions {
  storage: Storage;
  /** Largest accepted request body. Default 10 MiB. */
  maxBodyBytes?: number;
  /**
   * On PromptLayer's routes that take `api_key` in the body: how many bytes
   * are read before the key must have come (and been checked). Default 1 MiB.
   */
  maxBodyBytesBeforeKey?: number;
  /**
   * Failed key attempts per client address (`http/key-throttle.ts`): by default
   * 20 in a burst, then one per 3 s; `false` turns it off.
   */
  keyThrottle?: KeyThrottleOptions | false;
  /** Mints request ids for requests logged through PromptLayer's routes. Default: UUIDv7. */
  mintRequestId?: () => string;
  /** Where unexpected errors are reported. Default: `console.error`. */
  logError?: (error: unknown) => void;
  /**
   * Raise (or lower) the render limits of every template the server renders
   * (`RenderLimits`, docs/reliability.md). Going over one is a 400 `template_limit`.
   */
  renderLimits?: Partial<RenderLimits>;
  /** Render worker threads for templates that render long (default: one per core but one, 1–4); 0 renders in the process. */
  renderWorkers?: number;
  /** The renderer itself (tests); by default one is made from `renderLimits` and `renderWorkers`; `startServer` closes its own on shutdown. */
  renderer?: TemplateRenderer;
  /**
   * Days a workspace without a retention of its own keeps its request log and
   * spans (`--retention-days`), as `GET /api/v1/workspace/retention` reports it.
   * Deleting is `startServer`'s background sweep (`services/retention-sweeper.ts`).
   */
  retentionDays?: number;
  /** Streams registry revisions to SDK clients (`/api/v1/registry/revision`). Default: one polling `storage`; `startServer` closes its own on shutdown. */
  revisionWatcher?: RevisionWatcher;
}

export const serverVersion = "0.1.0";

const defaultMintRequestId = () => uuidv7(Date.now(), randomIdBytes());

/**
 * The whole HTTP API as a Hono app, with no port: `main` (or a test) decides
 * how to serve it. PromptLayer's routes at the root, ours under `/api/v1`.
 */
export function createApp(options: CreateAppOptions): Hono<AppEnv> {
  return buildApp(options).app;
}

/**
 * The app, and the node:http fronts of its template fetch (decision 0031) and
 * `/track-request` (decision 0032), sharing one key throttle, key-use record,
 * answer cache and route steps with it.
 */
export interface BuiltApp {
  app: Hono<AppEnv>;
  /** `startServer` puts it before the app's node:http listener; `app.request` and other runtimes never see it. */
  templateFront: TemplateFetchFront;
  /** The same for `POST /track-request`. */
  trackFront: NodeFront;
}

/** `createApp`, with the node:http fronts. */
export function buildApp(options: CreateAppOptions): BuiltApp {
  const { storage } = options;
  const revisionWatcher =
    options.revisionWatcher ?? createRevisionWatcher({
      readRevision: (workspaceId) => storage.workspaces.registryRevision(workspaceId),
      ...(options.logError && { onError: options.logError }),
    });
  const renderer =
    options.renderer ?? createTemplateRenderer({ limits: options.renderLimits, workers: options.renderWorkers });
  const mintRequestId = options.mintRequestId ?? defaultMintRequestId;
  const dependencies = {
    storage,
    mintRequestId,
    revisionWatcher,
    renderer,
    templateFetch: createTemplateFetch(storage, renderer),
    trackRequest: createTrackRequest(storage, mintRequestId),
    retentionDays: options.retentionDays ?? null,
  };
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const app = new Hono<AppEnv>();

  app.onError((error, c) => toErrorResponse(error, c, options.logError));
  app.notFound((c) => c.json(errorBody("invalid_request", `No route ${c.req.method} ${c.req.path}.`), 404));

  app.use("*", limitBodySize(maxBodyBytes));

  app.get("/healthz", async (c) => {
    await storage.ping();
    return c.json({ ok: true, database: storage.dialect, version: serverVersion });
  });
  const openApi = buildOpenApiDocument(serverVersion);
  app.get("/api/v1/openapi.json", (c) => c.json(openApi));

  const sessions = createSessions({ storage, ...(options.sessionSecret && { secret: options.sessionSecret }) });
  const keyThrottle = options.keyThrottle === false ? undefined : new KeyThrottle(options.keyThrottle);
  app.route("/", dashboardRoutes({ storage, sessions, dashboardDir: options.dashboardDir, keyThrottle }));

  // The playground's SDK client reads templates and ships logs through the app itself, signed in as the caller.
  const playgroundOrigin = `http://playground-${randomUUID()}.invalid`;
  const registryAs = (key: ApiKeyRecord): PlaygroundRegistry => {
    const cookie = `${sessionCookieName}=${sessions.issue(key)}`;
    return {
      baseURL: playgroundOrigin,
      fetch: async (input, init) => {
        const request = new Request(input, init);
        if (new URL(request.url).origin !== playgroundOrigin) throw new TypeError(`The playground's registry fetch only serves ${playgroundOrigin}.`);
        const headers = new Headers(request.headers);
        headers.delete("x-api-key");
        headers.delete("authorization");
        headers.set("cookie", cookie);
        headers.set(csrfHeaderName, "1");
        return app.fetch(new Request(request, { headers }));
      },
    };
  };

  // Everything registered so far answers without a key (the trace routes below check their own).
  const publicRoutes = new Set(app.routes.filter((route) => route.method !== "ALL").map((route) => `${route.method} ${route.path}`));

  // Before `authenticated`: their bodies are protobuf or gzip, not the JSON its middleware reads. Key from the header only, checked before the body.
  app.route("/", traceIngestRoutes(dependencies, requireApiKey(storage, sessions.keyFromCookie), requirePermission(traceIngestPermissions)));

  // The node:http fronts of the template fetch and `/track-request` (`http/template-fetch-front.ts`,
  // `http/track-request-front.ts`, decisions 0031, 0032) make these steps themselves for their route: a new
  // check here must be made there too, or make the fronts hand the request on.
  const authenticated = new Hono<AppEnv>();
  const recordKeyUse = keyUsageRecorder(storage, { ...(options.logError && { logError: options.logError }) });
  authenticated.use(
    "*",
    requireApiKey(
      storage,
      sessions.keyFromCookie,
      {
        takesKeyInBody,
        ...(options.maxBodyBytesBeforeKey !== undefined && { maxBytesBeforeKey: options.maxBodyBytesBeforeKey }),
      },
      recordKeyUse,
      keyThrottle,
    ),
  );
  // Every authenticated route has a row here (decision 0007); the key's role must reach it, whatever the body says.
  authenticated.use(
    "*",
    requirePermission(
      {
        ...mountPermissions("/api/v1", dashboardApiPermissions),
        ...mountPermissions("/api/v1", apiV1Permissions),
        ...mountPermissions("/", promptLayerPermissions),
      },
      publicRoutes,
    ),
  );
  authenticated.use("*", requireJsonBody);
  authenticated.route("/api/v1", dashboardApiRoutes({ storage, playground: options.playground, registryAs }));
  authenticated.route("/api/v1", apiV1Routes(dependencies));
  authenticated.route("/", promptLayerRoutes(dependencies));
  app.route("/", authenticated);

  const templateFront = createTemplateFetchFront({
    storage,
    templateFetch: dependencies.templateFetch,
    role: promptLayerPermissions[`POST ${templateFetchRoute}`]!,
    maxBodyBytes,
    throttle: keyThrottle,
    onAuthenticated: recordKeyUse,
  });
  const trackFront = createTrackRequestFront({
    storage,
    trackRequest: dependencies.trackRequest,
    role: promptLayerPermissions["POST /track-request"]!,
    maxBodyBytes,
    maxBytesBeforeKey: options.maxBodyBytesBeforeKey ?? defaultMaxBytesBeforeKey,
    throttle: keyThrottle,
    onAuthenticated: recordKeyUse,
    ...(options.logError && { logError: options.logError }),
  });
  return { app, templateFront, trackFront };
}
