/**
 * A streamed run's chunks, owning the provider request behind them
 * (decision 0020). A stream nobody reads would otherwise hold its socket and
 * its abort listener forever and never be logged: an async generator that
 * was never started does not even run its `finally` when closed.
 *
 * So the stream keeps a timer while it waits for the caller: from the moment
 * it is handed over, and again after each chunk until the next read. When it
 * fires (or `cancel()` is called: `client.close()`, the caller's signal) the
 * request is aborted and logged CANCELLED through `onCancel`, once. The timer
 * is off while a read is pending: a slow provider is the transport's business.
 */

/** What an `OwnedStream` is told and asks of its owner. */
export interface OwnedStreamOptions<T> {
  /** How long the stream waits for the caller's next read (the first one too); not finite: forever. */
  unreadTimeoutMs: number;
  /** Aborts the request and logs it CANCELLED with `reason`. Called at most once, never after the stream ended. */
  onCancel: (reason: string) => void;
  /** Called once when the stream is over, however it ended (read to its end, failed, left, cancelled). */
  onSettled: () => void;
  /** What a read after cancellation throws. */
  cancelledError: (reason: string) => Error;
  /** Whether a value is the last one (the run is complete and logged): the stream is then over, with no timer. */
  isLast?: (value: T) => boolean;
}

/** The log message of a stream left before its first read (`return()` on a stream never read). */
export const stoppedReadingReason = "The caller stopped reading the stream.";

export function unreadReason(timeoutMs: number): string {
  return `The caller did not read the stream for ${timeoutMs} ms: it was cancelled.`;
}

export class OwnedStream<T> implements AsyncIterableIterator<T> {
  private state: "open" | "ended" | "cancelled" = "open";
  private started = false;
  private reading = false;
  private cancelReason = "";
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly source: AsyncGenerator<T>,
    private readonly options: OwnedStreamOptions<T>,
  ) {
    this.arm();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<T>> {
    if (this.state === "cancelled") throw this.options.cancelledError(this.cancelReason);
    if (this.state === "ended") return this.source.next();
    this.disarm();
    this.started = true;
    this.reading = true;
    try {
      const result = await this.source.next();
      if (result.done || this.options.isLast?.(result.value)) this.end();
      else if (this.state === "open") this.arm();
      // Cancelled while this chunk was on its way: close the source now that it is suspended again.
      else if (this.state === "cancelled") this.source.return(undefined as never).catch(() => {});
      return result;
    } catch (error) {
      this.end();
      throw error;
    } finally {
      this.reading = false;
    }
  }

  /** `break` from a `for await` loop: the source's own `finally` aborts and logs (or `onCancel` does, if it never started). */
  async return(value?: unknown): Promise<IteratorResult<T>> {
    if (this.state === "open" && !this.started) {
      this.cancel(stoppedReadingReason);
      return { done: true, value: undefined };
    }
    this.end();
    return this.source.return(value as never);
  }

  async throw(error?: unknown): Promise<IteratorResult<T>> {
    if (this.state === "open" && !this.started) this.cancel(stoppedReadingReason);
    this.end();
    return this.source.throw(error);
  }

  /** Aborts and logs the request now, unless the stream is already over. A pending read then throws. */
  cancel(reason: string): void {
    if (this.state !== "open") return;
    this.state = "cancelled";
    this.cancelReason = reason;
    this.disarm();
    this.options.onCancel(reason);
    this.options.onSettled();
    // A source suspended at a chunk runs its `finally` (the transport lets go of the request); one never started just closes.
    // A pending read is not disturbed: the abort makes it throw.
    if (!this.reading) this.source.return(undefined as never).catch(() => {});
  }

  private end(): void {
    if (this.state !== "open") return;
    this.state = "ended";
    this.disarm();
    this.options.onSettled();
  }

  private arm(): void {
    const { unreadTimeoutMs } = this.options;
    if (!Number.isFinite(unreadTimeoutMs)) return;
    this.timer = setTimeout(() => this.cancel(unreadReason(unreadTimeoutMs)), Math.max(0, unreadTimeoutMs));
    // An abandoned stream must not keep the process alive by itself.
    this.timer.unref?.();
  }

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
