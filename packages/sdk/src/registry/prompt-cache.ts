import { PromptArchivedError, PromptNotFoundError, RegistryError } from "@promptline/core/errors";
import { LRUCache } from "lru-cache";
import { backoffMs } from "../backoff.js";
import { isTransientRegistryError } from "./registry-client.js";

/** Which version of a prompt: a number, a release label, or the newest. */
export interface PromptSelector {
  name: string;
  version?: number | undefined;
  label?: string | undefined;
}

export interface PromptCacheOptions<T> {
  /** Fetches a fresh value; the signal fires when the cache gives up waiting. */
  load: (selector: PromptSelector, signal: AbortSignal) => Promise<T>;
  /** How long a value is fresh. After that it is served stale while a refresh runs. */
  ttlMs: number;
  /** The longest a fetch may take (a miss waits at most this long) before it counts as failed. */
  fetchTimeoutMs: number;
  /**
   * A value to use when the registry can't give one (cold start, registry down
   * or hung). Not used when the registry answers that the prompt doesn't exist:
   * that is an error to see, not to hide.
   */
  fallback?: (selector: PromptSelector) => T | undefined | Promise<T | undefined>;
  /** Most entries kept; the least recently used go first. Default 1000. */
  maxEntries?: number;
  /** First wait before retrying a failed refresh; doubles up to `maxErrorBackoffMs`. Default 1000 ms. */
  errorBackoffMs?: number;
  /** Default 30 000 ms. */
  maxErrorBackoffMs?: number;
  now?: () => number;
  /** The registry revision a value was read at (decision 0008), when the registry says; values read earlier than the live channel's revision are refetched. */
  revisionOf?: (value: T) => number | undefined;
  /** Told about failed refreshes (the caller got a stale or fallback value). */
  onError?: (error: unknown) => void;
}

interface Entry<T> {
  value: T;
  /** No refresh before this time: `fetchedAt + ttl`, or later after failed refreshes. */
  refreshAt: number;
  /** Consecutive failed refreshes, for the backoff. */
  failures: number;
  /** The value came from `fallback`, not from the registry. */
  fallback: boolean;
}

/** What the cache did, for diagnostics and tests. */
export interface PromptCacheStats {
  /** Fetches started (misses and refreshes). */
  fetches: number;
  /** Gets answered from the cache without waiting (fresh or stale). */
  hits: number;
  /** Gets that had to wait for the registry. */
  misses: number;
  /** Gets answered by a fallback template. */
  fallbacks: number;
  entries: number;
}

function selectorOf(key: string): PromptSelector {
  const [name, version, label] = JSON.parse(key) as [string, number | null, string | null];
  return { name, ...(version !== null && { version }), ...(label !== null && { label }) };
}

/** Cache keys can't collide: a label `3` and version 3 differ (a Langfuse bug). */
export function cacheKey({ name, version, label }: PromptSelector): string {
  return JSON.stringify([name, version ?? null, label ?? null]);
}

/**
 * Stale-while-revalidate cache of prompts. A fresh hit costs a map lookup; a
 * stale hit is served at once and refreshed in the background; a miss waits
 * for the registry at most `fetchTimeoutMs`. One fetch per key is in flight at
 * a time, for misses and refreshes alike. When the registry is down, slow or
 * answers 5xx, the stale value is kept (stale-if-error) and refreshes back off;
 * a cold miss then uses the fallback, kept like a stale value so later calls
 * don't wait again. A definitive 404 evicts: a removed label must not be
 * served forever.
 */
export class PromptCache<T> {
  /** Least recently used (read or stored) out first, beyond `maxEntries`. */
  private readonly entries: LRUCache<string, Entry<T>>;
  private readonly inFlight = new Map<string, Promise<T>>();
  /** Bumped by `invalidate(name)`, so a fetch started before it can't store an old value after it. */
  private readonly generations = new Map<string, number>();
  private readonly now: () => number;
  private readonly counters = { fetches: 0, hits: 0, misses: 0, fallbacks: 0 };
  /** The newest registry revision the live channel reported; -1 before any. */
  private minRevision = -1;

  constructor(private readonly options: PromptCacheOptions<T>) {
    this.now = options.now ?? Date.now;
    this.entries = new LRUCache({ max: Math.max(1, options.maxEntries ?? 1000) });
  }

  /** Registry fetches started. */
  get fetchCount(): number {
    return this.counters.fetches;
  }

  async get(selector: PromptSelector): Promise<T> {
    return this.peek(selector) ?? this.miss(selector);
  }

  /**
   * A cached value at once (fresh, or stale with its refresh started), as
   * `get` would answer it, or undefined on a miss: a warm `run()` then reads
   * the cache with no promise and no turn of the microtask queue.
   */
  peek(selector: PromptSelector): T | undefined {
    const key = cacheKey(selector);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.counters.hits++;
    if (entry.fallback) this.counters.fallbacks++;
    if (this.now() >= entry.refreshAt) {
      this.fetch(key, selector).catch((error: unknown) => this.report(error));
    }
    return entry.value;
  }

