/**
 * A circuit breaker per provider endpoint (provider + base URL): after
 * `failureThreshold` failed attempts in a row (each after its own retries),
 * runs with a fallback skip that endpoint for `cooldownMs`; then one run
 * probes it: success closes the circuit, failure opens it for another
 * cool-down. The last entry of a chain is always tried, so a run without
 * fallbacks behaves as if there were no breaker. Decision 0011.
 */

/** `new Promptline({ circuitBreaker })`. */
export interface CircuitBreakerOptions {
  /** Failed attempts in a row that open an endpoint's circuit. Default 5. */
  failureThreshold?: number;
  /** How long an open circuit is skipped before one probe is let through. Default 30 000 ms. */
  cooldownMs?: number;
}

export type CircuitState = "closed" | "open" | "half-open";

/** One endpoint's circuit, as `client.stats().circuits` shows it. */
export interface CircuitSnapshot {
  provider: string;
  baseURL: string;
  state: CircuitState;
  /** Failed attempts since the last success. */
  consecutiveFailures: number;
  /** When an open circuit lets its probe through (epoch ms); null unless open. */
  reopensAt: number | null;
}

/** What an attempt may do: go ahead, go ahead as the probe of an open circuit, or be skipped. */
export type Admission = "closed" | "probe" | "skip";

interface Circuit {
  provider: string;
  baseURL: string;
  failures: number;
  /** Set while open: when the probe may go. */
  openUntil: number | null;
  probing: boolean;
}

export const defaultFailureThreshold = 5;
export const defaultCooldownMs = 30_000;

export class CircuitBreakers {
  private readonly circuits = new Map<string, Circuit>();
  private readonly failureThreshold: number;
  private readonly cooldownMs: number;

  constructor(
    options: CircuitBreakerOptions,
    private readonly now: () => number,
  ) {
    this.failureThreshold = Math.max(1, Math.floor(options.failureThreshold ?? defaultFailureThreshold));
    this.cooldownMs = Math.max(0, options.cooldownMs ?? defaultCooldownMs);
  }

  /**
   * Whether an attempt at this endpoint goes ahead. `mustTry`: the chain's
   * last entry, tried even when open (then it is the probe).
   */
  admit(provider: string, baseURL: string, mustTry: boolean): Admission {
    const circuit = this.circuits.get(keyOf(provider, baseURL));
    if (circuit === undefined || circuit.openUntil === null) return "closed";
    const probeDue = !circuit.probing && this.now() >= circuit.openUntil;
    if (!probeDue && !mustTry) return "skip";
    circuit.probing = true;
    return "probe";
  }

  recordSuccess(provider: string, baseURL: string): void {
    this.circuits.delete(keyOf(provider, baseURL));
  }

  /** A failure that would fall back (429, 5xx, timeout, connection error); a caller's mistake is not one. */
  recordFailure(provider: string, baseURL: string): void {
    const key = keyOf(provider, baseURL);
    const circuit = this.circuits.get(key) ?? { provider, baseURL, failures: 0, openUntil: null, probing: false };
    circuit.failures++;
    circuit.probing = false;
    if (circuit.openUntil !== null || circuit.failures >= this.failureThreshold) circuit.openUntil = this.now() + this.cooldownMs;
    this.circuits.set(key, circuit);
  }

  /** An attempt that ended without telling anything about the endpoint (cancelled, a 400): a probe may go again. */
  release(provider: string, baseURL: string): void {
    const circuit = this.circuits.get(keyOf(provider, baseURL));
    if (circuit) circuit.probing = false;
  }

  snapshot(): CircuitSnapshot[] {
    const now = this.now();
    return [...this.circuits.values()].map((circuit) => ({
      provider: circuit.provider,
      baseURL: circuit.baseURL,
      state: circuit.openUntil === null ? "closed" : circuit.probing || now >= circuit.openUntil ? "half-open" : "open",
      consecutiveFailures: circuit.failures,
      reopensAt: circuit.openUntil,
    }));
  }
}

function keyOf(provider: string, baseURL: string): string {
  return `${provider}\n${baseURL}`;
}
