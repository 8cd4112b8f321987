import { describe, expect, it } from "vitest";
import { BoundedCache } from "./bounded-cache.js";

describe("BoundedCache", () => {
  it("never holds more than its capacity and evicts the least recently used entry", () => {
    const cache = new BoundedCache<string, number>(3);
    cache.set("a", 1);
    cache.set("b", 2);
    cache.set("c", 3);
    expect(cache.get("a")).toBe(1); // a is now the most recently used; b the least
    cache.set("d", 4);
    expect(cache.size).toBe(3);
    expect(cache.get("b")).toBeUndefined();
    expect([cache.get("a"), cache.get("c"), cache.get("d")]).toEqual([1, 3, 4]);
  });

  it("counts a set of an existing key as a use and keeps one entry for it", () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    cache.set("a", 10);
    cache.set("c", 3);
    expect(cache.size).toBe(2);
    expect(cache.get("a")).toBe(10);
    expect(cache.get("b")).toBeUndefined();
  });

  it("keeps hot entries through a stream of one-off keys", () => {
    const cache = new BoundedCache<number, string>(4);
    cache.set(-1, "hot");
    for (let key = 0; key < 100; key++) {
      cache.set(key, `cold ${key}`);
      expect(cache.get(-1)).toBe("hot");
    }
    expect(cache.size).toBe(4);
  });
});
