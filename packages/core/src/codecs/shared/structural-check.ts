/**
 * Cheap structural checks for the hot path of the codecs: a provider's
 * well-formed response or stream event is accepted without a zod parse, and
 * anything unusual (a wrong type, an odd object) falls back to zod, which
 * stays the definition of what is accepted. Each check only ever accepts
 * what its schema accepts and outputs unchanged (property-tested beside
 * each use), and rejects whatever it is unsure of.
 */

/** Accepts a value, or says "let zod decide". */
export type StructuralCheck = (value: unknown) => boolean;

export const anyValue: StructuralCheck = () => true;
export const isString: StructuralCheck = (value) => typeof value === "string";
/** zod's `z.number()`: no NaN, no infinities. */
export const isFiniteNumber: StructuralCheck = (value) => typeof value === "number" && Number.isFinite(value);

/**
 * A JSON object: an object literal's prototype, so nothing a schema treats
 * specially, and no own `__proto__` key (JSON.parse makes one; zod drops it).
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype && !Object.hasOwn(value, "__proto__");
}

/** `.nullish()`. */
export function nullish(check: StructuralCheck): StructuralCheck {
  return (value) => value === undefined || value === null || check(value);
}

export function oneOf(...checks: StructuralCheck[]): StructuralCheck {
  return (value) => checks.some((check) => check(value));
}

/** `z.array(…)`: every index, holes included (a hole is `undefined` to zod too). */
export function arrayOf(check: StructuralCheck): StructuralCheck {
  return (value) => {
    if (!Array.isArray(value)) return false;
    for (let index = 0; index < value.length; index++) if (!check(value[index])) return false;
    return true;
  };
}

/** `z.record(z.string(), z.unknown())` of a JSON object. */
export const isStringRecord: StructuralCheck = isPlainObject;

/** `z.looseObject({...})`: the listed fields checked, any other kept as is. */
export function looseObject(fields: Readonly<Record<string, StructuralCheck>>): StructuralCheck {
  const entries = Object.entries(fields);
  return (value) => {
    if (!isPlainObject(value)) return false;
    for (const [name, check] of entries) if (!check(value[name])) return false;
    return true;
  };
}

/**
 * `schema.safeParse(value).data`, through `check` first: the value itself
 * when the check accepts it (the schema would output an equal copy), else
 * zod's answer.
 */
export function parseFast<T>(value: unknown, check: StructuralCheck, schema: { safeParse(value: unknown): { success: boolean; data?: T } }): T | undefined {
  if (check(value)) return value as T;
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
