import { InvalidRequestError, RegistryError } from "@promptline/core/errors";
import type { LogRecordInput } from "@promptline/core/schemas";
import { backoffMs } from "../backoff.js";
import { isTransientRegistryError } from "../registry/registry-client.js";
import type { LogSpool } from "./log-spool.js";

export interface LogShipperOptions {
  /** Delivers one batch; must be idempotent on `request_id` (the server de-duplicates). */
  sendBatch: (records: LogRecordInput[]) => Promise<unknown>;
  /** Records per request. Default 100. */
  batchSize?: number;
  /** How long a record may wait for a full batch. Default 1000 ms. */
  flushIntervalMs?: number;
  /** Records and actions kept while the registry is unreachable (plus the batch being sent); beyond it the oldest are dropped (and counted). Default 10 000. */
  maxQueueSize?: number;
  /** First retry delay; doubles up to `maxRetryDelayMs`, with jitter. Default 500 ms. */
  retryBaseDelayMs?: number;
  /** Default 30 000 ms. */
  maxRetryDelayMs?: number;
  /** Told about failed deliveries, drops and rejected records. Never thrown into `run()`. */
  onError?: (error: unknown) => void;
  random?: () => number;
  /**
   * Keeps what `close()` could not deliver, for the next start: the records
   * still pending are written there before `close()` resolves, and a new
   * shipper on the same spool ships them (see `restoreSpool`).
   */
  spool?: LogSpool | undefined;
}

/** What `flush()` found: the truth about what is still waiting. */
export interface FlushResult {
  /** Items enqueued before the flush that are still not delivered (0 when everything arrived). */
  pending: number;
  /** Items dropped since the shipper started (queue overflow, rejected by the registry, or logged after `close()`). */
  dropped: number;
  /** Only from `close()` with a spool: of `pending`, the records written to the spool for the next start (track actions can't be spooled). */
  spooled?: number;
}

export interface ShipperStats {
  /** Records and actions waiting (or being sent). */
  queued: number;
  delivered: number;
  /** Everything lost: overflow + rejected + after close. */
  dropped: number;
  /** Of `dropped`: refused by the registry (a 4xx), so retrying would not help. */
  rejected: number;
  /** Consecutive failed delivery attempts (0 when the registry answers). */
  failures: number;
}

/**
 * A record, or how to build it: `run()` queues a builder so that assembling
 * the record (and its shallow copies) happens when its batch is taken, after
 * the caller has its answer, not inside the call.
 */
export type QueuedRecord = LogRecordInput | (() => LogRecordInput);

type Item =
  | { seq: number; kind: "record"; record: QueuedRecord }
  | { seq: number; kind: "action"; describe: string; run: () => Promise<unknown>; dropped?: (() => void) | undefined };

/**
 * Ships log records to the registry in the background: a bounded FIFO queue,
 * batches by size or time, retries with exponential backoff and jitter until
 * the registry answers, and actions (`track.*` on a queued request) that run
 * only after everything queued before them. A batch the registry refuses is
 * split until the one bad record is found, so one record can't sink its
 * neighbours. Nothing here ever throws into the caller's code path: failures
 * go to `onError`.
 */
export class LogShipper {
  /** FIFO; the first `sending` items are in the request now outstanding. */
  private readonly queue: Item[] = [];
  private readonly waiters: { seq: number; resolve: () => void }[] = [];
  private readonly options: Required<Omit<LogShipperOptions, "onError" | "spool">> & Pick<LogShipperOptions, "onError" | "spool">;
  private nextSeq = 1;
  /** Every item with a seq up to this one is handled (delivered or dropped). */
  private doneSeq = 0;
  private working = false;
  /**
   * The interval passed, or someone asked: a partial batch holding a record up
   * to this seq is sent. Records queued later wait for their own interval, so
   * that a steady stream of runs is shipped in batches, not one request per
   * record that arrived while the previous batch was in flight.
   */
  private dueSeq = 0;
  private sending = 0;
  private closed = false;
  /** While searching a refused batch for its bad record: smaller batches up to this seq. */
  private split: { untilSeq: number; size: number } | undefined;
  /** Overflow is reported once per outage, not once per dropped record. */
  private overflowReported = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private immediate: ReturnType<typeof setImmediate> | undefined;
  private retryTimer: { timer: ReturnType<typeof setTimeout>; wake: () => void } | undefined;
  private readonly stats = { delivered: 0, dropped: 0, rejected: 0, failures: 0 };
  /** Queued records whose builder threw: sent with no batch, counted as dropped when their batch is done. */
  private readonly unbuilt = new Set<Item>();
  /** Spool files read by `restoreSpool` whose records are not all handled yet (`close()` spools those records again). */
  private readonly restoredFiles = new Set<string>();
  private restoring: Promise<void> | undefined;

