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

  it("formats known inputs exactly (vectors from the previous implementation)", () => {
    expect(uuidv7(1_700_000_000_123, Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]))).toBe("018bcfe5-687b-7001-8203-040506070809");
    expect(uuidv7(0, new Uint8Array(10))).toBe("00000000-0000-7000-8000-000000000000");
    expect(uuidv7(2 ** 48 + 5.7, new Uint8Array(10).fill(255))).toBe("00000000-0005-7fff-bfff-ffffffffffff");
    expect(uuidv7(Number.NaN, new Uint8Array(10).fill(0x5a))).toBe("00000000-0000-7a5a-9a5a-5a5a5a5a5a5a");
  });

  it("gives each call its own id (no state leaks between calls)", () => {
    const first = uuidv7(1, new Uint8Array(10).fill(1));
    const second = uuidv7(2, new Uint8Array(10).fill(2));
    expect(first).toBe("00000000-0001-7101-8101-010101010101");
    expect(second).toBe("00000000-0002-7202-8202-020202020202");
  });
});
