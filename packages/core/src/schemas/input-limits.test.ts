import { describe, expect, it } from "vitest";
import { inputLimits, jsonDepthExceeds, logMetadataSchema, looseMetadataSchema, tagsSchema } from "./input-limits.js";

describe("jsonDepthExceeds", () => {
  const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

  it("counts arrays and objects, up to the limit and one past it", () => {
    expect(jsonDepthExceeds(nested(inputLimits.jsonDepth))).toBe(false);
    expect(jsonDepthExceeds(nested(inputLimits.jsonDepth + 1))).toBe(true);
    expect(jsonDepthExceeds('{"a":'.repeat(3) + "1" + "}".repeat(3), 2)).toBe(true);
    expect(jsonDepthExceeds(nested(10_000))).toBe(true);
  });

  it("skips brackets inside strings, escaped quotes and backslashes included", () => {
    expect(jsonDepthExceeds(JSON.stringify(["[".repeat(500), '"[[[', "\\", "{\\\"{"]))).toBe(false);
    expect(jsonDepthExceeds('["\\\\"' + "[".repeat(101))).toBe(true);
    expect(jsonDepthExceeds('["\\"' + "[".repeat(101) + '"]')).toBe(false);
  });
});

describe("limit schemas", () => {
  it("refuse one past each limit and accept the limit", () => {
    expect(tagsSchema.safeParse(Array.from({ length: inputLimits.tags }, (_, n) => `t${n}`)).success).toBe(true);
    expect(tagsSchema.safeParse(Array.from({ length: inputLimits.tags + 1 }, (_, n) => `t${n}`)).success).toBe(false);
    const keys = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, n) => [`k${n}`, "v"]));
    expect(logMetadataSchema.safeParse(keys(inputLimits.metadataKeys)).success).toBe(true);
    expect(logMetadataSchema.safeParse(keys(inputLimits.metadataKeys + 1)).success).toBe(false);
    // Non-string values are measured as the JSON text that is stored.
    expect(looseMetadataSchema.safeParse({ k: ["x".repeat(inputLimits.metadataValueLength)] }).success).toBe(false);
    expect(looseMetadataSchema.safeParse({ k: ["x".repeat(inputLimits.metadataValueLength - 4)] }).success).toBe(true);
  });
});
