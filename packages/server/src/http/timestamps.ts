import { InvalidRequestError } from "@promptline/core";

/**
 * A request timestamp in any form PromptLayer's clients send: ISO-8601
 * strings (JS SDK), epoch seconds as floats (Python SDK), or epoch
 * milliseconds (`Date.now()`, as the docs show for `/log-request`).
 * Returns ISO-8601 UTC, or null when absent.
 */
export function parseTimestamp(value: unknown, field: string): string | null {
  if (value === undefined || value === null || value === "") return null;
  if (typeof value === "number" && Number.isFinite(value)) {
    // Seconds until the year 5138; anything larger is milliseconds.
    const ms = Math.abs(value) < 1e11 ? value * 1000 : value;
    return new Date(ms).toISOString();
  }
  if (typeof value === "string") {
    const numeric = Number(value);
    if (value.trim() !== "" && Number.isFinite(numeric)) return parseTimestamp(numeric, field);
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return new Date(ms).toISOString();
  }
  throw new InvalidRequestError(`${field} must be an ISO-8601 date or epoch seconds/milliseconds, got ${JSON.stringify(value)}.`);
}
