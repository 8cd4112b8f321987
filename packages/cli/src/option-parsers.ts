import { InvalidArgumentError } from "commander";

/** A repeatable `--flag key=value` option: collects pairs in order (a later key wins). */
export function keyValue(flag: string, example: string) {
  return (value: string, previous: [string, string][] = []): [string, string][] => {
    const equals = value.indexOf("=");
    if (equals <= 0) throw new InvalidArgumentError(`${flag} takes key=value (e.g. ${flag} ${example}), got "${value}".`);
    return [...previous, [value.slice(0, equals), value.slice(equals + 1)]];
  };
}

/** A repeatable plain option (`--tag a --tag b`). */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** A whole number within bounds. */
export function integer(flag: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const number = Number(value);
    if (!/^\d+$/.test(value.trim()) || number < min || number > max) {
      throw new InvalidArgumentError(`${flag} takes a whole number from ${min} to ${max}, got "${value}".`);
    }
    return number;
  };
}

/** A `--param` value: JSON when it parses (`0.2`, `true`, `["a"]`), else the text. */
export function paramValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const units: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--since 30m`, `1h`, `2d`, or an ISO date: the start time as ISO-8601. */
export function since(now: () => number) {
  return (value: string): string => {
    const match = /^(\d+)\s*([smhdw])$/.exec(value.trim());
    if (match) return new Date(now() - Number(match[1]) * units[match[2]!]!).toISOString();
    const date = new Date(value);
    if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value.trim())) {
      throw new InvalidArgumentError(`--since takes a duration (30s, 15m, 1h, 2d, 1w) or a date (2025-01-31T12:00:00Z), got "${value}".`);
    }
    return date.toISOString();
  };
}
