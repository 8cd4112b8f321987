/**
 * The bomb corpus: templates built to exhaust memory or time (every
 * reproduction of issue 13 verbatim, billion-laughs snippets, string and list
 * doubling, method-call growth, huge ranges and format widths, nesting bombs).
 * Each must end in a `TemplateLimitError` (or, for the few the engine refuses
 * to parse or run at all, an `InvalidTemplateError`) with the default limits,
 * the ones the server and the SDK use. Before the render budget, the worst of
 * these took the process down with "JavaScript heap out of memory".
 *
 * Time is bounded by each test's own timeout (no timed assertions); the whole
 * file runs in a few seconds.
 */
import { describe, expect, it } from "vitest";
import { InvalidTemplateError, TemplateLimitError } from "../errors/promptline-error.js";
import type { CompletionTemplate } from "../schemas/template.js";
import { expandSnippets, renderTemplate, renderText, type SnippetReference } from "./index.js";

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected the render to throw, it returned");
}

/** Issue 13, reproduction 1: a 195-character template that killed the server (an 8.4M-item list from one `.split()`). */
const splitBomb =
  "{% set ns = namespace(s='x', l=[]) %}{% for i in range(23) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{% for i in range(12) %}{% set ns.l = ns.l + [ns.s.split('x')] %}{% endfor %}{{ ns.l|length }}";
/** Reproduction 3: `.upper()` of an 8.4M-character string, 10,000 times (53.8 s on the server). */
const upperLoop =
  "{% set ns = namespace(s='x') %}{% for i in range(23) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{% for i in range(10000) %}{% set t = ns.s.upper() %}{% endfor %}";

/** The same shapes one doubling short (4.2M characters, under the default string limit), so split() and upper() are what stop them. */
const splitBombUnderStringLimit = splitBomb.replace("range(23)", "range(22)");
const upperLoopUnderStringLimit = upperLoop.replace("range(23)", "range(22)");

