/**
 * A server timestamp as the CLI prints it: to the second, in UTC, and saying
 * so, so a reader in any zone knows what it means (`2026-12-05 14:03:19 UTC`,
 * as `promptline prompts` prints). A value that is not a date is shown as given.
 */
export function formatUtcTime(timestamp: string): string {
  const date = new Date(timestamp);
  return Number.isNaN(date.getTime()) ? timestamp : `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}
