import { describe, expect, it } from "vitest";
import { InvalidTemplateError, MissingVariablesError, TemplateLimitError } from "../errors/promptline-error.js";
import { defaultRenderLimits, listTextVariables, RenderBudget, renderText, type RenderLimits } from "./index.js";
import { renderJinja } from "./jinja/index.js";

const render = (
  text: string,
  variables: Record<string, unknown> = {},
  mode: "strict" | "compatible" = "compatible",
  limits?: Partial<RenderLimits>,
) => renderText(text, "jinja2", variables, { mode, limits });
const limited = (text: string, limits: Partial<RenderLimits>, variables: Record<string, unknown> = {}) =>
  render(text, variables, "compatible", limits);

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("jinja2 rendering", () => {
  it.each([
    ["loop with loop.index and else", "{% for x in xs %}{{ loop.index }}:{{ x }} {% else %}none{% endfor %}", { xs: ["a", "b"] }, "1:a 2:b "],
    ["loop over an empty list takes the else branch", "{% for x in xs %}{{ x }}{% else %}none{% endfor %}", { xs: [] }, "none"],
    ["conditionals", "{% if n > 1 %}many{% elif n == 1 %}one{% else %}none{% endif %}", { n: 1 }, "one"],
    ["upper, join, length", "{{ s | upper }} {{ xs | join('+') }} {{ xs | length }}", { s: "ab", xs: ["x", "y"] }, "AB x+y 2"],
    ["default for a missing and for a falsy value", "{{ a | default('A') }} {{ b | default('B', true) }}", { b: "" }, "A B"],
    ["d and count aliases", "{{ a | d('A') }} {{ xs | count }} {{ nope | count }}", { xs: [1, 2, 3] }, "A 3 0"],
    ["tojson sorts keys and escapes like jinja2", "{{ v | tojson }}", { v: { b: "<&>'", a: "é" } }, `{"a": "\\u00e9", "b": "\\u003c\\u0026\\u003e\\u0027"}`],
    ["tojson with indent", "{{ v | tojson(indent=2) }}", { v: { a: [1] } }, '{\n  "a": [\n    1\n  ]\n}'],
    ["a list prints as a Python list", "{{ xs }}", { xs: [1, "a", null, true, { k: 2.5 }] }, "[1, 'a', None, True, {'k': 2.5}]"],
    ["an object prints as a Python dict", "{{ o }}", { o: { a: { b: [] } } }, "{'a': {'b': []}}"],
    ["booleans print as Python's", "{{ t }} {{ f }} {{ 1 == 1 }}", { t: true, f: false }, "True False True"],
    ["float arithmetic prints Python floats", "{{ 4 / 2 }} {{ 0.1 + 0.2 }}", {}, "2.0 0.30000000000000004"],
    ["unicode passes through", "{{ a }}|{{ b | upper }}|{{ c }}", { a: "👩‍💻", b: "straße", c: "مرحبا" }, "👩‍💻|STRASSE|مرحبا"],
    ["null renders as empty", "[{{ n }}]", { n: null }, "[]"],
    ["attributes of undefined are undefined (ChainableUndefined)", "[{{ a.b.c }}{{ a['x'].y }}]", {}, "[]"],
    ["a loop over an undefined value runs zero times", "[{% for x in nope %}x{% endfor %}]", {}, "[]"],
    ["filters of undefined render empty; its length is 0", "[{{ nope | upper }}|{{ nope | length }}]", {}, "[|0]"],
    ["set, macros and namespaces", "{% set ns = namespace(n=0) %}{% for x in xs %}{% set ns.n = ns.n + x %}{% endfor %}{{ ns.n }}", { xs: [1, 2, 3] }, "6"],
    ["no trim_blocks or lstrip_blocks (jinja2 defaults)", "{% if true %}\n  x\n{% endif %}\n", {}, "\n  x\n"],
    ["a variable named like a global overrides it", "{{ range }}", { range: "mine" }, "mine"],
  ])("%s", (_name, text, variables, expected) => {
    expect(render(text, variables)).toBe(expected);
  });

  it("prints a variable longer than the string limit (looking it up builds nothing), up to the output limit", () => {
    const big = "x".repeat(1001);
    expect(limited("{% if big %}{{ big }}{% endif %}", { maxStringLength: 1000 }, { big })).toBe(big);
    expect(() => limited("{{ big ~ '' }}", { maxStringLength: 1000 }, { big })).toThrow(TemplateLimitError);
    expect(() => limited("{% if big %}{{ big }}{% endif %}", { maxOutputLength: 1000 }, { big })).toThrow(/maxOutputLength = 1000/);
  });

  it("reports a syntax error with the engine's message", () => {
    const error = thrown(() => render("{% if x %}unclosed"));
    expect(error).toBeInstanceOf(InvalidTemplateError);
    expect((error as Error).message).toMatch(/jinja2 syntax error: .+/);
  });

  it("reports a render error (division by zero) as InvalidTemplateError", () => {
    expect(() => render("{{ 1 // 0 }}")).toThrow(/division by zero/);
    expect(() => render("{{ 5 % 0 }}")).toThrow(/division by zero/);
  });

  it("compiles each distinct text once and renders it again with other variables", () => {
    const text = "{% for x in xs %}{{ x }}{% endfor %}";
    expect(render(text, { xs: [1, 2] })).toBe("12");
    expect(render(text, { xs: ["a"] })).toBe("a");
  });
});

