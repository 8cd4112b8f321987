import { InvalidRequestError, PromptNotFoundError, RegistryError, UnauthorizedError } from "@promptline/core";
import { describe, expect, it, vi } from "vitest";
import { cacheKey, PromptCache, type PromptCacheOptions, type PromptSelector } from "./prompt-cache.js";

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets settled promises run their continuations (background refreshes). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A cache over a scripted loader: each call takes the next reply, or answers `v<n>` by default. */
function setup(overrides: Partial<PromptCacheOptions<string>> = {}) {
  let time = 1_000_000;
  const calls: PromptSelector[] = [];
  const signals: AbortSignal[] = [];
  const replies: (() => Promise<string>)[] = [];
  const errors: unknown[] = [];
  const cache = new PromptCache<string>({
    load: (selector, signal) => {
      calls.push(selector);
      signals.push(signal);
      const reply = replies.shift();
      return reply ? reply() : Promise.resolve(`v${calls.length}`);
    },
    ttlMs: 60_000,
    fetchTimeoutMs: 5_000,
    now: () => time,
    onError: (error) => errors.push(error),
    ...overrides,
  });
  return {
    cache,
    calls,
    signals,
    errors,
    /** Scripts the next loader call. */
    next: (reply: () => Promise<string>) => replies.push(reply),
    advance: (ms: number) => (time += ms),
  };
}

const down = () => Promise.reject(new RegistryError("The registry answered 503: down", { status: 503 }));

