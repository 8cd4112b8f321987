import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Usage } from "../schemas/log-record.js";
import { addUsage, emptyUsage } from "./add-usage.js";

describe("addUsage", () => {
  it("sums the counts, keeping optional ones either side has", () => {
    expect(addUsage({ input_tokens: 10, output_tokens: 2, cached_input_tokens: 4 }, { input_tokens: 5, output_tokens: 7, reasoning_tokens: 3 })).toEqual({
      input_tokens: 15,
      output_tokens: 9,
      cached_input_tokens: 4,
      reasoning_tokens: 3,
    });
    expect(addUsage({ input_tokens: 1, output_tokens: 1 }, { input_tokens: 2, output_tokens: 3 })).toEqual({ input_tokens: 3, output_tokens: 4 });
  });

  const count = fc.integer({ min: 0, max: 1_000_000 });
  const usage: fc.Arbitrary<Usage> = fc.record(
    { input_tokens: count, output_tokens: count, cached_input_tokens: count, reasoning_tokens: count },
    { requiredKeys: ["input_tokens", "output_tokens"] },
  );

  it("has emptyUsage as identity and is commutative", () => {
    fc.assert(
      fc.property(usage, usage, (a, b) => {
        expect(addUsage(a, b)).toEqual(addUsage(b, a));
        expect(addUsage(a, emptyUsage())).toEqual(a);
      }),
    );
  });

  it("emptyUsage is a fresh object each time", () => {
    const first = emptyUsage();
    first.input_tokens = 9;
    expect(emptyUsage()).toEqual({ input_tokens: 0, output_tokens: 0 });
  });
});
