import { InvalidRequestError } from "@promptline/core";

/** The largest epoch a `Date` holds, in milliseconds (ECMAScript's time range). */
const maxEpochMs = 8.64e15;

/**
 * A request timestamp in any form PromptLayer's clients send: ISO-8601
 * strings (JS SDK), epoch seconds as floats (Python SDK), or epoch
 * milliseconds (`Date.now()`, as the docs show for `/log-request`).
 * Returns ISO-8601 UTC, or null when absent.
 */
export function parseTimestamp(value: unknown, field: string): string | null {
  if (value === undefined || value === null || value === "") return null;
  // What the JS SDK sends is already the answer: the parse and `toISOString` below would give it back.
  if (typeof value === "string" && isCanonicalIso(value)) return value;
  if (typeof value === "number" && Number.isFinite(value)) {
    // Seconds until the year 5138; anything larger is milliseconds.
    const ms = Math.abs(value) < 1e11 ? value * 1000 : value;
    // Past ±8.64e15 ms a Date is invalid and toISOString throws a RangeError (a 500): refused below instead.
    if (Math.abs(ms) <= maxEpochMs) return new Date(ms).toISOString();
  }
  if (typeof value === "string") {
    const numeric = Number(value);
    if (value.trim() !== "" && Number.isFinite(numeric)) return parseTimestamp(numeric, field);
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return new Date(ms).toISOString();
  }
  throw new InvalidRequestError(`${field} must be an ISO-8601 date or epoch seconds/milliseconds, got ${JSON.stringify(value)}.`);
}

/** `YYYY-MM-DDTHH:MM:SS.mmmZ`: what `toISOString` writes for the years 0000–9999. */
const canonicalIso = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{3}Z$/;

/** True when `value` is a real instant written exactly as `toISOString` writes it (a day that exists, no hour 24 or second 60). */
export function isCanonicalIso(value: string): boolean {
  const parts = value.length === 24 ? canonicalIso.exec(value) : null;
  if (!parts) return false;
  const year = Number(parts[1]);
  const month = Number(parts[2]);
  const day = Number(parts[3]);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return month >= 1 && month <= 12 && day >= 1 && day <= days && Number(parts[4]) <= 23 && Number(parts[5]) <= 59 && Number(parts[6]) <= 59;
}
