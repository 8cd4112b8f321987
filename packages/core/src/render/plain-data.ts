/**
 * Variables are caller data, but templates must only ever see plain JSON-like
 * data: no functions, no class instances, no prototypes to walk. `toPlainData`
 * copies a value into that shape (what a JSON round trip would give, except
 * that `undefined` stays `undefined` and cycles are cut).
 */
import { PythonFloat } from "./python-float.js";

export type PlainData = null | boolean | number | string | bigint | PythonFloat | PlainData[] | { [key: string]: PlainData };

const maxDepth = 64;

export interface PlainDataOptions {
  /** Turn bigints into numbers (for consumers that have no bigint). */
  bigintAsNumber?: boolean;
}

export function toPlainData(
  value: unknown,
  options: PlainDataOptions = {},
  depth = 0,
  seen: Set<object> = new Set(),
): PlainData | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "bigint":
      return options.bigintAsNumber ? Number(value) : value;
    case "number":
      return value;
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null) return null;
  if (typeof value !== "object") return undefined;
  if (depth >= maxDepth || seen.has(value)) return null;
  // Immutable and ours: a number that must print as a Python float.
  if (value instanceof PythonFloat) return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  seen.add(value);
  try {
    if (Array.isArray(value) || value instanceof Set) {
      return Array.from(value as Iterable<unknown>, (item) => toPlainData(item, options, depth + 1, seen) ?? null);
    }
    const entries: Iterable<[unknown, unknown]> = value instanceof Map ? value.entries() : Object.entries(value);
    const out: { [key: string]: PlainData } = Object.create(null) as { [key: string]: PlainData };
    for (const [key, item] of entries) {
      const plain = toPlainData(item, options, depth + 1, seen);
      if (plain !== undefined) out[String(key)] = plain;
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/** Own, non-undefined entry of the variables (never a prototype property such as `constructor`). */
export function hasVariable(variables: Record<string, unknown>, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(variables, name) && variables[name] !== undefined;
}
