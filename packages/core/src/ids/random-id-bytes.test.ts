import { describe, expect, it } from "vitest";
import { randomIdBytes } from "./random-id-bytes.js";
import { uuidv7 } from "./uuidv7.js";

describe("randomIdBytes", () => {
  it("gives 10 bytes per call, never the same bytes twice, across pool refills", () => {
    const seen = new Set<string>();
    for (let index = 0; index < 2000; index++) {
      const bytes = randomIdBytes();
      expect(bytes).toHaveLength(10);
      seen.add(Buffer.from(bytes).toString("hex"));
    }
    expect(seen.size).toBe(2000);
  });

  it("makes distinct UUIDv7s within one millisecond", () => {
    const ids = new Set(Array.from({ length: 1000 }, () => uuidv7(1_700_000_000_000, randomIdBytes())));
    expect(ids.size).toBe(1000);
  });
});
