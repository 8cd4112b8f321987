import { describe, expect, it } from "vitest";
import { describeFailure } from "./failure.js";

describe("describeFailure", () => {
  it("names a refused connection and where, instead of UNKNOWN_ERROR", () => {
    const described = describeFailure("UNKNOWN_ERROR", "openai error: connection error: fetch failed (connect ECONNREFUSED 127.0.0.1:9)");
    expect(described.title).toBe("Connection refused");
    expect(described.detail).toContain("at 127.0.0.1:9");
  });

  it("keeps the logged type for other failures", () => {
    expect(describeFailure("PROVIDER_RATE_LIMIT", "openai error: 429 slow down")).toEqual({ title: "PROVIDER_RATE_LIMIT", detail: "openai error: 429 slow down" });
  });
});
