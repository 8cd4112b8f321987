import { describe, expect, it } from "vitest";
import { isCanonicalIso, parseTimestamp } from "./timestamps.js";

/** What `parseTimestamp` made of an ISO string before its shortcut: the parse and `toISOString` (or a refusal). */
function reference(value: string): string | Error {
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : new Error("refused");
}

function parsed(value: string): string | Error {
  try {
    return parseTimestamp(value, "t")!;
  } catch {
    return new Error("refused");
  }
}

const pad = (value: number, width: number) => String(value).padStart(width, "0");

/** Canonical-looking strings around every boundary: leap days, month ends, hour 24, second 60, years 0 and 9999. */
function cases(): string[] {
  const texts: string[] = [];
  for (const year of [0, 1, 4, 99, 100, 400, 1900, 1970, 2000, 2024, 2026, 2100, 9999]) {
    for (const month of [0, 1, 2, 4, 6, 9, 11, 12, 13]) {
      for (const day of [0, 1, 28, 29, 30, 31, 32]) texts.push(`${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T12:34:56.789Z`);
    }
  }
  for (const [hour, minute, second] of [[0, 0, 0], [23, 59, 59], [24, 0, 0], [23, 60, 0], [23, 59, 60], [99, 99, 99]]) {
    texts.push(`2026-01-01T${pad(hour!, 2)}:${pad(minute!, 2)}:${pad(second!, 2)}.000Z`);
  }
  // Random instants, written by toISOString itself.
  for (let index = 0; index < 2000; index++) texts.push(new Date(Math.floor(Math.random() * 253402300799999)).toISOString());
  return texts;
}

describe("parseTimestamp's shortcut for what toISOString writes", () => {
  it("gives what the parse and toISOString give, on every boundary", () => {
    let shortcuts = 0;
    for (const text of cases()) {
      if (isCanonicalIso(text)) {
        shortcuts++;
        expect(reference(text), text).toBe(text);
      }
      expect(parsed(text), text).toEqual(reference(text));
    }
    expect(shortcuts).toBeGreaterThan(2000);
  });

  it("still normalises other ISO forms and refuses what isn't a date", () => {
    expect(isCanonicalIso("2026-01-01T00:00:00Z")).toBe(false);
    expect(parseTimestamp("2026-01-01T00:00:00Z", "t")).toBe("2026-01-01T00:00:00.000Z");
    expect(parseTimestamp("2026-01-01T01:00:00.000+01:00", "t")).toBe("2026-01-01T00:00:00.000Z");
    expect(isCanonicalIso("2026-02-29T00:00:00.000Z")).toBe(false);
    expect(isCanonicalIso("2024-02-29T00:00:00.000Z")).toBe(true);
    expect(() => parseTimestamp("2026-13-01T00:00:00.000Z", "t")).toThrow(/ISO-8601/);
  });
});

describe("parseTimestamp on numbers", () => {
  it("refuses an epoch past what a Date holds (±8.64e15 ms) with a 400's error, not toISOString's RangeError", () => {
    expect(parseTimestamp(8.64e15, "t")).toBe("+275760-09-13T00:00:00.000Z");
    for (const value of [9e15, -9e15, 1e300, "9000000000000000"]) {
      expect(() => parseTimestamp(value, "request_start_time"), String(value)).toThrow(/request_start_time must be an ISO-8601 date/);
    }
  });
});
