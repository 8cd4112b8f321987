/** Summary of latency samples, in milliseconds. */
export interface Summary {
  n: number;
  p50: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

/** Nearest-rank percentile of sorted samples (p in 0–100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sorted.length === 0 ? Number.NaN : sum / sorted.length,
    min: sorted[0] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
  };
}

/** Milliseconds since an arbitrary origin, sub-microsecond resolution. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Records one extra measurement of the current call (time to first chunk, …); a no-op during warm-up. */
export type Recorder = (metric: string, ms: number) => void;

/**
 * Runs `variants` in interleaved rounds so that drift (GC, JIT, a noisy
 * neighbour) hits every variant alike. Each round runs every variant once in
 * a shuffled order (seeded, so runs repeat): a fixed rotation (A, B, C, then
 * B, C, A, …) puts the same variant after a given one in all but one round
 * of every cycle, so whatever a variant leaves running (PromptLayer's `run()`
 * returns before our server has finished its /track-request) always landed
 * on the same neighbour. Each call is timed on its own as `total` (and its
 * CPU time as `cpu`); a call may record more metrics. Warm-up rounds are
 * discarded. Returns samples by variant, then by metric.
 */
export async function interleave(
  variants: ReadonlyArray<{ name: string; call: (record: Recorder) => Promise<void> }>,
  options: { warmupRounds: number; rounds: number; onRound?: (round: number) => Promise<void> | void; seed?: number },
): Promise<Map<string, Map<string, number[]>>> {
  const samples = new Map(variants.map((variant) => [variant.name, new Map<string, number[]>()]));
  const total = options.warmupRounds + options.rounds;
  const random = seededRandom(options.seed ?? 0x5eed);
  const order = [...variants];
  for (let round = 0; round < total; round++) {
    await options.onRound?.(round);
    const measured = round >= options.warmupRounds;
    shuffle(order, random);
    for (const variant of order) {
      const byMetric = samples.get(variant.name)!;
      const record: Recorder = (metric, ms) => {
        if (!measured) return;
        let list = byMetric.get(metric);
        if (!list) byMetric.set(metric, (list = []));
        list.push(ms);
      };
      const cpuBefore = process.cpuUsage();
      const started = nowMs();
      await variant.call(record);
      record("total", nowMs() - started);
      const cpu = process.cpuUsage(cpuBefore);
      // CPU of this process during the call, ms: less sensitive than wall time to other work on a shared machine.
      record("cpu", (cpu.user + cpu.system) / 1000);
    }
  }
  return samples;
}

/** Fisher–Yates, in place. */
export function shuffle<T>(items: T[], random: () => number): void {
  for (let index = items.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [items[index], items[other]] = [items[other]!, items[index]!];
  }
}

/** mulberry32: a small seeded generator in [0, 1), so a run's orders repeat. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** `a / b`, rounded for display. */
export function ratio(a: number, b: number): number {
  return Math.round((a / b) * 1000) / 1000;
}
