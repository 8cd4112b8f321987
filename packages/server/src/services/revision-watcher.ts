/**
 * Watches the registry revision of the workspaces someone listens to
 * (`GET /api/v1/registry/revision?after=N`, decision 0008). One poll per interval per
 * watched workspace, whatever the number of listeners: an indexed read of
 * one row, so any instance's write on the same database (PostgreSQL, or one
 * SQLite file) reaches this instance's listeners within an interval.
 */
export interface RevisionWatcher {
  /** Calls `listener` with each new revision of the workspace; returns the unsubscribe. */
  subscribe(workspaceId: number, listener: (revision: number) => void): () => void;
  /** The revision now (one read). */
  current(workspaceId: number): Promise<number | undefined>;
  /** Stops polling and tells every waiting request (`onClose`). */
  close(): void;
  /** True once `close()` ran. */
  readonly closed: boolean;
  /** Called when the watcher closes, so open streams end and the server can stop at once. */
  onClose(callback: () => void): () => void;
}

export interface RevisionWatcherOptions {
  readRevision: (workspaceId: number) => Promise<number | undefined>;
  /** Default 150 ms: well inside the 2 s freshness bound, a few cheap reads a second. */
  intervalMs?: number;
  onError?: (error: unknown) => void;
}

export function createRevisionWatcher(options: RevisionWatcherOptions): RevisionWatcher {
  const intervalMs = options.intervalMs ?? 150;
  const watched = new Map<number, { revision: number | undefined; listeners: Set<(revision: number) => void> }>();
  const closeCallbacks = new Set<() => void>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let polling = false;
  let closed = false;

  async function poll(): Promise<void> {
    if (polling) return;
    polling = true;
    try {
      for (const [workspaceId, entry] of watched) {
        const revision = await options.readRevision(workspaceId);
        if (revision === undefined || revision === entry.revision) continue;
        entry.revision = revision;
        for (const listener of entry.listeners) listener(revision);
      }
    } catch (error) {
      options.onError?.(error);
    } finally {
      polling = false;
    }
  }

  return {
    subscribe(workspaceId, listener) {
      let entry = watched.get(workspaceId);
      if (!entry) {
        entry = { revision: undefined, listeners: new Set() };
        watched.set(workspaceId, entry);
      }
      entry.listeners.add(listener);
      if (!timer && !closed) {
        timer = setInterval(() => void poll(), intervalMs);
        // Listening sockets keep a server alive; this timer alone must not.
        timer.unref?.();
      }
      return () => {
        entry.listeners.delete(listener);
        if (entry.listeners.size === 0) watched.delete(workspaceId);
        if (watched.size === 0 && timer) {
          clearInterval(timer);
          timer = undefined;
        }
      };
    },
    current: (workspaceId) => options.readRevision(workspaceId),
    get closed() {
      return closed;
    },
    close() {
      closed = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      for (const callback of [...closeCallbacks]) callback();
      closeCallbacks.clear();
    },
    onClose(callback) {
      if (closed) {
        callback();
        return () => {};
      }
      closeCallbacks.add(callback);
      return () => {
        closeCallbacks.delete(callback);
      };
    },
  };
}
