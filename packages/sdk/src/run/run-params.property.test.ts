import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fastParse, runParamsSchema } from "./run-params.js";

// run() skips zod for well-formed parameters. Whatever the fast path accepts,
// zod must accept too, with the same output; and the fast path must actually
// take the common shapes (or it would prove nothing).

class Instance {
  a = "1";
}

/** Values that trip hand-written checks: holes, odd numbers, odd objects. */
const tricky: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(undefined, null, Number.NaN, Number.POSITIVE_INFINITY, -0, 2 ** 53, 1.5, -1, 0, "", true),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.sparseArray(fc.string(), { maxLength: 4 }),
  fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(undefined)), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.string(), fc.integer(), fc.constant(undefined)), { maxKeys: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.string(), { maxKeys: 3 }).map((entries) => Object.assign(Object.create(null) as object, entries)),
  fc.string().map((value) => JSON.parse(`{"__proto__": ${JSON.stringify(value)}, "a": "b"}`) as unknown),
  fc.constant(null).map(() => ({ a: "1", [Symbol("s")]: "2" })),
  fc.constant(null).map(() => Object.defineProperty({ a: "1" }, "hidden", { value: 2, enumerable: false })),
  fc.constant(null).map(() => new Instance()),
  fc.constant(null).map(() => new Date(0)),
  fc.constant(null).map(() => new Map([["a", "b"]])),
  fc.constant(null).map(() => Object.assign(["a"], { extra: 1 })),
  // A boxed string is what a hand-written `typeof` check would miss.
  fc.constant(null).map(() => new String("x")),
);

const key = fc.string({ maxLength: 6 }).filter((value) => value !== "__proto__");
const wellFormed = {
  promptName: fc.string({ minLength: 1, maxLength: 8 }),
  promptVersion: fc.integer({ min: 1 }),
  promptReleaseLabel: fc.string({ minLength: 1, maxLength: 8 }),
  inputVariables: fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  tags: fc.array(fc.string({ maxLength: 6 }), { maxLength: 4 }),
  metadata: fc.dictionary(key, fc.string({ maxLength: 6 }), { maxKeys: 4 }),
  groupId: fc.integer(),
  modelParameterOverrides: fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  stream: fc.boolean(),
  provider: fc.string({ minLength: 1, maxLength: 8 }),
  model: fc.string({ minLength: 1, maxLength: 8 }),
  allowDroppedResponseFormat: fc.boolean(),
};

/** Each field well-formed or tricky, each maybe absent. */
const anyParams = fc.record(
  Object.fromEntries(Object.entries(wellFormed).map(([name, arbitrary]) => [name, fc.oneof(arbitrary as fc.Arbitrary<unknown>, tricky)])),
  { requiredKeys: [] },
);

/** The output without its `undefined` top-level fields (zod leaves absent optionals out; the fast path sets them undefined). */
function defined(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined));
}

describe("fastParse agrees with the run() parameter schema", () => {
  it("whatever it accepts, zod accepts, with the same output (copies, not the caller's objects)", () => {
    fc.assert(
      fc.property(anyParams, (input) => {
        const fast = fastParse(input);
        if (fast === undefined) return;
        const parsed = runParamsSchema.safeParse(input);
        expect(parsed.success).toBe(true);
        expect(defined(fast)).toStrictEqual(defined(parsed.data!));
        for (const name of ["inputVariables", "metadata", "tags", "modelParameterOverrides"] as const) {
          if (input[name] !== undefined) expect(fast[name]).not.toBe(input[name]);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("takes every well-formed shape without fallbacks (the hot path is really taken)", () => {
    fc.assert(
      fc.property(fc.record(wellFormed, { requiredKeys: ["promptName"] }), (input) => {
        expect(fastParse(input)).toBeDefined();
      }),
      { numRuns: 500 },
    );
  });

  it("the disagreements once found stay fixed: a sparse tag list, a JSON __proto__ key", () => {
    // eslint-disable-next-line no-sparse-arrays -- the hole is the point
    const sparse = [, "a"];
    expect(runParamsSchema.safeParse({ promptName: "p", tags: sparse }).success).toBe(false);
    expect(fastParse({ promptName: "p", tags: sparse })).toBeUndefined();
    const withProto = JSON.parse('{"__proto__": {"polluted": true}, "name": "Ada"}') as Record<string, unknown>;
    expect(fastParse({ promptName: "p", inputVariables: withProto })).toBeUndefined();
    expect(Object.keys(runParamsSchema.parse({ promptName: "p", inputVariables: withProto }).inputVariables)).toEqual(["name"]);
  });
});
