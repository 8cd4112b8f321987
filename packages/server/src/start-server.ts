import { getRequestListener } from "@hono/node-server";
import { createServer, type RequestListener } from "node:http";
import { InvalidRequestError, type RenderLimits } from "@promptline/core";
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { buildApp, type BuiltApp } from "./app.js";
import type { KeyThrottleOptions } from "./http/key-throttle.js";
import { createTemplateRenderer } from "./render/template-renderer.js";
import type { DashboardOptions } from "./routes/dashboard-routes.js";
import { createRetentionSweeper, type RetentionSweeper, type RetentionSweeperOptions } from "./services/retention-sweeper.js";
import { createRevisionWatcher } from "./services/revision-watcher.js";
import { checkRetentionDays, createStorage, type Storage } from "./storage/index.js";

export interface StartServerOptions extends DashboardOptions {
  /** `sqlite:./promptline.db` (default), `sqlite::memory:`, a file path, or `postgres://…`. */
  database?: string;
  /** PostgreSQL: keep every table in this schema (created if missing), so several installs or test runs can share one database. */
  schema?: string;
  /** Default 8600; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Seeded as an admin key of the default workspace (idempotent): `PROMPTLINE_API_KEY`. */
  apiKey?: string;
  maxBodyBytes?: number;
  /** Failed key attempts per client address (see `CreateAppOptions.keyThrottle`); `false` turns it off. */
  keyThrottle?: KeyThrottleOptions | false;
  logError?: (error: unknown) => void;
  /** Raise (or lower) the render limits (`PROMPTLINE_RENDER_LIMITS` for `promptline serve`). */
  renderLimits?: Partial<RenderLimits>;
  /** Render worker threads (default: one per core but one, 1–4); 0 renders in the process. */
  renderWorkers?: number;
  /**
   * Days a workspace keeps its request log and spans unless it sets its own
   * retention (`--retention-days`, `PROMPTLINE_RETENTION_DAYS`). Unset: kept
   * forever. Older records are deleted in the background (decision 0018).
   */
  retentionDays?: number;
  /**
   * Answer template fetches on node:http before Hono when they can be (decision 0031). Default true;
   * `false` serves every request through Hono (for comparisons: the answers are the same).
   */
  templateFront?: boolean;
  /**
   * Answer `POST /track-request` on node:http before Hono when it can be (decision 0032). Default: as
   * `templateFront`; `false` serves it through Hono.
   */
  trackFront?: boolean;
  /** How the background sweep paces itself (`services/retention-sweeper.ts`); `false` never sweeps (another instance does). */
  retentionSweep?: Pick<RetentionSweeperOptions, "batchSize" | "dutyCycle" | "intervalMs" | "startDelayMs"> | false;
}

/** Shortest operator-chosen session secret (`PROMPTLINE_SESSION_SECRET`): 32 characters, about 190 bits when random. */
export const minSessionSecretLength = 32;

/** Refuses an operator-chosen session secret shorter than `minSessionSecretLength`, naming the variable. */
export function checkSessionSecret(secret: string): void {
  requireLength(
    "PROMPTLINE_SESSION_SECRET",
    secret,
    minSessionSecretLength,
    "Choose a long random value (for example `openssl rand -base64 48`), or unset it and the server keeps one in its database.",
  );
}

/**
 * Shortest operator-chosen key (`PROMPTLINE_API_KEY`). Keys are stored as
 * unsalted SHA-256, which is enough for generated keys (192 random bits) but
 * lets a short human-chosen key be guessed from a stolen database file.
 */
export const minOperatorKeyLength = 24;

/** Refuses an operator-chosen key shorter than `minOperatorKeyLength`, naming the variable. */
export function checkOperatorKey(apiKey: string): void {
  requireLength(
    "PROMPTLINE_API_KEY",
    apiKey,
    minOperatorKeyLength,
    "Choose a longer random key (for example `openssl rand -base64 32`), or unset it and a key is generated on the first start.",
  );
}

/** Refuses an operator-chosen secret in `variable` shorter than `minLength`, naming the variable and saying what to do. */
function requireLength(variable: string, value: string, minLength: number, advice: string): void {
  if (value.length >= minLength) return;
  throw new InvalidRequestError(`${variable} is too short: ${value.length} characters, at least ${minLength} are needed. ${advice}`, [variable]);
}

/**
 * The app as a node:http listener: what @hono/node-server's `serve` listens
 * with, behind the template fetch's front unless `templateFront` is false,
 * and `/track-request`'s unless `trackFront` (default: `templateFront`) is.
 */
