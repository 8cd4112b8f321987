import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { OwnedStream, stoppedReadingReason, unreadReason, type OwnedStreamOptions } from "./owned-stream.js";

/** A source of numbers that says what happened to it, and the owner's callbacks. */
function setup(values: number[], options: Partial<OwnedStreamOptions<number>> = {}) {
  const log: string[] = [];
  async function* source(): AsyncGenerator<number> {
    log.push("started");
    try {
      for (const value of values) yield value;
    } finally {
      log.push("source finally");
    }
  }
  const stream = new OwnedStream(source(), {
    unreadTimeoutMs: 1000,
    onCancel: (reason) => log.push(`cancel: ${reason}`),
    onSettled: () => log.push("settled"),
    cancelledError: (reason) => new Error(`cancelled: ${reason}`),
    ...options,
  });
  return { stream, log };
}

describe("OwnedStream", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("is cancelled once when never read within the bound, and a later read says why", async () => {
    const { stream, log } = setup([1, 2]);
    vi.advanceTimersByTime(999);
    expect(log).toEqual([]);
    vi.advanceTimersByTime(1);
    await vi.runAllTimersAsync();
    expect(log).toEqual([`cancel: ${unreadReason(1000)}`, "settled"]);
    await expect(stream.next()).rejects.toThrow(`cancelled: ${unreadReason(1000)}`);
    // Cancelling again does nothing: logged once.
    stream.cancel("again");
    expect(log.filter((line) => line.startsWith("cancel"))).toHaveLength(1);
  });

  it("is cancelled when abandoned between reads, and its source is closed", async () => {
    const { stream, log } = setup([1, 2, 3]);
    expect(await stream.next()).toEqual({ done: false, value: 1 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(log).toEqual(["started", `cancel: ${unreadReason(1000)}`, "settled", "source finally"]);
  });

  it("read to its end: settled once, no cancel, no timer left", async () => {
    const { stream, log } = setup([1, 2]);
    const seen: number[] = [];
    for await (const value of stream) seen.push(value);
    expect(seen).toEqual([1, 2]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(log).toEqual(["started", "source finally", "settled"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a last value ends it: no cancel afterwards even if the caller stops there", async () => {
    const { stream, log } = setup([1, 2, 3], { isLast: (value) => value === 2 });
    await stream.next();
    await stream.next();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(log).toEqual(["started", "settled"]);
    // The rest is still readable.
    expect(await stream.next()).toEqual({ done: false, value: 3 });
  });

  it("break keeps the source's own cleanup (its finally), without a cancel", async () => {
    const { stream, log } = setup([1, 2, 3]);
    for await (const value of stream) if (value === 1) break;
    expect(log).toEqual(["started", "settled", "source finally"]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(log.some((line) => line.startsWith("cancel"))).toBe(false);
  });

  it("return() before any read is a cancel: the unstarted source has no finally to run", async () => {
    const { stream, log } = setup([1]);
    await stream.return();
    expect(log).toEqual([`cancel: ${stoppedReadingReason}`, "settled"]);
  });

  it("no timer while a read is pending: a slow source is not the caller's fault", async () => {
    let release: (() => void) | undefined;
    async function* slow(): AsyncGenerator<number> {
      await new Promise<void>((resolve) => (release = resolve));
      yield 1;
    }
    const log: string[] = [];
    const stream = new OwnedStream(slow(), { unreadTimeoutMs: 10, onCancel: (reason) => log.push(reason), onSettled: () => {}, cancelledError: () => new Error("x") });
    const pending = stream.next();
    await vi.advanceTimersByTimeAsync(1000);
    expect(log).toEqual([]);
    release?.();
    expect(await pending).toEqual({ done: false, value: 1 });
  });

  it("cancel() during a pending read leaves the read to fail through the abort, and the source is closed after", async () => {
    let release: (() => void) | undefined;
    const log: string[] = [];
    async function* slow(): AsyncGenerator<number> {
      try {
        await new Promise<void>((resolve) => (release = resolve));
        yield 1;
        yield 2;
      } finally {
        log.push("source finally");
      }
    }
    const stream = new OwnedStream(slow(), { unreadTimeoutMs: 10, onCancel: (reason) => log.push(reason), onSettled: () => log.push("settled"), cancelledError: () => new Error("gone") });
    const pending = stream.next();
    await vi.advanceTimersByTimeAsync(0);
    stream.cancel("closed");
    expect(log).toEqual(["closed", "settled"]);
    // The chunk in flight still arrives (the abort came too late for it); then the source is closed.
    release?.();
    expect(await pending).toEqual({ done: false, value: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(log).toEqual(["closed", "settled", "source finally"]);
    await expect(stream.next()).rejects.toThrow("gone");
  });

  it("an infinite bound never cancels", async () => {
    const { log } = setup([1], { unreadTimeoutMs: Number.POSITIVE_INFINITY });
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(1e9);
    expect(log).toEqual([]);
  });
});