  constructor(options: LogShipperOptions) {
    const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as LogShipperOptions;
    this.options = {
      batchSize: 100,
      flushIntervalMs: 1000,
      maxQueueSize: 10_000,
      retryBaseDelayMs: 500,
      maxRetryDelayMs: 30_000,
      random: Math.random,
      ...defined,
    };
  }

  /** Queues a record, or a builder of it (called once, when the record is first needed); returns at once. */
  enqueue(record: QueuedRecord): void {
    this.push({ seq: this.nextSeq++, kind: "record", record });
  }

  /**
   * Queues an action to run after everything queued so far is handled. A
   * retryable failure (the action throws a transient error) is retried like a
   * batch; `dropped` is called if the action is dropped without running
   * (queue overflow, or queued after `close()`).
   */
  enqueueAction(describe: string, run: () => Promise<unknown>, dropped?: () => void): void {
    this.push({ seq: this.nextSeq++, kind: "action", describe, run, dropped });
  }

  /**
   * Resolves when everything queued before the call is delivered (or was
   * dropped), or when `timeoutMs` passes; the result says what is still pending.
   */
  async flush(options: { timeoutMs?: number } = {}): Promise<FlushResult> {
    // Records restored from the spool count as queued before any flush.
    await this.restoring;
    const target = this.nextSeq - 1;
    if (target > this.doneSeq) {
      const handled = new Promise<void>((resolve) => this.waiters.push({ seq: target, resolve }));
      this.wake("now");
      if (options.timeoutMs === undefined) await handled;
      else {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([handled, new Promise<void>((resolve) => (timer = setTimeout(resolve, options.timeoutMs)))]);
        clearTimeout(timer);
      }
    }
    return { pending: this.queue.filter((item) => item.seq <= target).length, dropped: this.stats.dropped };
  }

  /**
   * Queues the records a previous process left in the spool, and deletes each
   * file once its records are handled. Call once, at start; never throws.
   */
  restoreSpool(): Promise<void> {
    const spool = this.options.spool;
    if (!spool || this.restoring) return this.restoring ?? Promise.resolve();
    this.restoring = (async () => {
      try {
        for (const file of await spool.load()) {
          if (this.closed) return;
          for (const record of file.records) this.enqueue(record);
          this.restoredFiles.add(file.path);
          const handled = new Promise<void>((resolve) => this.waiters.push({ seq: this.nextSeq - 1, resolve }));
          void handled.then(async () => {
            // After close() the file's pending records were spooled again, and the file removed with them.
            if (!this.restoredFiles.delete(file.path)) return;
            await spool.remove([file.path]).catch((error: unknown) => this.report(error));
          });
        }
      } catch (error) {
        this.report(error);
      }
    })();
    return this.restoring;
  }

  /**
   * Flushes, then stops: timers cleared, no more retries, later records
   * dropped (and counted). With `timeoutMs`, what was still pending is
   * reported in the result and stays unsent.
   */
  async close(options: { timeoutMs?: number } = {}): Promise<FlushResult> {
    const result = await this.flush(options);
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
    // A worker waiting to retry stops now (it checks `closed`).
    this.retryTimer?.wake();
    return this.options.spool ? { ...result, spooled: await this.spoolPending() } : result;
  }

