import { Hono } from "hono";
import { describe, expect, it, vi } from "vitest";
import type { AppEnv } from "../app-env.js";
import type { RevisionWatcher } from "../services/revision-watcher.js";
import { registryRevision } from "./registry-revision-route.js";

/** A watcher whose first read answers `revision` and whose later reads fail, as the storage's do while it closes. */
function closingWatcher(revision: number) {
  const listeners = new Set<(revision: number) => void>();
  let reads = 0;
  const watcher: RevisionWatcher = {
    subscribe: (_workspaceId, listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    current: () => (++reads === 1 ? Promise.resolve(revision) : Promise.reject(new Error("driver has already been destroyed"))),
    close: () => undefined,
    closed: false,
    onClose: () => () => undefined,
  };
  return { watcher, listeners, reads: () => reads };
}

describe("GET /api/v1/registry/revision (long poll)", () => {
  it("keeps waiting, and leaves no unhandled rejection, when its second look at the revision fails", async () => {
    const { watcher, listeners, reads } = closingWatcher(4);
    const app = new Hono<AppEnv>();
    app.use(async (c, next) => {
      c.set("workspaceId", 1);
      await next();
    });
    app.get("/revision", (c) => registryRevision(c, watcher));
    const unhandled = vi.fn();
    process.on("unhandledRejection", unhandled);
    try {
      const answer = app.request("/revision?after=4&timeout_ms=5000");
      await vi.waitFor(() => expect(reads()).toBe(2));
      await new Promise((resolve) => setImmediate(resolve));
      // The failed look changed nothing: a write seen by the subscription still answers the poll.
      for (const listener of listeners) listener(5);
      const response = await answer;
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ revision: 5 });
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off("unhandledRejection", unhandled);
    }
  });
});
