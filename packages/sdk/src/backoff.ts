/**
 * The SDK's one exponential backoff (provider retries, log shipping, the live
 * channel, prompt refreshes): `initialMs` doubled per earlier failure, at most
 * `maxMs`, then shortened by up to `jitter` of it at random, so that clients
 * that failed together don't all come back in the same millisecond.
 *
 * @param failuresBefore 0 for the first wait.
 */
export function backoffMs(failuresBefore: number, options: BackoffOptions): number {
  const doubled = options.initialMs * 2 ** Math.min(Math.max(0, failuresBefore), maxDoublings);
  const base = Math.min(options.maxMs, doubled);
  const jitter = options.jitter ?? 0;
  return jitter === 0 ? base : base * (1 - jitter * (options.random ?? Math.random)());
}

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** The share of the wait that may be taken away at random, in [0, 1]. Default 0: none. */
  jitter?: number;
  /** In [0, 1). Default `Math.random`. */
  random?: () => number;
}

/** Past this many doublings only `maxMs` bounds the wait (and `2 **` stays finite). */
const maxDoublings = 16;