  /** With a spool: writes the records still queued (the batch in flight too: shipping twice is harmless) for the next start. */
  private async spoolPending(): Promise<number> {
    const spool = this.options.spool!;
    const records = this.queue.flatMap((item) => (item.kind === "record" ? this.built([item]) : []));
    try {
      await spool.save(records);
      // Their records still pending are in the new file; the ones delivered are done.
      const restored = [...this.restoredFiles];
      this.restoredFiles.clear();
      await spool.remove(restored);
      return records.length;
    } catch (error) {
      this.report(error);
      return 0;
    }
  }

  getStats(): ShipperStats {
    return { ...this.stats, queued: this.queue.length };
  }

  private push(item: Item): void {
    if (this.closed) {
      this.stats.dropped++;
      this.report(new RegistryError(`The client is closed: a log ${item.kind} was dropped.`));
      if (item.kind === "action") this.notifyDropped(item);
      return;
    }
    this.queue.push(item);
    this.enforceBound();
    this.wake(this.queue.length - this.sending >= this.options.batchSize || item.kind === "action" ? "start" : "later");
  }

  /**
   * Drops the oldest items beyond the bound. The items of the request now
   * outstanding can't be taken back: until it settles, the bound applies to
   * the items behind it (the queue may exceed it by that one batch), and if
   * the request fails they are the first to go.
   */
  private enforceBound(): void {
    let droppedNow = 0;
    while (this.queue.length - this.sending > this.options.maxQueueSize) {
      const [dropped] = this.queue.splice(this.sending, 1);
      if (dropped) this.unbuilt.delete(dropped);
      this.stats.dropped++;
      droppedNow++;
      if (dropped?.kind === "action") this.notifyDropped(dropped);
    }
    if (droppedNow === 0) return;
    this.markDone();
    if (!this.overflowReported) {
      this.overflowReported = true;
      this.report(new RegistryError(`The log queue is full (${this.options.maxQueueSize}): dropping the oldest records until the registry answers. See stats().dropped.`));
    }
  }

