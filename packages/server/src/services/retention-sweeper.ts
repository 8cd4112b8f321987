import type { RetentionSweepResult, Storage } from "../storage/index.js";

/**
 * Deletes expired request log records and spans in the background (decision
 * 0018): one small batch at a time (`RetentionRepository.sweepBatch`), then a
 * pause several times as long as the batch took, so the sweep takes at most
 * `dutyCycle` of the database's (and, on SQLite, the event loop's) time and
 * log writes are never held for more than one batch. A sweep runs at start
 * (after `startDelayMs`) and then every `intervalMs`; one at a time.
 */
export interface RetentionSweeper {
  /** Starts a sweep now unless one is running; resolves with what that sweep deleted when nothing expired is left (or the sweeper closed). */
  sweep(): Promise<RetentionSweepResult>;
  /** Deleted since the sweeper started, and whether a sweep is running now. */
  progress(): RetentionSweepResult & { sweeping: boolean };
  /** Stops the timer, ends the sweep in flight after its current batch, and waits for it. */
  close(): Promise<void>;
}

export interface RetentionSweeperOptions {
  storage: Pick<Storage, "retention">;
  /** Days kept by workspaces without their own retention (`--retention-days`); null keeps them forever. */
  defaultDays: number | null;
  /** Requests (and spans) per batch. Default 500: a few milliseconds of deleting. */
  batchSize?: number;
  /** Most of the time a sweep spends deleting, from 0 (exclusive) to 1. Default 0.1. */
  dutyCycle?: number;
  /** Between the end of a sweep and the next. Default 10 minutes. */
  intervalMs?: number;
  /** Before the first sweep. Default 30 s, so a start is not slowed by it. */
  startDelayMs?: number;
  onError?: (error: unknown) => void;
}

export function createRetentionSweeper(options: RetentionSweeperOptions): RetentionSweeper {
  const { storage, defaultDays } = options;
  const batchSize = options.batchSize ?? 500;
  const dutyCycle = options.dutyCycle ?? 0.1;
  if (!(dutyCycle > 0 && dutyCycle <= 1)) throw new RangeError(`dutyCycle must be above 0 and at most 1, got ${dutyCycle}.`);
  const intervalMs = options.intervalMs ?? 10 * 60_000;
  const totals: RetentionSweepResult = { requests: 0, spans: 0 };
  let running: Promise<RetentionSweepResult> | undefined;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const handle = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(handle);
        resolve();
      };
    });

  async function sweepUntilDone(): Promise<RetentionSweepResult> {
    const swept: RetentionSweepResult = { requests: 0, spans: 0 };
    while (!closed) {
      const started = performance.now();
      const batch = await storage.retention.sweepBatch({ defaultDays, batchSize });
      swept.requests += batch.requests;
      swept.spans += batch.spans;
      totals.requests += batch.requests;
      totals.spans += batch.spans;
      if (batch.requests < batchSize && batch.spans < batchSize) break;
      const took = performance.now() - started;
      await pause(Math.max(1, (took * (1 - dutyCycle)) / dutyCycle));
    }
    return swept;
  }

  function schedule(delayMs: number) {
    if (closed) return;
    timer = setTimeout(() => {
      sweeper.sweep().then(
        () => schedule(intervalMs),
        (error: unknown) => {
          options.onError?.(error);
          schedule(intervalMs);
        },
      );
    }, delayMs);
    // The sweeper never keeps a process alive on its own.
    timer.unref();
  }

  const sweeper: RetentionSweeper = {
    sweep() {
      running ??= sweepUntilDone().finally(() => {
        running = undefined;
      });
      return running;
    },
    progress: () => ({ ...totals, sweeping: running !== undefined }),
    async close() {
      closed = true;
      clearTimeout(timer);
      wake?.();
      await running?.catch(() => undefined);
    },
  };
  schedule(options.startDelayMs ?? 30_000);
  return sweeper;
}
