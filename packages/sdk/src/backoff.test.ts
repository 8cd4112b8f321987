import { describe, expect, it } from "vitest";
import { backoffMs } from "./backoff.js";

describe("backoffMs", () => {
  it("doubles from initialMs per earlier failure, up to maxMs", () => {
    const waits = [0, 1, 2, 3, 4, 5].map((failures) => backoffMs(failures, { initialMs: 500, maxMs: 8000 }));
    expect(waits).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
  });

  it("takes away up to `jitter` of the wait at random", () => {
    expect(backoffMs(2, { initialMs: 100, maxMs: 10_000, jitter: 0.25, random: () => 0 })).toBe(400);
    expect(backoffMs(2, { initialMs: 100, maxMs: 10_000, jitter: 0.25, random: () => 0.5 })).toBe(350);
    expect(backoffMs(2, { initialMs: 100, maxMs: 10_000, jitter: 0.5, random: () => 1 })).toBe(200);
  });

  it("stays finite and bounded for any failure count, and treats a negative count as the first", () => {
    expect(backoffMs(10_000, { initialMs: 1, maxMs: Number.POSITIVE_INFINITY })).toBe(2 ** 16);
    expect(backoffMs(-3, { initialMs: 250, maxMs: 10_000 })).toBe(250);
  });
});