export function appListener({ app, templateFront, trackFront }: BuiltApp, options: { hostname: string; templateFront: boolean; trackFront?: boolean }): RequestListener {
  const listener = getRequestListener(app.fetch, { hostname: options.hostname });
  const fronts = [...(options.templateFront ? [templateFront] : []), ...((options.trackFront ?? options.templateFront) ? [trackFront] : [])];
  if (fronts.length === 0) return listener;
  // A request a front read the body of goes on with that body (`rawBody`), already ended: nothing for the adapter to drain.
  const afterBody = getRequestListener(app.fetch, { hostname: options.hostname, autoCleanupIncoming: false });
  return fronts.reduce<RequestListener>((next, front) => front.listener(next, afterBody), listener);
}

/** How long `close()` lets requests in flight finish before cutting their connections. */
const closeGraceMs = 2000;

export interface RunningServer {
  url: string;
  port: number;
  storage: Storage;
  /** The admin key created on a first start without `apiKey`: shown once. */
  createdApiKey: string | null;
  /** The background retention sweep; undefined with `retentionSweep: false`. */
  retention: RetentionSweeper | undefined;
  /** Stops listening, lets requests in flight finish (up to 2 s), then closes the database. */
  close(): Promise<void>;
}

/**
 * Opens the database (running migrations), makes sure the default workspace
 * and an admin key exist, and listens. The server keeps no state of its own,
 * so several instances can share one PostgreSQL database.
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  // Before the database is opened, so the error can't be mistaken for a database problem.
  if (options.apiKey !== undefined) checkOperatorKey(options.apiKey);
  if (options.sessionSecret !== undefined) checkSessionSecret(options.sessionSecret);
  if (options.retentionDays !== undefined) checkRetentionDays(options.retentionDays, "retentionDays");
  const storage = await createStorage(options.database ?? "sqlite:./promptline.db", {
    ...(options.schema !== undefined && { schema: options.schema }),
  });
  try {
    const workspace = await storage.workspaces.ensureDefault();
    let createdApiKey: string | null = null;
    if (options.apiKey) {
      await storage.apiKeys.ensure(workspace.id, options.apiKey, { name: "PROMPTLINE_API_KEY", admin: true });
    } else if ((await storage.apiKeys.list(workspace.id)).length === 0) {
      createdApiKey = (await storage.apiKeys.create(workspace.id, { name: "first admin key", admin: true })).plaintext;
    }
    // Without an operator's secret, the one kept in the database: sign-ins survive restarts and are shared by every instance.
    const sessionSecret = options.sessionSecret ?? (await storage.sessions.signingSecret(randomBytes(32).toString("base64url")));
    const revisionWatcher = createRevisionWatcher({
      readRevision: (workspaceId) => storage.workspaces.registryRevision(workspaceId),
      ...(options.logError && { onError: options.logError }),
    });
    const renderer = createTemplateRenderer({ limits: options.renderLimits, workers: options.renderWorkers });
    const built = buildApp({
      storage,
      revisionWatcher,
      renderer,
      ...(options.maxBodyBytes !== undefined && { maxBodyBytes: options.maxBodyBytes }),
      ...(options.keyThrottle !== undefined && { keyThrottle: options.keyThrottle }),
      ...(options.logError && { logError: options.logError }),
      ...(options.dashboardDir && { dashboardDir: options.dashboardDir }),
      ...(options.playground && { playground: options.playground }),
      sessionSecret,
      ...(options.retentionDays !== undefined && { retentionDays: options.retentionDays }),
    });
    const host = options.host ?? "127.0.0.1";
    const templateFront = options.templateFront !== false;
    const server = createServer(appListener(built, { hostname: host, templateFront, trackFront: options.trackFront ?? templateFront }));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 8600, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    const retention =
      options.retentionSweep === false
        ? undefined
        : createRetentionSweeper({
            storage,
            defaultDays: options.retentionDays ?? null,
            ...options.retentionSweep,
            ...(options.logError && { onError: options.logError }),
          });
    return {
      url: `http://${host}:${port}`,
      port,
      storage,
      createdApiKey,
      retention,
      async close() {
        // Stop taking connections, let requests in flight finish (up to a grace period, then cut them),
        // then close the storage, which waits for log records still being committed.
        const connections = server as unknown as { closeIdleConnections?: () => void; closeAllConnections?: () => void };
        // Long polls of the registry revision would hold the close for their timeout: answer them now.
        revisionWatcher.close();
        await new Promise<void>((resolve) => {
          const cut = setTimeout(() => connections.closeAllConnections?.(), closeGraceMs);
          server.close(() => {
            clearTimeout(cut);
            resolve();
          });
          connections.closeIdleConnections?.();
        });
        await retention?.close();
        await renderer.close();
        await storage.close();
      },
    };
  } catch (error) {
    await storage.close();
    throw error;
  }
}
