import { LRUCache } from "lru-cache";
import type { ApiKeyRecord, Storage } from "../storage/index.js";

export interface KeyUsageOptions {
  /** The shortest time between two writes for one key on this instance. Default 60 000 ms. */
  intervalMs?: number;
  now?: () => number;
  /** Where a failed write is reported; it never fails the request. */
  logError?: (error: unknown) => void;
}

/** Keys remembered at most; beyond it the memory starts over (a few extra writes, never unbounded growth). */
const maxTrackedKeys = 10_000;

/**
 * Records that a key authenticated a request (`last_used_at`, shown in the
 * dashboard's key list), without making the request wait: at most one write
 * per key per `intervalMs` on this instance, so "last used" is accurate to
 * about a minute and the hot path pays a map lookup.
 */
export function keyUsageRecorder(storage: Storage, options: KeyUsageOptions = {}): (key: ApiKeyRecord) => void {
  const intervalMs = options.intervalMs ?? 60_000;
  const now = options.now ?? Date.now;
  const lastWrite = new LRUCache<number, number>({ max: maxTrackedKeys });
  return (key) => {
    const at = now();
    const previous = lastWrite.get(key.id);
    if (previous !== undefined && at - previous < intervalMs) return;
    lastWrite.set(key.id, at);
    storage.apiKeys.markUsed(key.workspace_id, key.id, new Date(at).toISOString()).catch((error: unknown) => (options.logError ?? console.error)(error));
  };
}