describe("jinja2 sandbox", () => {
  it.each([
    "{{ x.constructor }}",
    "{{ x.__proto__ }}",
    "{{ x.toString }}",
    "{{ x.hasOwnProperty }}",
    "{{ s.constructor }}",
    "{{ xs.constructor }}",
    "{{ xs.__proto__.map }}",
    "{{ x['__proto__'] }}",
    "{{ ''.__class__.__mro__ }}",
    "{{ process }}{{ globalThis }}{{ require }}",
  ])("%s renders nothing", (text) => {
    expect(render(text, { x: { a: 1 }, s: "str", xs: [1] })).toBe("");
  });

  it.each([
    "{{ ''.constructor.constructor('return process')() }}",
    "{{ x.constructor.constructor('return globalThis')() }}",
    "{{ x.toString() }}",
    "{{ fn() }}",
  ])("%s throws instead of running JavaScript", (text) => {
    const marker = (globalThis as Record<string, unknown>).__jinjaEscape;
    expect(() => render(text, { x: { a: 1 }, fn: () => ((globalThis as Record<string, unknown>).__jinjaEscape = true) })).toThrow(
      InvalidTemplateError,
    );
    expect((globalThis as Record<string, unknown>).__jinjaEscape).toBe(marker);
  });

  it("never prints a function's source", () => {
    const out = render("{{ range }}|{{ range ~ '' }}|{{ namespace }}|{{ [range] | join }}|{{ x.items }}", { x: { a: 1 } });
    expect(out).toBe("<function>|<function>|<function>|<function>|<function>");
    expect(out).not.toMatch(/=>|return|function\s*\(/);
  });

  it("takes only plain data from the variables: functions are dropped, dates become strings", () => {
    expect(render("[{{ fn }}]{{ o }}", { fn: () => "secret", o: { f: () => 1, d: new Date(0) } })).toBe(
      "[]{'d': '1970-01-01T00:00:00.000Z'}",
    );
  });

  it("has no clock and no raise_exception (pure, jinja2's globals only)", () => {
    expect(render("[{{ strftime_now }}{{ raise_exception }}]")).toBe("[]");
  });
});

describe("jinja2 render limits", () => {
  const limitOf = (fn: () => unknown) => {
    const error = thrown(fn);
    expect(error).toBeInstanceOf(TemplateLimitError);
    return (error as TemplateLimitError).limit;
  };

  it("caps range()", () => {
    const max = defaultRenderLimits.maxRangeLength;
    expect(() => render(`{% for i in range(${max + 1}) %}{% endfor %}`)).toThrow(
      /render limit exceeded: range\(\) of \d+ items \(maxRangeLength = 10000\)/,
    );
    expect(render(`{{ range(${max}) | length }}`)).toBe(String(max));
  });

  it("caps evaluation steps (nested loops)", () => {
    expect(() => limited("{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}", { maxSteps: 20_000, maxTimeMs: 600_000 })).toThrow(
      /render limit exceeded: the template took more than 20000 evaluation steps/,
    );
  });

  it("caps strings a template builds (doubling)", () => {
    expect(
      limitOf(() => limited("{% set s = 'ab' %}{% for i in range(30) %}{% set s = s ~ s %}{% endfor %}{{ s }}", { maxStringLength: 10_000 })),
    ).toBe("maxStringLength");
  });

  it("caps the output of loops", () => {
    expect(
      limitOf(() => limited("{% for i in range(5000) %}{{ chunk }}{% endfor %}", { maxBuiltLength: 10_000 }, { chunk: "0123456789" })),
    ).toBe("maxBuiltLength");
  });

  it("sizes split() before splitting: a method call can't build a list past the limit", () => {
    expect(limitOf(() => limited("{{ s.split('x') | length }}", { maxListLength: 1000 }, { s: "x".repeat(1000) }))).toBe("maxListLength");
    expect(limited("{{ s.split('x') | length }}", { maxListLength: 1000 }, { s: "x".repeat(999) })).toBe("1000");
    expect(limitOf(() => limited("{{ s.split() | length }}", { maxListLength: 10 }, { s: "a ".repeat(11) }))).toBe("maxListLength");
    expect(limited("{{ s.split(' ', 2) | length }}", { maxListLength: 10 }, { s: "a ".repeat(11) })).toBe("3");
  });

  it("sizes replace() before replacing", () => {
    expect(limitOf(() => limited("{{ s.replace('x', 'yyyy') }}", { maxStringLength: 1000 }, { s: "x".repeat(300) }))).toBe("maxStringLength");
    expect(limited("{{ s.replace('x', 'yy') | length }}", { maxStringLength: 1000 }, { s: "x".repeat(300) })).toBe("600");
    expect(limitOf(() => limited("{{ s | replace('x', 'yyyy') }}", { maxStringLength: 1000 }, { s: "x".repeat(300) }))).toBe("maxStringLength");
  });

  it("counts the growth of method calls in loops (upper() of a big string, again and again)", () => {
    const text = "{% for i in range(100) %}{% set t = s.upper() %}{% endfor %}done";
    expect(limitOf(() => limited(text, { maxBuiltLength: 50_000 }, { s: "x".repeat(1000) }))).toBe("maxBuiltLength");
    expect(limited(text, { maxBuiltLength: 200_000 }, { s: "x".repeat(1000) })).toBe("done");
  });

  it("sizes join, indent, string and tojson and the printing of lists before building them", () => {
    const big = { xs: Array.from({ length: 100 }, () => "y".repeat(20)) };
    const limits = { maxStringLength: 1000 };
    expect(limitOf(() => limited("{{ xs | join(',') }}", limits, big))).toBe("maxStringLength");
    expect(limitOf(() => limited("{{ xs | string }}", limits, big))).toBe("maxStringLength");
    expect(limitOf(() => limited("{{ xs | tojson }}", limits, big))).toBe("maxStringLength");
    expect(limitOf(() => limited("{{ [1] | tojson(indent=5000) }}", limits))).toBe("maxStringLength");
    expect(limitOf(() => limited("{{ xs }}", limits, big))).toBe("maxStringLength");
    expect(limitOf(() => limited("{{ xs ~ '' }}", limits, big))).toBe("maxStringLength");
    expect(limitOf(() => limited("{{ s | indent(500) }}", limits, { s: "a\nb\nc" }))).toBe("maxStringLength");
    expect(limited("{{ xs[:2] | join(',') }}", limits, big)).toBe(`${"y".repeat(20)},${"y".repeat(20)}`);
  });

  it("caps lists built by +", () => {
    expect(
      limitOf(() => limited("{% set ns = namespace(l=[1]) %}{% for i in range(20) %}{% set ns.l = ns.l + ns.l %}{% endfor %}", { maxListLength: 1000 })),
    ).toBe("maxListLength");
  });

  it("stops at the wall-time limit, checked inside the interpreter", () => {
    let now = 0;
    // A clock that jumps a second per read: the second read (after 1024 steps) is past a 1.5 s budget.
    const error = thrown(() => {
      const budget = new RenderBudget({ maxTimeMs: 1500 }, () => (now += 1000));
      return renderJinja("{% for i in range(10000) %}{{ i }}{% endfor %}", {}, budget);
    });
    expect(error).toBeInstanceOf(TemplateLimitError);
    expect((error as TemplateLimitError).limit).toBe("maxTimeMs");
  });

  it("refuses nesting deeper than maxNestingDepth, at parse, before anything recursive walks it", () => {
    for (const text of [`{{ ${"not ".repeat(5000)}1 }}`, `{{ 1${"|string".repeat(5000)} }}`, `{{ ${"(".repeat(5000)}1${")".repeat(5000)} }}`, `{{ ${"[".repeat(5000)}${"]".repeat(5000)} }}`]) {
      expect(limitOf(() => render(text))).toBe("maxNestingDepth");
      expect(limitOf(() => listTextVariables(text, "jinja2"))).toBe("maxNestingDepth");
    }
    expect(render(`{{ ${"not ".repeat(10)}1 }}`)).toBe("True");
    expect(limited(`{{ ${"not ".repeat(301)}1 }}`, { maxNestingDepth: 1000 })).toBe("False");
  });
});

describe("jinja2 missing variables", () => {
  it("strict mode lists every missing free variable once, in order", () => {
    const text = "{{ b }}{% for x in items %}{{ x }}{{ loop.index }}{{ a }}{% endfor %}{{ b }}{% set c = 1 %}{{ c }}{{ d.e }}";
    const error = thrown(() => render(text, {}, "strict"));
    expect(error).toBeInstanceOf(MissingVariablesError);
    expect((error as MissingVariablesError).missing).toEqual(["b", "items", "a", "d"]);
  });

  it("strict mode accepts a variable used only behind default or is defined", () => {
    expect(render("{{ a | default('A') }}{% if b is defined %}{{ b }}{% endif %}", {}, "strict")).toBe("A");
  });

  it("strict mode accepts null values", () => {
    expect(render("[{{ a }}]", { a: null }, "strict")).toBe("[]");
  });

  it("compatible mode renders missing variables as empty", () => {
    expect(render("[{{ a }}][{{ a.b }}][{% if a %}x{% endif %}]", {})).toBe("[][][]");
  });
});

describe("listTextVariables (jinja2)", () => {
  it("lists free variables only: not loop variables, set names, macro arguments or globals", () => {
    const text = [
      "{% set greeting = 'Hi ' ~ name %}{{ greeting }}",
      "{% for k, v in pairs %}{{ k }}{{ v }}{{ loop.index }}{{ outer }}{% endfor %}",
      "{% macro tag(n, size=default_size) %}<{{ n }}{{ inside }}>{% endmacro %}{{ tag(title) }}",
      "{{ true }}{{ none }}{{ range(3) }}{{ user.name }}{{ user['age'] }}{{ xs | join(sep) }}",
      "{{ optional | default('x') }}{{ name }}",
    ].join("");
    expect(listTextVariables(text, "jinja2")).toEqual([
      "name",
      "pairs",
      "outer",
      "default_size",
      "inside",
      "title",
      "user",
      "xs",
      "sep",
      "optional",
    ]);
  });

  it("throws InvalidTemplateError on a syntax error", () => {
    expect(() => listTextVariables("{{ a ", "jinja2")).toThrow(InvalidTemplateError);
  });
});

describe("jinja2 parse cache and shared globals", () => {
  it("renders one cached template with different variables", () => {
    const text = "{% for m in messages %}{{ m.role }}: {{ m.content }};{% endfor %}{{ name | title }}";
    expect(render(text, { messages: [{ role: "user", content: "hi" }], name: "ada" })).toBe("user: hi;Ada");
    expect(render(text, { messages: [], name: "bob" })).toBe("Bob");
    expect(render(text, {})).toBe("");
  });

  it("applies the step limit to every render of a cached template", () => {
    const text = "{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}";
    for (let attempt = 0; attempt < 2; attempt++) {
      expect(() => limited(text, { maxSteps: 20_000, maxTimeMs: 600_000 })).toThrow(/render limit exceeded: the template took more than 20000 evaluation steps/);
    }
    // The count is per render: a small loop of the same shape still renders afterwards.
    expect(render("{% for i in range(3) %}{{ i }}{% endfor %}")).toBe("012");
  });

  it("keeps nothing a render sets for the next render", () => {
    expect(render("{% set x = 1 %}{% set range = 5 %}{% macro m() %}M{% endmacro %}{{ x }}{{ range }}{{ m() }}")).toBe("15M");
    expect(render("[{{ x }}][{{ m }}]{{ range(2) | list }}")).toBe("[][][0, 1]");
    expect(render("{{ range }}", { range: "mine" })).toBe("mine");
    expect(render("{{ range(1) | list }}")).toBe("[0]");
  });

  it("keeps jinja2's constants over variables of the same name", () => {
    expect(render("{{ true }} {{ None }}", { true: "no", None: "no" })).toBe("True ");
  });

  it("renders undefined names as empty, however deep and however often", () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      expect(render("[{{ a }}][{{ a.b.c }}][{{ a | length }}][{{ a is defined }}]")).toBe("[][][0][False]");
    }
  });
});