  private async miss(selector: PromptSelector): Promise<T> {
    const key = cacheKey(selector);
    this.counters.misses++;
    try {
      return await this.fetch(key, selector);
    } catch (error) {
      if (!isTransientRegistryError(error) || !this.options.fallback) throw error;
      const fallback = await this.options.fallback(selector);
      if (fallback === undefined) throw error;
      this.report(error);
      this.counters.fallbacks++;
      // Kept like a stale value: later calls get it at once, and the registry is retried in the background.
      if (!this.entries.has(key)) this.store(key, { value: fallback, refreshAt: this.now() + this.backoff(1), failures: 1, fallback: true });
      return fallback;
    }
  }

  /** Drops every cached version of exactly this prompt name (not names sharing its prefix), and forgets fetches in flight for it. */
  invalidate(name: string): void {
    this.generations.set(name, (this.generations.get(name) ?? 0) + 1);
    for (const map of [this.entries, this.inFlight]) {
      for (const key of [...map.keys()]) {
        if ((JSON.parse(key) as [string])[0] === name) map.delete(key);
      }
    }
  }

  /**
   * The registry is at `revision` now (decision 0008): refetch, in the
   * background, every entry read at an older revision (or at an unknown one:
   * a fallback, an older server). Entries are served as they are until the
   * new value arrives; a fetch in flight that returns an older revision is
   * followed by another. A prompt or label that is gone is evicted by its
   * refetch's 404.
   */
  refreshTo(revision: number): void {
    this.minRevision = Math.max(this.minRevision, revision);
    for (const [key, entry] of [...this.entries.entries()]) {
      if (!this.isBehind(entry.value)) continue;
      this.fetch(key, selectorOf(key)).catch((error: unknown) => this.reportRefresh(error));
    }
  }

  private isBehind(value: T): boolean {
    if (this.minRevision < 0) return false;
    const at = this.options.revisionOf?.(value);
    return at === undefined || at < this.minRevision;
  }

  private reportRefresh(error: unknown): void {
    // A 404 already evicted the entry; anything else keeps the old value with the TTL as the backstop.
    if (!(error instanceof PromptNotFoundError)) this.report(error);
  }

  clear(): void {
    for (const name of new Set([...this.entries.keys(), ...this.inFlight.keys()].map((key) => (JSON.parse(key) as [string])[0]))) this.invalidate(name);
  }

  get size(): number {
    return this.entries.size;
  }

  stats(): PromptCacheStats {
    return { ...this.counters, entries: this.entries.size };
  }

  private fetch(key: string, selector: PromptSelector): Promise<T> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const promise = this.load(key, selector).finally(() => {
      if (this.inFlight.get(key) === promise) this.inFlight.delete(key);
      // Read before the registry moved on (the fetch started before the change was known): read again.
      // peek: the cache's own bookkeeping is not a use.
      const entry = this.entries.peek(key);
      if (entry && !entry.fallback && this.isBehind(entry.value)) this.fetch(key, selector).catch((error: unknown) => this.reportRefresh(error));
    });
    this.inFlight.set(key, promise);
    return promise;
  }

  private async load(key: string, selector: PromptSelector): Promise<T> {
    this.counters.fetches++;
    const generation = this.generations.get(selector.name) ?? 0;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new RegistryError(`The registry did not answer within ${this.options.fetchTimeoutMs} ms (prompt "${selector.name}").`, {
          isRetryable: true,
        });
        controller.abort(error);
        reject(error);
      }, this.options.fetchTimeoutMs);
      // A hung registry must not keep the process alive on its own.
      timer.unref?.();
    });
    try {
      const value = await Promise.race([this.options.load(selector, controller.signal), timeout]);
      // Published (and invalidated) while this fetch ran: the value may be the old version, don't keep it.
      if ((this.generations.get(selector.name) ?? 0) === generation) {
        this.store(key, { value, refreshAt: this.now() + this.options.ttlMs, failures: 0, fallback: false });
      }
      return value;
    } catch (error) {
      const entry = this.entries.peek(key);
      if (error instanceof PromptNotFoundError || error instanceof PromptArchivedError) {
        // The label was removed or the prompt archived: stop serving what we had.
        this.entries.delete(key);
      } else if (entry) {
        // Stale-if-error: keep serving it, and don't ask a failing registry again on every call.
        entry.failures++;
        entry.refreshAt = this.now() + this.backoff(entry.failures);
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private store(key: string, entry: Entry<T>): void {
    this.entries.set(key, entry);
  }

  private backoff(failures: number): number {
    return backoffMs(failures - 1, { initialMs: this.options.errorBackoffMs ?? 1000, maxMs: this.options.maxErrorBackoffMs ?? 30_000 });
  }

  private report(error: unknown): void {
    try {
      this.options.onError?.(error);
    } catch {
      // A throwing onError hook must not break run().
    }
  }
}
