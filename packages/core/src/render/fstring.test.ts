import { describe, expect, it } from "vitest";
import { InvalidTemplateError, MissingVariablesError } from "../errors/promptline-error.js";
import { listTextVariables, renderText } from "./index.js";

const render = (text: string, variables: Record<string, unknown>, mode: "strict" | "compatible" = "strict") =>
  renderText(text, "f-string", variables, { mode });

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("f-string rendering", () => {
  it.each([
    ["escaped braces around a field", "{{{x}}} {{x}} }}{{", { x: 1 }, "{1} {x} }{"],
    ["emoji, combining marks and RTL text pass through", "{a}|{b}|{c}", { a: "👩‍💻🎉", b: "e\u0301", c: "שלום עולם" }, "👩‍💻🎉|e\u0301|שלום עולם"],
    ["width counts code points, like Python", "[{e:>3}]", { e: "😀" }, "[  😀]"],
    ["empty template", "", {}, ""],
    ["empty value", "<{v}>", { v: "" }, "<>"],
    ["a list value prints as a Python list", "{v}", { v: ["a", 1, null, true, { k: "it's" }] }, `['a', 1, None, True, {'k': "it's"}]`],
    ["an object value prints as a Python dict", "{v}", { v: { n: 1.5, deep: { list: [] } } }, "{'n': 1.5, 'deep': {'list': []}}"],
    ["null renders as empty, with or without a spec", "[{v}|{v:>3}|{v!r}]", { v: null }, "[|   |'']"],
    ["a name with spaces or dashes is a plain key, as in Python", "{my-var} { x }", { "my-var": 1, " x ": 2 }, "1 2"],
    ["nested replacement field in the spec", "{x:{fill}^{width}}", { x: "ab", fill: "*", width: 6 }, "**ab**"],
    ["bool with a spec formats as int, as in Python", "{t:>3}|{t}", { t: true }, "  1|True"],
    ["bigint formats as an int", "{n:,}", { n: 12345678901234567890n }, "12,345,678,901,234,567,890"],
    ["a Date prints as its ISO string", "{d}", { d: new Date(Date.UTC(2024, 0, 2)) }, "2024-01-02T00:00:00.000Z"],
    ["-0 is the float -0.0", "{z}", { z: -0 }, "-0.0"],
    ["floats print as Python reprs", "{a} {b} {c} {d}", { a: 0.1, b: 1e16, c: 1e-5, d: 123.456 }, "0.1 1e+16 1e-05 123.456"],
    ["round half to even on exact ties", "{a:.0f} {b:.0f} {c:.2f} {d:.1f}", { a: 0.5, b: 1.5, c: 0.125, d: 0.25 }, "0 2 0.12 0.2"],
  ])("%s", (_name, text, variables, expected) => {
    expect(render(text, variables)).toBe(expected);
  });

  it("never reads prototype properties as variables", () => {
    expect(render("[{constructor}{toString}{__proto__}]", {}, "compatible")).toBe("[]");
    const error = thrown(() => render("{constructor} {toString}", {}));
    expect(error).toBeInstanceOf(MissingVariablesError);
    expect((error as MissingVariablesError).missing).toEqual(["constructor", "toString"]);
  });

  it("does not call functions given as values", () => {
    let called = false;
    expect(render("[{f}]", { f: () => (called = true) })).toBe("[]");
    expect(called).toBe(false);
  });
});

describe("f-string missing variables", () => {
  const text = "Hi {name}, {missing_one} and {name} then {missing_two:>5} {missing_one}";

  it("strict mode throws one error listing every missing name once, in order", () => {
    const error = thrown(() => render(text, { name: "Ann" }));
    expect(error).toBeInstanceOf(MissingVariablesError);
    expect((error as MissingVariablesError).missing).toEqual(["missing_one", "missing_two"]);
    expect((error as Error).message).toContain('"missing_one", "missing_two"');
  });

  it("strict mode counts a nested spec field too", () => {
    expect(() => render("{x:{width}}", { x: 1 })).toThrow(MissingVariablesError);
  });

  it("strict mode treats a null value as given, undefined as missing", () => {
    expect(render("[{a}]", { a: null })).toBe("[]");
    expect(() => render("[{a}]", { a: undefined })).toThrow(MissingVariablesError);
  });

  it("compatible mode renders missing variables as empty, whatever their spec", () => {
    expect(render(text, { name: "Ann" }, "compatible")).toBe(`Hi Ann,  and Ann then ${" ".repeat(5)} `);
    expect(render("[{n:05d}]", {}, "compatible")).toBe("[]");
  });
});

