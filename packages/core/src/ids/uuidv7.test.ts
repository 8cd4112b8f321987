import { describe, expect, it } from "vitest";
import { uuidv7, uuidv7Time } from "./uuidv7.js";

describe("uuidv7", () => {
  it("encodes the time, version and variant", () => {
    const id = uuidv7(1_700_000_000_123, new Uint8Array(10).fill(0xff));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidv7Time(id)).toBe(1_700_000_000_123);
  });

  it("sorts by time", () => {
    const random = new Uint8Array(10);
    const ids = [3, 1, 2].map((ms) => uuidv7(1_700_000_000_000 + ms, random));
    expect([...ids].sort()).toEqual([ids[1], ids[2], ids[0]]);
  });

  it("rejects too few random bytes", () => {
    expect(() => uuidv7(0, new Uint8Array(4))).toThrow(RangeError);
  });
});
