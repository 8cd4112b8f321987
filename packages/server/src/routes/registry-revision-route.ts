import type { Context } from "hono";
import type { AppEnv } from "../app-env.js";
import { errorBody } from "../http/error-handler.js";
import { parseWith } from "../http/read-json.js";
import type { RevisionWatcher } from "../services/revision-watcher.js";
import { registryRevisionQuery } from "@promptline/core/wire";

/**
 * `GET /api/v1/registry/revision?after=N&timeout_ms=T` (decision 0008): the
 * workspace's registry revision, `{revision}`. Answered at once when it is
 * not `after` (or `after` is absent); otherwise held until a registry write
 * on any instance sharing the database raises it, or `timeout_ms` passes
 * (then the same revision, and the client asks again). The SDK keeps one
 * such request open on one keep-alive connection and refreshes its cache
 * when the answer differs from what it had.
 */
export async function registryRevision(c: Context<AppEnv>, watcher: RevisionWatcher) {
  const { after, timeout_ms: timeoutMs } = parseWith(registryRevisionQuery, c.req.query(), "query");
  const workspaceId = c.var.workspaceId;
  if (watcher.closed) return shuttingDown(c);
  const now = (await watcher.current(workspaceId)) ?? 0;
  if (after === undefined || now !== after) return c.json({ revision: now });
  const revision = await new Promise<number>((resolve) => {
    let settled = false;
    let unsubscribe = () => {};
    let stopOnClose = () => {};
    const timer = setTimeout(() => finish(after), timeoutMs);
    function finish(value: number) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe();
      stopOnClose();
      resolve(value);
    }
    const subscription = watcher.subscribe(workspaceId, (changed) => {
      if (changed !== after) finish(changed);
    });
    unsubscribe = subscription;
    // A server shutting down answers what it has: the client asks again, elsewhere or after the restart.
    stopOnClose = watcher.onClose(() => finish(-1));
    // A client gone (closed, restarted) needs no answer: stop watching for it.
    c.req.raw.signal.addEventListener("abort", () => finish(after), { once: true });
    // A write between the first read and the subscription: look once more. A read that fails (the storage
    // closing under a shutdown) changes nothing: the subscription and the watcher's own polls still answer.
    void watcher.current(workspaceId).then(
      (again) => {
        if (again !== undefined && again !== after) finish(again);
      },
      () => undefined,
    );
  });
  if (revision === -1) return shuttingDown(c);
  return c.json({ revision });
}

/** The server is stopping: a 503 that also closes the connection, so the client backs off and reconnects to whoever answers next. */
function shuttingDown(c: Context<AppEnv>) {
  c.header("connection", "close");
  c.header("retry-after", "1");
  return c.json(errorBody("http_error", "The server is shutting down: ask again shortly."), 503);
}
