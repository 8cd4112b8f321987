/**
 * Property: random templates, built from the operations that grow strings and
 * lists (`~`, `+`, `.upper()`, `.split()`, `.replace()`, `join`, `indent`,
 * `tojson`, `string`, slicing, nested loops over `range()`), either render
 * within the limits or throw an `InvalidTemplateError` — usually the
 * `TemplateLimitError` naming the limit — and nothing else (no RangeError,
 * no out-of-memory). Small limits keep every case fast, so the test's own
 * timeout bounds the time a render may take.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidTemplateError, TemplateLimitError } from "../errors/promptline-error.js";
import { renderText, type RenderLimits } from "./index.js";

const limits: Partial<RenderLimits> = {
  maxOutputLength: 50_000,
  maxStringLength: 20_000,
  maxListLength: 2_000,
  maxBuiltLength: 200_000,
  maxSteps: 20_000,
  maxRangeLength: 500,
  maxFormatWidth: 10_000,
};

const smallNumber = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom(10, 100, 1000, 10 ** 6, 10 ** 9));
const literal = fc.constantFrom("'ab'", "'x y'", "''", "' '", "1", "2.5", "[1, 'a']", "{'k': 'v'}", "s", "xs", "ns.s", "ns.l");

const expression: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    literal,
    fc.tuple(tie("expr"), tie("expr")).map(([a, b]) => `(${a} ~ ${b})`),
    fc.tuple(tie("expr"), tie("expr")).map(([a, b]) => `(${a} + ${b})`),
    tie("expr").map((a) => `${a}.upper()`),
    tie("expr").map((a) => `(${a}|string).split('a')`),
    tie("expr").map((a) => `(${a}|string).split()`),
    fc.tuple(tie("expr"), tie("expr")).map(([a, b]) => `(${a}|string).replace('a', ${b}|string)`),
    fc.tuple(tie("expr"), tie("expr")).map(([a, b]) => `(${a}|list if ${a} is iterable else [${a}])|join(${b}|string)`),
    fc.tuple(tie("expr"), smallNumber).map(([a, n]) => `(${a}|string)|indent(${n})`),
    tie("expr").map((a) => `${a}|tojson`),
    tie("expr").map((a) => `(${a}|string)[1:]`),
    tie("expr").map((a) => `[${a}, ${a}]`),
    smallNumber.map((n) => `range(${n})|list`),
  ),
})).expr;

const statement: fc.Arbitrary<string> = fc.letrec<{ stmt: string }>((tie) => ({
  stmt: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    expression.map((e) => `{{ ${e} }}`),
    expression.map((e) => `{% set ns.s = ${e} %}`),
    expression.map((e) => `{% set ns.l = ns.l + [${e}] %}`),
    fc.tuple(smallNumber, fc.array(tie("stmt"), { minLength: 1, maxLength: 3 })).map(
      ([n, body]) => `{% for i in range(${n}) %}${body.join("")}{% endfor %}`,
    ),
  ),
})).stmt;

const template = fc.array(statement, { minLength: 1, maxLength: 4 }).map((body) => `{% set ns = namespace(s='ab', l=[]) %}${body.join("")}`);

const variables = fc.record({ s: fc.string({ maxLength: 200 }), xs: fc.array(fc.string({ maxLength: 20 }), { maxLength: 20 }) });

describe("render budget properties", () => {
  it("a random jinja2 template renders within the limits or throws InvalidTemplateError, nothing else", { timeout: 120_000 }, () => {
    let limited = 0;
    fc.assert(
      fc.property(template, variables, (text, vars) => {
        try {
          const out = renderText(text, "jinja2", vars, { mode: "compatible", limits });
          expect(out.length).toBeLessThanOrEqual(limits.maxOutputLength as number);
        } catch (error) {
          if (!(error instanceof InvalidTemplateError)) throw error;
          if (error instanceof TemplateLimitError) limited++;
        }
      }),
      { numRuns: 300 },
    );
    // The generator reaches the limits, not only syntax errors.
    expect(limited).toBeGreaterThan(10);
  });

  it("a random f-string spec renders within the limits or throws InvalidTemplateError, nothing else", { timeout: 60_000 }, () => {
    const spec = fc.tuple(
      fc.constantFrom("", "<", ">", "^", "=", "x<", "0="),
      fc.constantFrom("", "+", "-", " "),
      fc.constantFrom("", "0"),
      fc.oneof(fc.constant(""), fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String)),
      fc.constantFrom("", ",", "_"),
      fc.oneof(fc.constant(""), fc.bigInt({ min: 0n, max: 10n ** 30n }).map((n) => `.${n}`)),
      fc.constantFrom("", "s", "d", "f", "e", "g", "%", "x", "b"),
    ).map((parts) => parts.join(""));
    const value = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.double({ noNaN: true }), fc.boolean());
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 5 }), value, fc.oneof(fc.constant(5), fc.bigInt({ min: 0n, max: 10n ** 12n })), (specs, x, w) => {
        const text = specs.map((each) => `{x:${each}}`).join("|") + "{x:>{w}}";
        try {
          const out = renderText(text, "f-string", { x, w: typeof w === "bigint" ? String(w) : w }, { mode: "compatible", limits });
          expect(out.length).toBeLessThanOrEqual(limits.maxOutputLength as number);
        } catch (error) {
          if (!(error instanceof InvalidTemplateError)) throw error;
        }
      }),
      { numRuns: 500 },
    );
  });
});