type Limit = string | string[] | undefined;
const jinjaBombs: [label: string, text: string, variables: Record<string, unknown>, limit: Limit][] = [
  ["repro 1: split() of a doubled string, 12 times", splitBomb, {}, "maxStringLength"],
  ["repro 1, one doubling fewer", splitBombUnderStringLimit, {}, "maxListLength"],
  ["repro 3: upper() of a doubled string in a loop of 10,000", upperLoop, {}, "maxStringLength"],
  ["repro 3, one doubling fewer", upperLoopUnderStringLimit, {}, ["maxBuiltLength", "maxTimeMs"]],
  ["repro 6: not × 5,000", `{{ ${"not ".repeat(5000)}1 }}`, {}, "maxNestingDepth"],
  ["repro 6: 1|string × 5,000", `{{ 1${"|string".repeat(5000)} }}`, {}, "maxNestingDepth"],
  ["parentheses nested 5,000 deep", `{{ ${"(".repeat(5000)}1${")".repeat(5000)} }}`, {}, "maxNestingDepth"],
  ["brackets nested 5,000 deep", `{{ ${"[".repeat(5000)}1${"]".repeat(5000)} }}`, {}, "maxNestingDepth"],
  ["ifs nested 2,000 deep", `${"{% if true %}".repeat(2000)}x${"{% endif %}".repeat(2000)}`, {}, "maxNestingDepth"],
  ["range(10**9)", "{% for i in range(10**9) %}x{% endfor %}", {}, "maxRangeLength"],
  ["nested loops 10,000 × 10,000", "{% for a in range(10000) %}{% for b in range(10000) %}x{% endfor %}{% endfor %}", {}, ["maxSteps", "maxTimeMs"]],
  ["a string doubled 40 times", "{% set ns = namespace(v='x') %}{% for i in range(40) %}{% set ns.v = ns.v ~ ns.v %}{% endfor %}{{ ns.v|length }}", {}, "maxStringLength"],
  ["a string doubled by + 40 times", "{% set ns = namespace(v='x') %}{% for i in range(40) %}{% set ns.v = ns.v + ns.v %}{% endfor %}", {}, "maxStringLength"],
  ["a list doubled 40 times", "{% set ns = namespace(l=[1]) %}{% for i in range(40) %}{% set ns.l = ns.l + ns.l %}{% endfor %}", {}, "maxListLength"],
  ["a list nested in itself 40 times, printed", "{% set ns = namespace(l=[1]) %}{% for i in range(40) %}{% set ns.l = [ns.l, ns.l] %}{% endfor %}{{ ns.l }}", {}, "maxStringLength"],
  ["…the same, through tojson", "{% set ns = namespace(l=[1]) %}{% for i in range(40) %}{% set ns.l = [ns.l, ns.l] %}{% endfor %}{{ ns.l|tojson }}", {}, "maxStringLength"],
  ["…the same, through ~", "{% set ns = namespace(l=[1]) %}{% for i in range(40) %}{% set ns.l = [ns.l, ns.l] %}{% endfor %}{{ ns.l ~ '' }}", {}, "maxStringLength"],
  ["replace() doubling 40 times", "{% set ns = namespace(v='xx') %}{% for i in range(40) %}{% set ns.v = ns.v.replace('x', 'xx') %}{% endfor %}", {}, ["maxSteps", "maxTimeMs"]],
  ["replace() by a big string", "{{ s.replace('a', s) | length }}", { s: "a".repeat(10_000) }, "maxStringLength"],
  ["replace filter doubling", "{% set ns = namespace(v='xx') %}{% for i in range(40) %}{% set ns.v = ns.v|replace('x', 'xx') %}{% endfor %}", {}, ["maxSteps", "maxTimeMs"]],
  ["split() of a 1M-character input", "{{ s.split('a') | length }}", { s: "a".repeat(1_000_000) }, "maxListLength"],
  ["split() on whitespace of a 1M-character input", "{{ s.split() | length }}", { s: "a ".repeat(500_000) }, "maxListLength"],
  ["join of a list of big strings", "{% set ns = namespace(l=[]) %}{% for i in range(5000) %}{% set ns.l = ns.l + [s] %}{% endfor %}{{ ns.l|join(',') }}", { s: "y".repeat(100_000) }, "maxStringLength"],
  ["join of the same big string 10 times", "{{ [s, s, s, s, s, s, s, s, s, s] | join }}", { s: "y".repeat(1_000_000) }, "maxStringLength"],
  ["indent by a huge width", "{{ s | indent(100000000) }}", { s: "a\nb\nc" }, "maxStringLength"],
  ["tojson with a huge indent", "{{ xs | tojson(indent=100000000) }}", { xs: [1, 2, 3] }, "maxStringLength"],
  ["slices of a big string in a loop", "{% for i in range(10000) %}{% set t = s[1:] %}{% endfor %}", { s: "z".repeat(1_000_000) }, ["maxBuiltLength", "maxTimeMs"]],
  ["upper() of a big input, 10,000 times", "{% for i in range(10000) %}{% set t = s.upper() %}{% endfor %}", { s: "q".repeat(1_000_000) }, ["maxBuiltLength", "maxTimeMs"]],
  ["printing a big input in a loop", "{% for i in range(10000) %}{{ s }}{% endfor %}", { s: "p".repeat(100_000) }, undefined],
  ["macro called in a doubling chain", "{% macro d(x) %}{{ x }}{{ x }}{% endmacro %}{% set ns = namespace(v='x') %}{% for i in range(40) %}{% set ns.v = d(ns.v) %}{% endfor %}", {}, undefined],
  ["recursion", "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", {}, undefined],
  ["'x' * 10**9", "{{ 'x' * 1000000000 }}", {}, undefined],
];

describe("jinja2 bombs end in a TemplateLimitError with the default limits", () => {
  it.each(jinjaBombs)("%s", { timeout: 20_000 }, (_label, text, variables, limit) => {
    const error = thrown(() => renderText(text, "jinja2", variables, { mode: "compatible" }));
    expect(error).toBeInstanceOf(InvalidTemplateError);
    if (limit) {
      expect(error, String(error)).toBeInstanceOf(TemplateLimitError);
      const named = (error as TemplateLimitError).limit;
      // The step and growth limits and the clock race on a loaded machine: either may stop a slow bomb first.
      expect(Array.isArray(limit) ? limit : [limit]).toContain(named);
      expect((error as TemplateLimitError).code).toBe("template_limit");
      expect((error as Error).message).toContain(named);
    }
  });
});

