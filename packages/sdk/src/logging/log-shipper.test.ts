import { InvalidRequestError, RegistryError, UnauthorizedError, type LogRecordInput } from "@promptline/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LogShipper, type LogShipperOptions } from "./log-shipper.js";

/** The shipper never looks inside a record; an id is enough here. */
const record = (id: number | string) => ({ request_id: String(id) }) as unknown as LogRecordInput;
const ids = (records: readonly LogRecordInput[]) => records.map((item) => item.request_id);
const down = () => new RegistryError("Cannot reach the registry", { isRetryable: true });

interface Deferred {
  promise: Promise<unknown>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<unknown>((res, rej) => {
    resolve = () => res(undefined);
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * A shipper over a fake registry. `registry.up` switches it; `registry.gate`
 * (when set) holds the next batch until released; `registry.refuse(id)` makes
 * any batch holding that record fail with a 400.
 */
function setup(options: Partial<LogShipperOptions> = {}) {
  const batches: string[][] = [];
  const delivered: string[] = [];
  const attempts: number[] = [];
  const errors: unknown[] = [];
  const refused = new Set<string>();
  const registry = {
    up: true,
    failure: down as () => unknown,
    gates: [] as Deferred[],
    refuse: (id: string) => refused.add(id),
  };
  const shipper = new LogShipper({
    sendBatch: async (records) => {
      attempts.push(Date.now());
      const gate = registry.gates.shift();
      if (gate) await gate.promise;
      if (!registry.up) throw registry.failure();
      if (records.some((item) => refused.has(item.request_id))) throw new InvalidRequestError("records.3: invalid");
      batches.push(ids(records));
      delivered.push(...ids(records));
      return { results: [] };
    },
    batchSize: 3,
    flushIntervalMs: 50,
    retryBaseDelayMs: 10,
    maxRetryDelayMs: 40,
    random: () => 1,
    onError: (error) => errors.push(error),
    ...options,
  });
  return { shipper, registry, batches, delivered, attempts, errors };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("LogShipper", () => {
  it("sends a full batch at once and the rest after the interval", async () => {
    vi.useFakeTimers();
    const { shipper, batches } = setup({ batchSize: 3, flushIntervalMs: 1000 });
    for (let i = 1; i <= 7; i++) shipper.enqueue(record(i));
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toEqual([
      ["1", "2", "3"],
      ["4", "5", "6"],
    ]);
    await vi.advanceTimersByTimeAsync(999);
    expect(batches).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches.at(-1)).toEqual(["7"]);
  });

  it("starts a full batch after the task that filled it, so the run() that queued its last record doesn't pay for the send", async () => {
    const sent: string[][] = [];
    const shipper = new LogShipper({ sendBatch: async (records) => void sent.push(ids(records)), batchSize: 2, flushIntervalMs: 60_000 });
    shipper.enqueue(record(1));
    shipper.enqueue(record(2));
    expect(sent).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toEqual([["1", "2"]]);
    await shipper.close();
  });

  it("builds a queued builder's record once, when its batch is taken, not when it is queued", async () => {
    const { shipper, batches } = setup({ batchSize: 2, flushIntervalMs: 60_000 });
    const build = vi.fn(() => record("built"));
    shipper.enqueue(build);
    expect(build).not.toHaveBeenCalled();
    shipper.enqueue(record(2));
    await new Promise((resolve) => setImmediate(resolve));
    await shipper.flush();
    expect(batches).toEqual([["built", "2"]]);
    expect(build).toHaveBeenCalledTimes(1);
    expect(shipper.getStats()).toMatchObject({ delivered: 2, dropped: 0 });
  });

  it("keeps a built record across retries, and loses only the record whose builder threw (reported, counted dropped)", async () => {
    const { shipper, registry, batches, errors } = setup({ batchSize: 3 });
    registry.up = false;
    const build = vi.fn(() => record("a"));
    shipper.enqueue(build);
    shipper.enqueue(() => {
      throw new RangeError("Invalid time value");
    });
    shipper.enqueue(record("c"));
    await vi.waitFor(() => expect(errors.length).toBeGreaterThanOrEqual(2));
    registry.up = true;
    expect(await shipper.flush()).toMatchObject({ pending: 0, dropped: 1 });
    expect(batches).toEqual([["a", "c"]]);
    expect(build).toHaveBeenCalledTimes(1);
    expect(errors.some((error) => error instanceof RangeError)).toBe(true);
    expect(shipper.getStats()).toMatchObject({ delivered: 2, dropped: 1 });
  });

  it("groups records that arrive within one interval into one batch", async () => {
    vi.useFakeTimers();
    const { shipper, batches } = setup({ batchSize: 100, flushIntervalMs: 1000 });
    shipper.enqueue(record(1));
    await vi.advanceTimersByTimeAsync(500);
    shipper.enqueue(record(2));
    shipper.enqueue(record(3));
    expect(batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(500);
    expect(batches).toEqual([["1", "2", "3"]]);
  });

  it("keeps records queued while a batch is in flight for the next interval (a steady stream of runs ships in batches)", async () => {
    vi.useFakeTimers();
    const { shipper, registry, batches } = setup({ batchSize: 100, flushIntervalMs: 1000 });
    const inFlight = deferred();
    registry.gates.push(inFlight);
    shipper.enqueue(record(1));
    await vi.advanceTimersByTimeAsync(1000);
    shipper.enqueue(record(2));
    inFlight.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toEqual([["1"]]);
    shipper.enqueue(record(3));
    await vi.advanceTimersByTimeAsync(999);
    expect(batches).toEqual([["1"]]);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches).toEqual([["1"], ["2", "3"]]);
  });

  it("preserves order across batches and retries", async () => {
    const { shipper, registry, delivered } = setup();
    registry.up = false;
    for (let i = 1; i <= 10; i++) shipper.enqueue(record(i));
    await vi.waitFor(() => expect(shipper.getStats().failures).toBeGreaterThan(2));
    for (let i = 11; i <= 20; i++) shipper.enqueue(record(i));
    registry.up = true;
    expect(await shipper.flush()).toEqual({ pending: 0, dropped: 0 });
    expect(delivered).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 1)));
  });

  it("resolves flush() only when everything queued before it is acknowledged", async () => {
    const { shipper, registry, delivered } = setup({ batchSize: 2 });
    const first = deferred();
    const second = deferred();
    registry.gates.push(first, second);
    shipper.enqueue(record(1));
    shipper.enqueue(record(2)); // batch [1, 2], held by `first`
    shipper.enqueue(record(3));
    let flushed = false;
    const flush = shipper.flush().then((result) => {
      flushed = true;
      return result;
    });
    shipper.enqueue(record(4)); // after the flush call: not waited for
    first.resolve();
    await vi.waitFor(() => expect(delivered).toEqual(["1", "2"]));
    expect(flushed).toBe(false);
    const third = deferred();
    registry.gates.push(third); // what comes after [3, 4] hangs
    second.resolve(); // batch [3, 4]
    expect(await flush).toEqual({ pending: 0, dropped: 0 });
    expect(delivered).toEqual(["1", "2", "3", "4"]);
  });

  it("flush({ timeoutMs }) returns while the registry is down, with the true pending count", async () => {
    const { shipper, registry } = setup();
    registry.up = false;
    for (let i = 1; i <= 5; i++) shipper.enqueue(record(i));
    expect(await shipper.flush({ timeoutMs: 30 })).toEqual({ pending: 5, dropped: 0 });
    shipper.enqueue(record(6));
    registry.up = true;
    expect(await shipper.flush({ timeoutMs: 10_000 })).toEqual({ pending: 0, dropped: 0 });
  });

  it("retries transient failures with growing backoff, up to the cap", async () => {
    vi.useFakeTimers();
    const { shipper, registry, attempts } = setup({ retryBaseDelayMs: 100, maxRetryDelayMs: 500, random: () => 1 });
    registry.up = false;
    const start = Date.now();
    shipper.enqueue(record(1));
    await vi.advanceTimersByTimeAsync(50); // the interval
    await vi.advanceTimersByTimeAsync(100 + 200 + 400 + 500 + 500);
    expect(attempts.map((time) => time - start)).toEqual([50, 150, 350, 750, 1250, 1750]);
    registry.up = true;
    await vi.advanceTimersByTimeAsync(500);
    expect(shipper.getStats()).toMatchObject({ delivered: 1, failures: 0, queued: 0 });
  });

  it("jitters the backoff between half and all of the delay", async () => {
    vi.useFakeTimers();
    const { shipper, registry, attempts } = setup({ retryBaseDelayMs: 100, maxRetryDelayMs: 1000, random: () => 0 });
    registry.up = false;
    shipper.enqueue(record(1));
    await vi.advanceTimersByTimeAsync(50 + 50 + 100);
    expect(attempts.map((time, i) => time - (attempts[i - 1] ?? time))).toEqual([0, 50, 100]);
    const closing = shipper.close({ timeoutMs: 0 });
    await vi.advanceTimersByTimeAsync(1);
    await closing;
  });

  describe("a full queue", () => {
    it("drops the oldest records and counts them", async () => {
      const { shipper, registry, delivered, errors } = setup({ maxQueueSize: 3 });
      registry.up = false;
      for (let i = 1; i <= 8; i++) shipper.enqueue(record(i));
      await vi.waitFor(() => expect(shipper.getStats().failures).toBeGreaterThan(0));
      shipper.enqueue(record(9));
      expect(shipper.getStats()).toMatchObject({ dropped: 6, queued: 3 });
      registry.up = true;
      expect(await shipper.flush()).toEqual({ pending: 0, dropped: 6 });
      expect(delivered).toEqual(["7", "8", "9"]);
      // Reported once for the outage, not once per record.
      expect(errors.filter((error) => error instanceof Error && /queue is full/.test(error.message))).toHaveLength(1);
    });

    it("never drops or mixes up the records of the request outstanding", async () => {
      const { shipper, registry, delivered } = setup({ batchSize: 2, maxQueueSize: 3 });
      const gate = deferred();
      registry.gates.push(gate);
      shipper.enqueue(record(1));
      shipper.enqueue(record(2)); // [1, 2] is full: sent on the next turn of the event loop
      await new Promise((resolve) => setImmediate(resolve));
      for (let i = 3; i <= 6; i++) shipper.enqueue(record(i));
      // The bound applies behind the batch in flight: 3 is the oldest of those.
      expect(shipper.getStats()).toMatchObject({ dropped: 1, queued: 5 });
      gate.resolve();
      await shipper.flush();
      expect(delivered).toEqual(["1", "2", "4", "5", "6"]);
      expect(shipper.getStats()).toMatchObject({ delivered: 5, dropped: 1 });
    });

    it("tells a dropped action it won't run", async () => {
      const { shipper, registry } = setup({ maxQueueSize: 2 });
      registry.up = false;
      const dropped = vi.fn();
      const run = vi.fn(async () => {});
      shipper.enqueue(record(1));
      shipper.enqueueAction("track", run, dropped);
      shipper.enqueue(record(2));
      shipper.enqueue(record(3));
      expect(dropped).toHaveBeenCalledOnce();
      registry.up = true;
      await shipper.flush();
      expect(run).not.toHaveBeenCalled();
    });
  });

  describe("a refusal", () => {
    it("drops only the refused record, counts it and reports it", async () => {
      const { shipper, registry, delivered, errors } = setup({ batchSize: 8 });
      registry.refuse("4");
      for (let i = 1; i <= 8; i++) shipper.enqueue(record(i));
      expect(await shipper.flush()).toEqual({ pending: 0, dropped: 1 });
      expect(delivered).toEqual(["1", "2", "3", "5", "6", "7", "8"]);
      expect(shipper.getStats()).toMatchObject({ delivered: 7, dropped: 1, rejected: 1 });
      expect(errors.some((error) => error instanceof InvalidRequestError)).toBe(true);
    });

    it("drops a batch refused for good (a wrong key) without retrying", async () => {
      const { shipper, registry, attempts, errors } = setup();
      registry.up = false;
      registry.failure = () => new UnauthorizedError();
      for (let i = 1; i <= 3; i++) shipper.enqueue(record(i));
      expect(await shipper.flush()).toEqual({ pending: 0, dropped: 3 });
      expect(attempts).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(UnauthorizedError);
    });
  });

  describe("actions", () => {
    it("run after the records queued before them, and are retried", async () => {
      const { shipper, registry, delivered } = setup({ batchSize: 100, flushIntervalMs: 10_000 });
      const events: string[] = [];
      let tries = 0;
      registry.up = false;
      shipper.enqueue(record(1));
      shipper.enqueueAction("track 1", async () => {
        tries++;
        if (tries === 1) throw down();
        events.push(`action after ${delivered.join(",")}`);
      });
      shipper.enqueue(record(2));
      await vi.waitFor(() => expect(shipper.getStats().failures).toBeGreaterThan(1));
      expect(tries).toBe(0); // record 1 isn't delivered yet
      registry.up = true;
      await shipper.flush();
      expect(events).toEqual(["action after 1"]);
      expect(tries).toBe(2);
      expect(delivered).toEqual(["1", "2"]);
    });

    it("drops an action that fails for good, and goes on", async () => {
      const { shipper, delivered, errors } = setup();
      shipper.enqueueAction("track", async () => {
        throw new InvalidRequestError("No request 42.");
      });
      shipper.enqueue(record(1));
      expect(await shipper.flush()).toEqual({ pending: 0, dropped: 1 });
      expect(delivered).toEqual(["1"]);
      expect(errors[0]).toBeInstanceOf(InvalidRequestError);
    });
  });

  describe("close()", () => {
    it("flushes, then leaves no timer behind and drops later records", async () => {
      const { shipper, delivered, errors } = setup();
      shipper.enqueue(record(1));
      expect(await shipper.close()).toEqual({ pending: 0, dropped: 0 });
      expect(delivered).toEqual(["1"]);
      vi.useFakeTimers();
      expect(() => shipper.enqueue(record(2))).not.toThrow();
      const dropped = vi.fn();
      shipper.enqueueAction("track", async () => {}, dropped);
      expect(vi.getTimerCount()).toBe(0);
      expect(shipper.getStats()).toMatchObject({ dropped: 2, queued: 0 });
      expect(dropped).toHaveBeenCalledOnce();
      expect(errors).toHaveLength(2);
    });

    it("with the registry down: returns after timeoutMs, reports what's pending, and stops retrying", async () => {
      const { shipper, registry, attempts } = setup();
      registry.up = false;
      shipper.enqueue(record(1));
      shipper.enqueue(record(2));
      expect(await shipper.close({ timeoutMs: 30 })).toEqual({ pending: 2, dropped: 0 });
      const after = attempts.length;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(attempts).toHaveLength(after);
    });
  });

  it("never keeps the process alive with its timers", async () => {
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
    const before = timers();
    const { shipper, registry } = setup({ flushIntervalMs: 60_000 });
    shipper.enqueue(record(1)); // the interval timer
    expect(timers()).toBe(before);
    registry.up = false;
    shipper.enqueue(record(2));
    shipper.enqueue(record(3)); // a full batch fails: the retry timer
    await vi.waitFor(() => expect(shipper.getStats().failures).toBeGreaterThan(0));
    expect(timers()).toBe(before);
    await shipper.close({ timeoutMs: 0 });
  });

  it("throws nothing into callers, even from a throwing onError hook", async () => {
    const { shipper, registry } = setup({
      maxQueueSize: 2,
      onError: () => {
        throw new Error("hook bug");
      },
      sendBatch: () => {
        throw down(); // synchronously
      },
    });
    registry.up = false;
    expect(() => {
      for (let i = 0; i < 5; i++) shipper.enqueue(record(i));
      shipper.enqueueAction("track", async () => {});
    }).not.toThrow();
    await vi.waitFor(() => expect(shipper.getStats().failures).toBeGreaterThan(0));
    expect(await shipper.close({ timeoutMs: 0 })).toMatchObject({ pending: 2 });
  });
});
