import { describe, expect, it } from "vitest";
import { CircuitBreakers } from "./circuit-breaker.js";

function breakers(options: { failureThreshold?: number; cooldownMs?: number } = { failureThreshold: 2, cooldownMs: 1000 }) {
  let time = 0;
  const circuits = new CircuitBreakers(options, () => time);
  return { circuits, advance: (ms: number) => (time += ms) };
}

const state = (circuits: CircuitBreakers) => circuits.snapshot().map(({ state, consecutiveFailures, reopensAt }) => ({ state, consecutiveFailures, reopensAt }));

describe("CircuitBreakers", () => {
  it("stays closed below the threshold, then opens for the cool-down", () => {
    const { circuits } = breakers();
    expect(circuits.admit("openai", "https://a", false)).toBe("closed");
    circuits.recordFailure("openai", "https://a");
    expect(state(circuits)).toEqual([{ state: "closed", consecutiveFailures: 1, reopensAt: null }]);
    expect(circuits.admit("openai", "https://a", false)).toBe("closed");
    circuits.recordFailure("openai", "https://a");
    expect(state(circuits)).toEqual([{ state: "open", consecutiveFailures: 2, reopensAt: 1000 }]);
    expect(circuits.admit("openai", "https://a", false)).toBe("skip");
  });

  it("keys by provider and base URL: another endpoint is unaffected", () => {
    const { circuits } = breakers({ failureThreshold: 1 });
    circuits.recordFailure("openai", "https://a");
    expect(circuits.admit("openai", "https://a", false)).toBe("skip");
    expect(circuits.admit("openai", "https://b", false)).toBe("closed");
    expect(circuits.admit("azure", "https://a", false)).toBe("closed");
  });

  it("the last entry of a chain is always tried: as the probe", () => {
    const { circuits } = breakers({ failureThreshold: 1, cooldownMs: 1000 });
    circuits.recordFailure("openai", "https://a");
    expect(circuits.admit("openai", "https://a", true)).toBe("probe");
    expect(state(circuits)[0]!.state).toBe("half-open");
  });

  it("after the cool-down one probe goes; others are skipped while it runs; success closes", () => {
    const { circuits, advance } = breakers({ failureThreshold: 1, cooldownMs: 1000 });
    circuits.recordFailure("openai", "https://a");
    advance(999);
    expect(circuits.admit("openai", "https://a", false)).toBe("skip");
    advance(1);
    expect(state(circuits)[0]!.state).toBe("half-open");
    expect(circuits.admit("openai", "https://a", false)).toBe("probe");
    expect(circuits.admit("openai", "https://a", false)).toBe("skip");
    circuits.recordSuccess("openai", "https://a");
    expect(circuits.snapshot()).toEqual([]);
    expect(circuits.admit("openai", "https://a", false)).toBe("closed");
  });

  it("a failed probe opens the circuit for another cool-down, whatever the threshold", () => {
    const { circuits, advance } = breakers({ failureThreshold: 3, cooldownMs: 1000 });
    for (let index = 0; index < 3; index++) circuits.recordFailure("openai", "https://a");
    advance(1000);
    expect(circuits.admit("openai", "https://a", false)).toBe("probe");
    circuits.recordFailure("openai", "https://a");
    expect(state(circuits)).toEqual([{ state: "open", consecutiveFailures: 4, reopensAt: 2000 }]);
  });

  it("release() after a probe that told nothing (cancelled, a 400) lets the next probe go", () => {
    const { circuits, advance } = breakers({ failureThreshold: 1, cooldownMs: 10 });
    circuits.recordFailure("openai", "https://a");
    advance(10);
    expect(circuits.admit("openai", "https://a", false)).toBe("probe");
    circuits.release("openai", "https://a");
    expect(circuits.admit("openai", "https://a", false)).toBe("probe");
  });

  it("defaults: 5 failures, 30 s; a threshold below 1 counts as 1, a negative cool-down as 0", () => {
    const { circuits } = breakers({});
    for (let index = 0; index < 4; index++) circuits.recordFailure("openai", "https://a");
    expect(circuits.admit("openai", "https://a", false)).toBe("closed");
    circuits.recordFailure("openai", "https://a");
    expect(state(circuits)).toEqual([{ state: "open", consecutiveFailures: 5, reopensAt: 30_000 }]);
    const odd = breakers({ failureThreshold: 0, cooldownMs: -5 });
    odd.circuits.recordFailure("x", "y");
    expect(state(odd.circuits)).toEqual([{ state: "half-open", consecutiveFailures: 1, reopensAt: 0 }]);
  });
});