const fstringBombs: [label: string, text: string, variables: Record<string, unknown>][] = [
  ["repro 4: {x:>100000000}", "{x:>100000000}", { x: "a" }],
  ["repro 4: {x:.100000000f}", "{x:.100000000f}", { x: 1.5 }],
  ["repro 4: {x:>99999999999999999999}", "{x:>99999999999999999999}", { x: "a" }],
  ["repro 4: a width set by an input variable, {x:>{w}}", "{x:>{w}}", { x: "a", w: "100000000" }],
  ["a precision set by an input variable, {x:.{p}f}", "{x:.{p}f}", { x: 2.5, p: 100_000_000 }],
  ["a width of a million digits", `{x:>${"9".repeat(1_000_000)}}`, { x: "a" }],
  ["a zero-padded grouped number", "{x:0100000000,}", { x: 12345 }],
  ["many fields near the width limit", "{x:>900000}".repeat(40), { x: "a" }],
];

describe("f-string bombs end in a TemplateLimitError", () => {
  it.each(fstringBombs)("%s", { timeout: 20_000 }, (_label, text, variables) => {
    const error = thrown(() => renderText(text, "f-string", variables, { mode: "compatible" }));
    expect(error, String(error)).toBeInstanceOf(TemplateLimitError);
    expect((error as TemplateLimitError).limit).toMatch(/^(maxFormatWidth|maxOutputLength)$/);
  });

  it("a width within the limit still formats like Python", () => {
    expect(renderText("{x:>5}|{x:.{p}f}", "f-string", { x: 1.5, p: 3 })).toBe("  1.5|1.500");
  });
});

describe("snippet bombs end in a TemplateLimitError before the text is built", () => {
  const completion = (text: string): CompletionTemplate => ({ type: "completion", content: [{ type: "text", text }] });
  const resolverOf = (texts: Record<string, string>) => {
    let calls = 0;
    const resolve = (reference: SnippetReference) => {
      calls++;
      const text = texts[reference.name];
      if (text === undefined) throw new Error(`no snippet ${reference.name}`);
      return text;
    };
    return { resolve, calls: () => calls };
  };

  it.each([700, 300])("repro 2: s2 = @@@s1@@@ × %i, s1 = @@@s0@@@ × the same, s0 = 1,000 characters", { timeout: 20_000 }, async (fanOut) => {
    const { resolve, calls } = resolverOf({ s0: "x".repeat(1000), s1: "@@@s0@@@".repeat(fanOut), s2: "@@@s1@@@".repeat(fanOut) });
    const error = await expandSnippets(completion("@@@s2@@@"), resolve).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TemplateLimitError);
    expect((error as TemplateLimitError).limit).toBe("maxSnippetExpansionLength");
    // Each snippet fetched once, each expanded once: not fan-out² expansions.
    expect(calls()).toBe(3);
  });

  it("billion laughs: 4 levels of 100 references each (3 × 10⁸ characters)", { timeout: 20_000 }, async () => {
    const texts: Record<string, string> = { l0: "lol" };
    for (let level = 1; level <= 4; level++) texts[`l${level}`] = `@@@l${level - 1}@@@`.repeat(100);
    const error = await expandSnippets(completion("@@@l4@@@"), resolverOf(texts).resolve).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TemplateLimitError);
  });

  it("many blocks each under the limit are bounded together", { timeout: 20_000 }, async () => {
    const { resolve } = resolverOf({ big: "b".repeat(1_000_000) });
    const template: CompletionTemplate = { type: "completion", content: Array.from({ length: 30 }, () => ({ type: "text" as const, text: "@@@big@@@" })) };
    const error = await expandSnippets(template, resolve).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TemplateLimitError);
    // A lower limit set by the operator applies too, and a template under it expands.
    const small = await expandSnippets(completion("@@@big@@@"), resolve, { limits: { maxSnippetExpansionLength: 2_000_000 } });
    expect((small as CompletionTemplate).content[0]).toEqual({ type: "text", text: "b".repeat(1_000_000) });
    const refused = await expandSnippets(completion("@@@big@@@"), resolve, { limits: { maxSnippetExpansionLength: 999_999 } }).catch(
      (caught: unknown) => caught,
    );
    expect(refused).toBeInstanceOf(TemplateLimitError);
  });
});

describe("placeholders", () => {
  it("a placeholder filled with more messages than maxListLength is a TemplateLimitError", () => {
    const template = { type: "chat" as const, messages: [{ role: "placeholder" as const, name: "history" }] };
    const history = Array.from({ length: 101 }, () => ({ role: "user", content: [{ type: "text", text: "hi" }] }));
    const error = thrown(() => renderTemplate(template as never, { history }, { limits: { maxListLength: 100 } }));
    expect(error).toBeInstanceOf(TemplateLimitError);
    expect((error as TemplateLimitError).location).toBe("messages[0]");
  });
});
