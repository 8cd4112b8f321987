import { describe, expect, it } from "vitest";
import { omit } from "./content.js";

describe("omit", () => {
  it("copies every other key, in order", () => {
    expect(omit({ a: 1, b: 2, c: 3, d: 4 }, ["b", "d"])).toEqual({ a: 1, c: 3 });
    expect(Object.keys(omit({ z: 1, y: 2, x: 3 }, []))).toEqual(["z", "y", "x"]);
  });

  it("keeps a `__proto__` key from JSON as data, never as the copy's prototype", () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "keep": 1, "drop": 2}') as Record<string, unknown>;
    const copy = omit(parsed, ["drop"]);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(copy)).toEqual(["__proto__", "keep"]);
    expect(JSON.stringify(copy)).toBe('{"__proto__":{"polluted":true},"keep":1}');
  });
});
