import { RegistryError, type LogRecordInput } from "@promptline/core";

export interface LogShipperOptions {
  /** Delivers one batch; must be idempotent on `request_id` (the server de-duplicates). */
  sendBatch: (records: LogRecordInput[]) => Promise<unknown>;
  /** Records per request. Default 100. */
  batchSize?: number;
  /** How long a record may wait for a full batch. Default 1000 ms. */
  flushIntervalMs?: number;
  /** Records and actions kept while the registry is unreachable; beyond it the oldest are dropped (and counted). Default 10 000. */
  maxQueueSize?: number;
  /** First retry delay; doubles up to `maxRetryDelayMs`, with jitter. Default 500 ms. */
  retryBaseDelayMs?: number;
  /** Default 30 000 ms. */
  maxRetryDelayMs?: number;
  /** Told about failed deliveries, drops and rejected records. Never thrown into `run()`. */
  onError?: (error: unknown) => void;
  random?: () => number;
}

/** What `flush()` found: the truth about what is still waiting. */
export interface FlushResult {
  /** Items enqueued before the flush that are still not delivered (0 when everything arrived). */
  pending: number;
  /** Items dropped since the shipper started (queue overflow, or rejected by the registry). */
  dropped: number;
}

export interface ShipperStats {
  queued: number;
  delivered: number;
  dropped: number;
  /** Consecutive failed delivery attempts (0 when the registry answers). */
  failures: number;
}

type Item =
  | { seq: number; kind: "record"; record: LogRecordInput }
  | { seq: number; kind: "action"; describe: string; run: () => Promise<unknown> };

/**
 * Ships log records to the registry in the background: a bounded FIFO queue,
 * batches by size or time, retries with exponential backoff and jitter until
 * the registry answers, and actions (`track.*` on a queued request) that run
 * only after everything queued before them. Nothing here ever throws into the
 * caller's code path: failures go to `onError`.
 */
export class LogShipper {
  private readonly queue: Item[] = [];
  private readonly waiters: { seq: number; resolve: () => void }[] = [];
  private readonly options: Required<Omit<LogShipperOptions, "onError">> & Pick<LogShipperOptions, "onError">;
  private nextSeq = 1;
  /** Highest seq fully handled (delivered or dropped), in order. */
  private doneSeq = 0;
  private working = false;
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: { timer: ReturnType<typeof setTimeout>; wake: () => void } | undefined;
  private readonly stats: ShipperStats = { queued: 0, delivered: 0, dropped: 0, failures: 0 };

  constructor(options: LogShipperOptions) {
    this.options = {
      batchSize: 100,
      flushIntervalMs: 1000,
      maxQueueSize: 10_000,
      retryBaseDelayMs: 500,
      maxRetryDelayMs: 30_000,
      random: Math.random,
      ...options,
    };
  }

  /** Queues a record; returns at once. */
  enqueue(record: LogRecordInput): void {
    this.push({ seq: this.nextSeq++, kind: "record", record });
  }

  /** Queues an action to run after everything queued so far has been delivered. */
  enqueueAction(describe: string, run: () => Promise<unknown>): void {
    this.push({ seq: this.nextSeq++, kind: "action", describe, run });
  }

  /**
   * Resolves when everything queued before the call is delivered (or was
   * dropped), or when `timeoutMs` passes; the result says what is still pending.
   */
  async flush(options: { timeoutMs?: number } = {}): Promise<FlushResult> {
    const target = this.nextSeq - 1;
    if (target > this.doneSeq) {
      const delivered = new Promise<void>((resolve) => this.waiters.push({ seq: target, resolve }));
      this.wake(true);
      if (options.timeoutMs === undefined) await delivered;
      else {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([delivered, new Promise<void>((resolve) => (timer = setTimeout(resolve, options.timeoutMs)))]);
        clearTimeout(timer);
      }
    }
    return { pending: this.queue.filter((item) => item.seq <= target).length, dropped: this.stats.dropped };
  }

  /** Flushes, then stops the timers. Later records are dropped (and counted). */
  async close(options: { timeoutMs?: number } = {}): Promise<FlushResult> {
    const result = await this.flush(options);
    this.closed = true;
    clearTimeout(this.timer);
    return result;
  }

  getStats(): ShipperStats {
    return { ...this.stats, queued: this.queue.length };
  }

  private push(item: Item): void {
    if (this.closed) {
      this.stats.dropped++;
      this.options.onError?.(new RegistryError("The client is closed: a log record was dropped."));
      return;
    }
    this.queue.push(item);
    while (this.queue.length > this.options.maxQueueSize) {
      // The head may be in flight; drop the oldest item behind it instead.
      const dropped = this.queue.splice(this.working ? 1 : 0, 1)[0];
      if (!dropped) break;
      this.stats.dropped++;
      this.markDone();
      this.options.onError?.(new RegistryError(`The log queue is full (${this.options.maxQueueSize}): dropped the oldest entry.`));
    }
    this.wake(this.queue.length >= this.options.batchSize || item.kind === "action");
  }

  /** Starts the worker now (`immediate`) or after the flush interval. */
  private wake(immediate: boolean): void {
    if (immediate) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.retryTimer?.wake();
      void this.work();
    } else if (!this.timer && !this.working) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.work();
      }, this.options.flushIntervalMs);
      this.timer.unref?.();
    }
  }

  private async work(): Promise<void> {
    if (this.working) return;
    this.working = true;
    try {
      while (this.queue.length > 0) {
        const head = this.queue[0]!;
        const batch = head.kind === "record" ? this.takeRecords() : [head];
        const ok = await this.deliver(batch);
        if (ok === "retry") {
          await this.backoff();
          continue;
        }
        this.queue.splice(0, batch.length);
        if (ok === "delivered") this.stats.delivered += batch.length;
        else this.stats.dropped += batch.length;
        this.stats.failures = 0;
        this.markDone();
      }
    } finally {
      this.working = false;
    }
  }

  private takeRecords(): Item[] {
    const batch: Item[] = [];
    for (const item of this.queue) {
      if (item.kind !== "record" || batch.length >= this.options.batchSize) break;
      batch.push(item);
    }
    return batch;
  }

  private async deliver(batch: Item[]): Promise<"delivered" | "rejected" | "retry"> {
    try {
      const head = batch[0]!;
      if (head.kind === "action") await head.run();
      else await this.options.sendBatch(batch.map((item) => (item as Extract<Item, { kind: "record" }>).record));
      return "delivered";
    } catch (error) {
      this.options.onError?.(error);
      // A registry that is down or overloaded will come back; a record it refuses will not.
      const transient = !(error instanceof Error) || !("code" in error) || (error instanceof RegistryError && error.isRetryable);
      if (transient) {
        this.stats.failures++;
        return "retry";
      }
      return "rejected";
    }
  }

  private backoff(): Promise<void> {
    const exponent = Math.min(this.stats.failures - 1, 16);
    const ceiling = Math.min(this.options.maxRetryDelayMs, this.options.retryBaseDelayMs * 2 ** exponent);
    const delay = ceiling * (0.5 + this.options.random() / 2);
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
}
