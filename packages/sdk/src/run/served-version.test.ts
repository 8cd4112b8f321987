import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RegistryVersion } from "../registry/registry-client.js";
import { cachedPromptOf, servedVersion } from "./served-version.js";

const version = (number: number): RegistryVersion["version"] => ({
  id: number * 10,
  version: number,
  prompt_template: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: `v${number}` }] }] },
  metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: {} } },
  commit_message: null,
});

function splitAnswer(weights: number[], segments: { metadata: Record<string, string>; version: number }[] = []): RegistryVersion {
  const versions = weights.map((_, index) => version(index + 1));
  return {
    prompt: { id: 1, name: "welcome", tags: [] },
    version: versions[0]!,
    labels: [],
    label: { name: "prod", split: weights.map((weight, index) => ({ version: index + 1, weight })), sticky_by: "user", segments },
    versions,
  };
}

describe("servedVersion (a split label picked locally)", () => {
  it("over 10,000 runs with distinct sticky values, each version's share is within 2 % of its weight", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 2, maxLength: 5 }), fc.uuid(), (weights, run) => {
        const cached = cachedPromptOf(splitAnswer(weights));
        const counts = new Map<number | null, number>();
        for (let index = 0; index < 10_000; index++) {
          const served = servedVersion(cached, { user: `${run}-${index}` });
          counts.set(served.version, (counts.get(served.version) ?? 0) + 1);
        }
        const total = weights.reduce((sum, weight) => sum + weight, 0);
        weights.forEach((weight, index) => expect(Math.abs((counts.get(index + 1) ?? 0) / 10_000 - weight / total)).toBeLessThanOrEqual(0.02));
      }),
      { numRuns: 15 },
    );
  });

  it("serves the same version to the same sticky value every time, and the template of that version", () => {
    const cached = cachedPromptOf(splitAnswer([50, 50]));
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (user) => {
        const first = servedVersion(cached, { user }, () => 0);
        const again = servedVersion(cached, { user }, () => 0.99);
        expect(again).toBe(first);
        expect(first.template).toEqual(version(first.version!).prompt_template);
      }),
    );
  });

  it("tries segments first, and without the sticky key picks at random by weight", () => {
    const cached = cachedPromptOf(splitAnswer([9, 1, 1], [{ metadata: { plan: "beta" }, version: 3 }]));
    expect(servedVersion(cached, { plan: "beta", user: "anyone" }).version).toBe(3);
    expect(servedVersion(cached, {}, () => 0.5).version).toBe(1);
    expect(servedVersion(cached, {}, () => 0.95).version).toBe(3);
  });

  it("a plain label's cached version is served as it is", () => {
    const plain: RegistryVersion = { prompt: { id: 1, name: "welcome", tags: [] }, version: version(4), labels: ["prod"] };
    const cached = cachedPromptOf(plain);
    expect(cached.split).toBeUndefined();
    expect(servedVersion(cached, { user: "x" })).toBe(cached);
  });
});
