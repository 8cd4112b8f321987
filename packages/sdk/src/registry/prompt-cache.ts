import { RegistryError } from "@promptline/core";

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
  /** The longest a `run()` waits for the registry on a miss before falling back or failing. */
  fetchTimeoutMs: number;
  /** A value to use when the registry can't give one (cold start, registry down). */
  fallback?: (selector: PromptSelector) => T | undefined;
  /** Most entries kept; the least recently used go first. */
  maxEntries?: number;
  now?: () => number;
  /** Told about failed background refreshes (the caller got a stale value). */
  onError?: (error: unknown) => void;
}

interface Entry<T> {
  value: T;
  fetchedAt: number;
}

/** Cache keys can't collide: a label `3` and version 3 differ (a Langfuse bug). */
export function cacheKey({ name, version, label }: PromptSelector): string {
  return JSON.stringify([name, version ?? null, label ?? null]);
}

/**
 * Stale-while-revalidate cache of compiled prompts. A fresh hit costs a map
 * lookup; a stale hit is served at once and refreshed in the background; a
 * miss waits for the registry at most `fetchTimeoutMs`. One fetch per key is
 * in flight at a time, for misses and refreshes alike. When the registry
 * fails, a stale value is served (stale-if-error), else the fallback, else the
 * error is thrown.
 */
export class PromptCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly inFlight = new Map<string, Promise<T>>();
  private readonly now: () => number;
  private readonly maxEntries: number;
  /** Registry fetches started, for tests and diagnostics. */
  fetchCount = 0;

  constructor(private readonly options: PromptCacheOptions<T>) {
    this.now = options.now ?? Date.now;
    this.maxEntries = options.maxEntries ?? 1000;
  }

  async get(selector: PromptSelector): Promise<T> {
    const key = cacheKey(selector);
    const entry = this.entries.get(key);
    if (entry) {
      // Re-insert to keep the map in least-recently-used order.
      this.entries.delete(key);
      this.entries.set(key, entry);
      if (this.now() - entry.fetchedAt >= this.options.ttlMs) {
        this.fetch(key, selector).catch((error: unknown) => this.options.onError?.(error));
      }
      return entry.value;
    }
    try {
      return await this.fetch(key, selector);
    } catch (error) {
      const fallback = this.options.fallback?.(selector);
      if (fallback !== undefined) return fallback;
      throw error;
    }
  }

  /** Drops every cached version of exactly this prompt name (not names sharing its prefix). */
  invalidate(name: string): void {
    for (const key of [...this.entries.keys()]) {
      if ((JSON.parse(key) as [string])[0] === name) this.entries.delete(key);
    }
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private fetch(key: string, selector: PromptSelector): Promise<T> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const promise = this.load(key, selector).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  private async load(key: string, selector: PromptSelector): Promise<T> {
    this.fetchCount++;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(
          new RegistryError(`The registry did not answer within ${this.options.fetchTimeoutMs} ms (prompt "${selector.name}").`, {
            isRetryable: true,
          }),
        );
      }, this.options.fetchTimeoutMs);
      timer.unref?.();
    });
    try {
      const value = await Promise.race([this.options.load(selector, controller.signal), timeout]);
      this.entries.set(key, { value, fetchedAt: this.now() });
      while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
      return value;
    } catch (error) {
      // Stale-if-error: a transient failure keeps serving what we had.
      const stale = this.entries.get(key);
      if (stale && isTransient(error)) return stale.value;
      // A definitive answer (the label was removed, the prompt deleted) must not leave a stale value served forever.
      this.entries.delete(key);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

function isTransient(error: unknown): boolean {
  return error instanceof RegistryError ? error.isRetryable : true;
}
