import { describe, expect, it } from "vitest";
import { formatUtcTime } from "./utc-time.js";

describe("formatUtcTime", () => {
  it("says its zone: to the second with UTC, whatever the offset it was given in", () => {
    expect(formatUtcTime("2026-12-05T14:03:19.123Z")).toBe("2026-12-05 14:03:19 UTC");
    expect(formatUtcTime("2026-12-05T16:03:19+02:00")).toBe("2026-12-05 14:03:19 UTC");
  });

  it("shows a value that is not a date as given", () => {
    expect(formatUtcTime("soon")).toBe("soon");
  });
});