  /**
   * `now`: send everything, partial batches too (flush). `start`: send the
   * full batches (and what precedes an action), on the next turn of the event
   * loop. `later`: after the interval.
   */
  private wake(mode: "now" | "start" | "later"): void {
    if (mode === "later") {
      if (this.timer || this.working) return;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.dueSeq = this.nextSeq - 1;
        void this.work();
      }, this.options.flushIntervalMs);
      // The exit hook flushes what's left; this timer must not keep the process alive.
      this.timer.unref?.();
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    if (mode === "now") {
      this.dueSeq = this.nextSeq - 1;
      // Someone waits: retry now rather than after the backoff. New records alone must not cut the backoff short.
      this.retryTimer?.wake();
      void this.work();
    } else if (this.queue.length - this.sending < 2 * this.options.batchSize) this.startSoon();
    // A caller that never yields to the event loop (runs against an in-process fake) must not fill the queue meanwhile.
    else void this.work();
  }

  /**
   * Starts a full batch once the current task is over, not inside the
   * `run()` whose record filled it: serialising and sending 100 records costs
   * that one caller a few milliseconds (the p99 of a warm `run()`).
   */
  private startSoon(): void {
    this.immediate ??= setImmediate(() => {
      this.immediate = undefined;
      void this.work();
    });
  }

  private async work(): Promise<void> {
    if (this.working) return;
    this.working = true;
    try {
      while (this.queue.length > 0) {
        const head = this.queue[0]!;
        const batch = head.kind === "record" ? this.takeRecords() : [head];
        // A partial batch waits for the interval, unless someone waits on it (flush, an action behind it) or it is being retried.
        const partial = head.kind === "record" && batch.length < this.options.batchSize && batch.length === this.queue.length;
        if (partial && head.seq > this.dueSeq && this.waiters.length === 0 && this.stats.failures === 0) break;
        this.sending = batch.length;
        const outcome = await this.deliver(batch);
        this.sending = 0;
        if (outcome === "retry") {
          this.enforceBound();
          if (this.closed) break;
          await this.backoff();
          if (this.closed) break;
          continue;
        }
        this.stats.failures = 0;
        if (outcome === "refused" && batch.length > 1) {
          // One bad record refuses the whole batch: send halves until it is alone.
          this.split = { untilSeq: batch.at(-1)!.seq, size: Math.ceil(batch.length / 2) };
          continue;
        }
        this.queue.splice(0, batch.length);
        const lost = this.forgetUnbuilt(batch);
        this.stats.dropped += lost;
        if (outcome === "delivered") {
          this.stats.delivered += batch.length - lost;
          this.overflowReported = false;
        } else {
          this.stats.dropped += batch.length - lost;
          this.stats.rejected += batch.length - lost;
        }
        if (this.split && batch.at(-1)!.seq >= this.split.untilSeq) this.split = undefined;
        this.enforceBound();
        this.markDone();
      }
    } finally {
      this.sending = 0;
      this.working = false;
    }
    if (this.queue.length > 0 && !this.closed && this.stats.failures === 0) this.wake("later");
  }

  private takeRecords(): Item[] {
    const limit = this.split ? this.split.size : this.options.batchSize;
    const batch: Item[] = [];
    for (const item of this.queue) {
      if (item.kind !== "record" || batch.length >= limit) break;
      batch.push(item);
    }
    return batch;
  }

  /**
   * The items' records, each builder called once and replaced by its record.
   * A builder that throws (it should not: it only copies what the run gathered)
   * loses its record, reported and counted as dropped, rather than the batch.
   */
  private built(items: Extract<Item, { kind: "record" }>[]): LogRecordInput[] {
    const records: LogRecordInput[] = [];
    for (const item of items) {
      if (this.unbuilt.has(item)) continue;
      if (typeof item.record === "function") {
        try {
          item.record = item.record();
        } catch (error) {
          this.report(error);
          this.unbuilt.add(item);
          continue;
        }
      }
      records.push(item.record);
    }
    return records;
  }

  /** How many of a finished batch's items had a builder that threw (and forgets them). */
  private forgetUnbuilt(batch: Item[]): number {
    if (this.unbuilt.size === 0) return 0;
    let lost = 0;
    for (const item of batch) if (this.unbuilt.delete(item)) lost++;
    return lost;
  }

  /** `refused`: the registry found the batch invalid (400, 413): maybe one record's fault. `rejected`: refused for good (401, 404). */
  private async deliver(batch: Item[]): Promise<"delivered" | "refused" | "rejected" | "retry"> {
    try {
      const head = batch[0]!;
      if (head.kind === "action") await head.run();
      else {
        const records = this.built(batch as Extract<Item, { kind: "record" }>[]);
        if (records.length > 0) await this.options.sendBatch(records);
      }
      return "delivered";
    } catch (error) {
      this.report(error);
      // A registry that is down or overloaded will come back; a record it refuses will not.
      if (isTransientRegistryError(error)) {
        this.stats.failures++;
        return "retry";
      }
      return error instanceof InvalidRequestError ? "refused" : "rejected";
    }
  }

  private backoff(): Promise<void> {
    // Half to all of the ceiling; `random() === 1` waits all of it.
    const delay = backoffMs(this.stats.failures - 1, {
      initialMs: this.options.retryBaseDelayMs,
      maxMs: this.options.maxRetryDelayMs,
      jitter: 0.5,
      random: () => 1 - this.options.random(),
    });
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.retryTimer = undefined;
        resolve();
      };
      const timer = setTimeout(wake, delay);
      timer.unref?.();
      this.retryTimer = { timer, wake };
    });
  }

  private markDone(): void {
    this.doneSeq = this.queue.length > 0 ? this.queue[0]!.seq - 1 : this.nextSeq - 1;
    for (let index = this.waiters.length - 1; index >= 0; index--) {
      const waiter = this.waiters[index]!;
      if (waiter.seq <= this.doneSeq) {
        this.waiters.splice(index, 1);
        waiter.resolve();
      }
    }
  }

  private notifyDropped(item: Extract<Item, { kind: "action" }>): void {
    try {
      item.dropped?.();
    } catch (error) {
      this.report(error);
    }
  }

  private report(error: unknown): void {
    try {
      this.options.onError?.(error);
    } catch {
      // A throwing onError hook must not reach run() or stop the worker.
    }
  }
}
