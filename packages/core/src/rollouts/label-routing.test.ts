import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { labelSplitSchema, resolveLabelVersion, routingOfBody, stickyPoint, versionsOfTarget, type LabelTarget } from "./label-routing.js";

const split = (weights: number[], extra: Partial<LabelTarget["routing"] & object> = {}): LabelTarget =>
  routingOfBody({ split: weights.map((weight, index) => ({ version: index + 1, weight })), ...extra });

describe("resolveLabelVersion", () => {
  it("serves a plain label's version", () => {
    expect(resolveLabelVersion({ version: 4, routing: null }, { prompt: "p", label: "prod" })).toEqual({ version: 4, reason: "fixed" });
  });

  it("keeps the weights' shares within 2 % over 10,000 distinct sticky values", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 2, maxLength: 4 }), fc.string({ maxLength: 8 }), (weights, salt) => {
        const target = split(weights, { sticky_by: "user" });
        const counts = new Map<number, number>();
        for (let index = 0; index < 10_000; index++) {
          const { version } = resolveLabelVersion(target, { prompt: `p${salt}`, label: "prod", metadata: { user: `user-${index}` } });
          counts.set(version, (counts.get(version) ?? 0) + 1);
        }
        const total = weights.reduce((sum, weight) => sum + weight, 0);
        weights.forEach((weight, index) => {
          expect(Math.abs((counts.get(index + 1) ?? 0) / 10_000 - weight / total)).toBeLessThanOrEqual(0.02);
        });
      }),
      { numRuns: 20 },
    );
  });

  it("maps the same sticky value to the same version every time", () => {
    const target = split([50, 30, 20], { sticky_by: "user" });
    fc.assert(
      fc.property(fc.string(), (user) => {
        const first = resolveLabelVersion(target, { prompt: "p", label: "prod", metadata: { user }, random: () => 0 });
        const again = resolveLabelVersion(target, { prompt: "p", label: "prod", metadata: { user }, random: () => 0.99 });
        expect(again).toEqual(first);
        expect(first.reason).toBe("sticky");
      }),
    );
  });

  it("is a fixed function of (prompt, label, value): pinned points", () => {
    // Other processes (and an older SDK) must agree: these numbers may never change (computed independently in Python from the definition).
    expect(stickyPoint("welcome", "prod", "user-1")).toBe(0.2288373951812036);
    expect(stickyPoint("welcome", "prod", "user-2")).toBe(0.3885937904249477);
    expect(stickyPoint("welcome", "staging", "user-1")).not.toBe(stickyPoint("welcome", "prod", "user-1"));
  });

  it("assigns runs without the sticky key at random, by the weights", () => {
    const target = split([9, 1], { sticky_by: "user" });
    expect(resolveLabelVersion(target, { prompt: "p", label: "prod", metadata: {}, random: () => 0.85 })).toEqual({ version: 1, reason: "random" });
    expect(resolveLabelVersion(target, { prompt: "p", label: "prod", metadata: {}, random: () => 0.95 })).toEqual({ version: 2, reason: "random" });
  });

  it("tries segments first, in order; the first whose pairs all match wins", () => {
    const target = split([1, 1], {
      sticky_by: "user",
      segments: [
        { metadata: { plan: "pro", region: "eu" }, version: 7 },
        { metadata: { plan: "pro" }, version: 8 },
      ],
    });
    const pick = (metadata: Record<string, string>) => resolveLabelVersion(target, { prompt: "p", label: "prod", metadata, random: () => 0 });
    expect(pick({ plan: "pro", region: "eu", user: "a" })).toEqual({ version: 7, reason: "segment" });
    expect(pick({ plan: "pro", region: "us" })).toEqual({ version: 8, reason: "segment" });
    expect(pick({ plan: "free" })).toEqual({ version: 1, reason: "random" });
    expect(versionsOfTarget(target)).toEqual([1, 7, 8, 2]);
  });
});

describe("labelSplitSchema", () => {
  it("names the field of a bad split", () => {
    const issues = (body: unknown) => labelSplitSchema.safeParse(body).error?.issues.map((issue) => issue.path.join("."));
    expect(issues({ split: [{ version: 1, weight: 1 }] })).toEqual(["split"]);
    expect(issues({ split: [{ version: 1, weight: 0 }, { version: 2, weight: 1 }] })).toEqual(["split.0.weight"]);
    expect(issues({ split: [{ version: 1, weight: 1.5 }, { version: 2, weight: 1 }] })).toEqual(["split.0.weight"]);
    expect(issues({ split: [{ version: 2, weight: 1 }, { version: 2, weight: 1 }] })).toEqual(["split.1.version"]);
    expect(issues({ split: [{ version: 1, weight: 1 }, { version: 2, weight: 1 }], segments: [{ metadata: {}, version: 1 }] })).toEqual(["segments.0.metadata"]);
  });
});
