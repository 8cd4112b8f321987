/**
 * A deep copy of JSON-like data (plain objects, arrays, primitives), as
 * `structuredClone` would make it but several times cheaper: model settings
 * and parameters are copied on every run. Anything else (a Date, a Map, a
 * class instance, a function, a sparse array, a cycle or very deep nesting, a
 * `__proto__` key) is handed to `structuredClone` whole, so results and errors
 * stay exactly `structuredClone`'s. One difference: a plain object reachable
 * twice is copied twice (`structuredClone` would share the copy).
 */
const notPlain = Symbol("not plain data");

/** Deeper than this, the value is probably a cycle; `structuredClone` handles those. */
const maxDepth = 64;

export function cloneData<T>(value: T): T {
  const copy = copyPlain(value, 0);
  return copy === notPlain ? structuredClone(value) : (copy as T);
}

function copyPlain(value: unknown, depth: number): unknown {
  if (typeof value !== "object") return typeof value === "function" || typeof value === "symbol" ? notPlain : value;
  if (value === null) return null;
  if (depth >= maxDepth) return notPlain;
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype === Array.prototype) return copyArray(value as unknown[], depth);
  if (prototype !== Object.prototype && prototype !== null) return notPlain;
  const source = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    if (key === "__proto__") return notPlain;
    const item = copyPlain(source[key], depth + 1);
    if (item === notPlain) return notPlain;
    copy[key] = item;
  }
  return copy;
}

function copyArray(array: unknown[], depth: number): unknown {
  // Holes and extra (non-index) properties: structuredClone keeps both.
  if (Object.keys(array).length !== array.length) return notPlain;
  const copy: unknown[] = [];
  for (const item of array) {
    const itemCopy = copyPlain(item, depth + 1);
    if (itemCopy === notPlain) return notPlain;
    copy.push(itemCopy);
  }
  return copy;
}