describe("f-string fields we reject", () => {
  it.each([
    ["{a.b}", /attribute or index field "\{a\.b\}".*plain \{name\}/],
    ["{a[0]}", /attribute or index field "\{a\[0\]\}".*jinja2/],
    ["{}", /positional field "\{\}".*\{name\}/],
    ["{0}", /positional field "\{0\}"/],
    ["{!r}", /positional field/],
    ["a { b", /expected '}' before end of string/],
    ["a } b", /Single '}'/],
    ["trailing {", /Single '\{'/],
    ["{a!x}", /Unknown conversion specifier x/],
    ["{a:{b:{c}}}", /Max string recursion exceeded/],
  ])("%s", (text, message) => {
    const error = thrown(() => render(text, { a: { b: 1 }, b: 1, c: 1 }));
    expect(error).toBeInstanceOf(InvalidTemplateError);
    expect((error as Error).message).toMatch(message);
  });

  it("rejects them in compatible mode too, and when listing variables", () => {
    expect(() => render("{a.b}", {}, "compatible")).toThrow(InvalidTemplateError);
    expect(() => listTextVariables("{a.b}", "f-string")).toThrow(InvalidTemplateError);
  });

  it("rejects a spec that does not fit the value, with Python's message", () => {
    expect(() => render("{n:d}", { n: "text" })).toThrow(/Unknown format code 'd' for object of type 'str'/);
    expect(() => render("{n:>5}", { n: [1] })).toThrow(/unsupported format string passed to list.__format__/);
  });
});

describe("listTextVariables (f-string)", () => {
  it("lists fields in order of first appearance, without duplicates, nested spec fields included", () => {
    expect(listTextVariables("{b} {a!r} {b:{width}} {{not_a_field}} {c:>{width}}", "f-string")).toEqual([
      "b",
      "a",
      "width",
      "c",
    ]);
  });

  it("finds nothing in plain text or escaped braces", () => {
    expect(listTextVariables("no fields {{here}}", "f-string")).toEqual([]);
  });
});

describe("f-string parse cache", () => {
  it("renders one cached text with different variables", () => {
    const text = "{greeting}, {name:>6}!";
    expect(renderText(text, "f-string", { greeting: "Hi", name: "Ann" })).toBe("Hi,    Ann!");
    expect(renderText(text, "f-string", { greeting: "Bye", name: "Bo" })).toBe("Bye,     Bo!");
    expect(renderText(text, "f-string", {}, { mode: "compatible" })).toBe(",       !");
  });

  it("hands out copies of the variable list, so callers cannot change the cache", () => {
    const first = listTextVariables("{a} {b}", "f-string");
    first.push("c");
    expect(listTextVariables("{a} {b}", "f-string")).toEqual(["a", "b"]);
    expect(() => renderText("{a} {b}", "f-string", { a: 1 })).toThrow(MissingVariablesError);
  });

  it("keeps rejecting a text that does not parse (errors are not cached as results)", () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      expect(() => renderText("{a", "f-string", { a: 1 })).toThrow(InvalidTemplateError);
    }
  });

  it("renders correctly after the cache has cycled through many texts", () => {
    for (let index = 0; index < 1_100; index++) {
      expect(renderText(`{v}#${index}`, "f-string", { v: index })).toBe(`${index}#${index}`);
    }
    expect(renderText("{v}#0", "f-string", { v: "again" })).toBe("again#0");
  });
});