describe("PromptCache", () => {
  it("peek answers a hit at once as get does (a stale one starts its refresh), and a miss with undefined, loading nothing", async () => {
    const { cache, calls, advance } = setup();
    expect(cache.peek({ name: "a" })).toBeUndefined();
    expect(calls).toHaveLength(0);
    expect(await cache.get({ name: "a" })).toBe("v1");
    expect(cache.peek({ name: "a" })).toBe("v1");
    expect(calls).toHaveLength(1);
    advance(60_000);
    expect(cache.peek({ name: "a" })).toBe("v1");
    expect(calls).toHaveLength(2);
    await settle();
    expect(cache.peek({ name: "a" })).toBe("v2");
    expect(cache.stats()).toMatchObject({ hits: 3, misses: 1, fetches: 2 });
  });

  it("serves a fresh hit without loading again", async () => {
    const { cache, calls, advance } = setup();
    expect(await cache.get({ name: "a" })).toBe("v1");
    advance(59_999);
    expect(await cache.get({ name: "a" })).toBe("v1");
    expect(calls).toHaveLength(1);
    expect(cache.stats()).toMatchObject({ fetches: 1, hits: 1, misses: 1 });
  });

  it("serves a stale hit at once and refreshes it exactly once in the background", async () => {
    const { cache, calls, next, advance } = setup();
    await cache.get({ name: "a" });
    advance(60_000);
    const refresh = deferred<string>();
    next(() => refresh.promise);
    // The refresh hangs, yet every caller gets the stale value without waiting for it.
    const values = await Promise.all(Array.from({ length: 20 }, () => cache.get({ name: "a" })));
    expect(values).toEqual(Array(20).fill("v1"));
    expect(calls).toHaveLength(2);
    refresh.resolve("new");
    await settle();
    expect(await cache.get({ name: "a" })).toBe("new");
    expect(calls).toHaveLength(2);
  });

  it("refreshes at the TTL, not before", async () => {
    const { cache, calls, advance } = setup({ ttlMs: 1000 });
    await cache.get({ name: "a" });
    advance(999);
    await cache.get({ name: "a" });
    expect(calls).toHaveLength(1);
    advance(1);
    await cache.get({ name: "a" });
    expect(calls).toHaveLength(2);
    await settle();
    // The refreshed value is fresh for another TTL.
    advance(999);
    await cache.get({ name: "a" });
    expect(calls).toHaveLength(2);
  });

  it("makes one fetch for 500 concurrent misses of a key", async () => {
    const { cache, calls, next } = setup();
    const gate = deferred<string>();
    next(() => gate.promise);
    const all = Promise.all(Array.from({ length: 500 }, () => cache.get({ name: "a", label: "prod" })));
    gate.resolve("one");
    expect(new Set(await all)).toEqual(new Set(["one"]));
    expect(calls).toHaveLength(1);
  });

  it("keeps label \"3\" and version 3 apart", async () => {
    const { cache, calls } = setup();
    expect(cacheKey({ name: "a", label: "3" })).not.toBe(cacheKey({ name: "a", version: 3 }));
    const byLabel = await cache.get({ name: "a", label: "3" });
    const byVersion = await cache.get({ name: "a", version: 3 });
    expect(byLabel).not.toBe(byVersion);
    expect(calls).toEqual([
      { name: "a", label: "3" },
      { name: "a", version: 3 },
    ]);
  });

  it("invalidate(name) drops every version of exactly that name, not its prefix siblings", async () => {
    const { cache, calls } = setup();
    const selectors: PromptSelector[] = [{ name: "a" }, { name: "a", version: 2 }, { name: "a", label: "prod" }, { name: "ab" }, { name: "a/b" }, { name: "a\"" }];
    for (const selector of selectors) await cache.get(selector);
    cache.invalidate("a");
    expect(cache.size).toBe(3);
    for (const selector of selectors) await cache.get(selector);
    expect(calls.map((call) => call.name)).toEqual(["a", "a", "a", "ab", "a/b", "a\"", "a", "a", "a"]);
  });

  it("does not keep a value fetched before an invalidation", async () => {
    const { cache, calls, next, advance } = setup();
    await cache.get({ name: "a" });
    advance(60_000);
    const old = deferred<string>();
    next(() => old.promise);
    expect(await cache.get({ name: "a" })).toBe("v1"); // refresh in flight
    cache.invalidate("a"); // this client published a new version
    old.resolve("old");
    await settle();
    expect(await cache.get({ name: "a" })).toBe("v3");
    expect(calls).toHaveLength(3);
  });

  describe("stale-if-error", () => {
    const failures: [string, () => Promise<string>][] = [
      ["a 5xx", down],
      ["a network error", () => Promise.reject(new TypeError("fetch failed"))],
      ["a 429", () => Promise.reject(new RegistryError("slow down", { status: 429 }))],
      ["a 401 (the value itself wasn't declared gone)", () => Promise.reject(new UnauthorizedError())],
    ];
    for (const [what, failure] of failures) {
      it(`serves the stale value on ${what} and reports it`, async () => {
        const { cache, errors, next, advance } = setup();
        await cache.get({ name: "a" });
        advance(60_000);
        next(failure);
        expect(await cache.get({ name: "a" })).toBe("v1");
        await settle();
        expect(await cache.get({ name: "a" })).toBe("v1");
        expect(errors).toHaveLength(1);
      });
    }

    it("serves the stale value when the registry hangs, and aborts the hung fetch", async () => {
      const { cache, signals, errors, next, advance } = setup({ fetchTimeoutMs: 20 });
      await cache.get({ name: "a" });
      advance(60_000);
      next(() => new Promise(() => {}));
      expect(await cache.get({ name: "a" })).toBe("v1");
      await vi.waitFor(() => expect(errors).toHaveLength(1));
      expect(errors[0]).toBeInstanceOf(RegistryError);
      expect(signals[1]?.aborted).toBe(true);
      expect(await cache.get({ name: "a" })).toBe("v1");
    });

    it("backs off refreshing while the registry fails, then recovers", async () => {
      const { cache, calls, next, advance } = setup({ ttlMs: 1000, errorBackoffMs: 100, maxErrorBackoffMs: 250 });
      await cache.get({ name: "a" });
      advance(1000);
      for (let i = 0; i < 5; i++) next(down);
      await cache.get({ name: "a" }); // refresh 1 fails
      await settle();
      await cache.get({ name: "a" });
      expect(calls).toHaveLength(2); // no new attempt within the backoff
      advance(99);
      await cache.get({ name: "a" });
      expect(calls).toHaveLength(2);
      advance(1);
      await cache.get({ name: "a" }); // refresh 2 fails: the next wait is 200 ms
      await settle();
      advance(199);
      await cache.get({ name: "a" });
      expect(calls).toHaveLength(3);
      advance(1);
      await cache.get({ name: "a" }); // refresh 3 fails: capped at 250 ms
      await settle();
      advance(250);
      await cache.get({ name: "a" }); // refresh 4 fails
      await settle();
      expect(calls).toHaveLength(5);
      advance(250);
      await cache.get({ name: "a" }); // refresh 5 fails
      await settle();
      advance(250);
      expect(await cache.get({ name: "a" })).toBe("v1"); // refresh 6 succeeds (the 7th load)
      await settle();
      expect(await cache.get({ name: "a" })).toBe("v7");
      expect(calls).toHaveLength(7);
    });
  });

  it("evicts on a definitive 404 during a refresh: a removed label is not served forever", async () => {
    const { cache, errors, next, advance } = setup({ fallback: () => "fallback" });
    await cache.get({ name: "a", label: "prod" });
    advance(60_000);
    next(() => Promise.reject(new PromptNotFoundError("a", { label: "prod" })));
    expect(await cache.get({ name: "a", label: "prod" })).toBe("v1");
    await settle();
    expect(errors[0]).toBeInstanceOf(PromptNotFoundError);
    next(() => Promise.reject(new PromptNotFoundError("a", { label: "prod" })));
    // Not the old value, and not the fallback either: the registry said it's gone.
    await expect(cache.get({ name: "a", label: "prod" })).rejects.toBeInstanceOf(PromptNotFoundError);
  });

  it("bounds a miss on a hung registry by fetchTimeoutMs and aborts the loader", async () => {
    const { cache, signals, next } = setup({ fetchTimeoutMs: 30 });
    next(() => new Promise(() => {}));
    const error = await cache.get({ name: "a" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).isRetryable).toBe(true);
    expect((error as Error).message).toMatch(/did not answer within 30 ms/);
    expect(signals[0]?.aborted).toBe(true);
    expect(signals[0]?.reason).toBe(error);
  });

  describe("fallback", () => {
    it("is used on a cold start with the registry down, kept, and replaced once the registry answers", async () => {
      const fallback = vi.fn((selector: PromptSelector) => (selector.name === "a" ? "fallback" : undefined));
      const { cache, calls, errors, next, advance } = setup({ fallback, errorBackoffMs: 1000 });
      next(down);
      expect(await cache.get({ name: "a" })).toBe("fallback");
      expect(errors).toHaveLength(1);
      // Later calls don't wait for the registry again.
      expect(await cache.get({ name: "a" })).toBe("fallback");
      expect(calls).toHaveLength(1);
      advance(1000);
      expect(await cache.get({ name: "a" })).toBe("fallback"); // background retry succeeds
      await settle();
      expect(await cache.get({ name: "a" })).toBe("v2");
      expect(cache.stats().fallbacks).toBe(3);
    });

    it("is used when the registry hangs on a cold start", async () => {
      const { cache, next } = setup({ fetchTimeoutMs: 20, fallback: async () => "fallback" });
      next(() => new Promise(() => {}));
      expect(await cache.get({ name: "a" })).toBe("fallback");
    });

    it("is not used for a prompt the registry says doesn't exist, nor for a refused key", async () => {
      const { cache, next } = setup({ fallback: () => "fallback" });
      next(() => Promise.reject(new PromptNotFoundError("a")));
      await expect(cache.get({ name: "a" })).rejects.toBeInstanceOf(PromptNotFoundError);
      next(() => Promise.reject(new UnauthorizedError()));
      await expect(cache.get({ name: "a" })).rejects.toBeInstanceOf(UnauthorizedError);
      next(() => Promise.reject(new InvalidRequestError("bad")));
      await expect(cache.get({ name: "a" })).rejects.toBeInstanceOf(InvalidRequestError);
    });

    it("throws the registry's error when there is no fallback for the name", async () => {
      const { cache, next } = setup({ fallback: () => undefined });
      next(down);
      await expect(cache.get({ name: "a" })).rejects.toThrow(/503/);
    });
  });

  it("keeps at most maxEntries, dropping the least recently used", async () => {
    const { cache, calls } = setup({ maxEntries: 2 });
    await cache.get({ name: "a" });
    await cache.get({ name: "b" });
    await cache.get({ name: "a" }); // a is now more recent than b
    await cache.get({ name: "c" }); // evicts b
    expect(cache.size).toBe(2);
    await cache.get({ name: "a" });
    await cache.get({ name: "c" });
    expect(calls.map((call) => call.name)).toEqual(["a", "b", "c"]);
    await cache.get({ name: "b" });
    expect(calls.map((call) => call.name)).toEqual(["a", "b", "c", "b"]);
  });

  it("survives an onError hook that throws", async () => {
    const { cache, next, advance } = setup({
      onError: () => {
        throw new Error("hook bug");
      },
      fallback: () => "fallback",
    });
    next(down);
    expect(await cache.get({ name: "a" })).toBe("fallback");
    await cache.get({ name: "b" });
    advance(60_000);
    next(down);
    expect(await cache.get({ name: "b" })).toBe("v2");
    await settle();
  });
});
