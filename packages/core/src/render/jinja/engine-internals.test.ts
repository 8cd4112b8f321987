/**
 * The sandbox (`./engine.ts` and the modules it serves) hooks internals of
 * `@huggingface/jinja` that are not part of its public API. This file checks
 * each of them against the installed engine, directly: if an upgrade renames
 * or reshapes one, this fails here, naming it, rather than somewhere in a
 * render (or, worse, not at all while a bound quietly stops holding).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as engine from "@huggingface/jinja";
import { describe, expect, it } from "vitest";
import corePackage from "../../../package.json" with { type: "json" };
import { FunctionValue, engineStringBuiltins, valueClasses } from "./engine.js";

interface Value {
  type: string;
  value: unknown;
  __bool__(): { value: boolean };
  builtins: Map<string, Value>;
}
interface Node {
  type: string;
  [key: string]: unknown;
}
interface Scope {
  variables: Map<string, Value>;
  parent?: Scope;
  set(name: string, value: unknown): Value;
  resolve(name: string): Scope;
}
type Hooked = (this: unknown, ...args: unknown[]) => Value;

const Environment = engine.Environment as unknown as new (parent?: Scope) => Scope;
const Interpreter = engine.Interpreter as unknown as new (environment?: Scope) => { run(program: Node): Value; evaluate(node: Node, scope: Scope): Value };
const tokenize = engine.tokenize as unknown as (source: string, options: Record<string, boolean>) => unknown[];
const parse = engine.parse as unknown as (tokens: unknown[]) => Node & { body: Node[] };
const engineMethods = engine.Interpreter.prototype as unknown as Record<string, Hooked>;

const programOf = (source: string) => parse(tokenize(source, {}));
const evaluate = (source: string, scope = new Environment()) => new Interpreter(scope).evaluate(programOf(source).body[0] as Node, scope);
const render = (source: string, scope = new Environment(), options: Record<string, boolean> = {}) =>
  new Interpreter(scope).run(parse(tokenize(source, options))).value;

/** Every node of a syntax tree (through arrays and the Map of an object literal). */
function nodes(root: unknown): Node[] {
  const out: Node[] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value instanceof Map) {
      for (const [key, item] of value) {
        visit(key);
        visit(item);
      }
    }
    else if (value && typeof value === "object" && typeof (value as Node).type === "string") {
      out.push(value as Node);
      for (const [key, child] of Object.entries(value)) if (key !== "type") visit(child);
    }
  };
  visit(root);
  return out;
}
const nodeOf = (source: string, type: string): Node => {
  const found = nodes(programOf(source)).find((node) => node.type === type);
  if (!found) throw new Error(`no ${type} node in ${source}`);
  return found;
};

describe("@huggingface/jinja: the version", () => {
  it("is pinned exactly, and the installed engine is that version", () => {
    const pinned = corePackage.dependencies["@huggingface/jinja"];
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    // The engine's exports do not include its package.json: read it beside the entry point.
    const entry = createRequire(import.meta.url).resolve("@huggingface/jinja");
    const installed = JSON.parse(readFileSync(join(dirname(entry), "..", "package.json"), "utf8")) as { name: string; version: string };
    expect(installed.name).toBe("@huggingface/jinja");
    expect(installed.version).toBe(pinned);
  });
});

describe("@huggingface/jinja: the internals the sandbox hooks", () => {
  it("exports the classes and functions engine.ts takes", () => {
    for (const name of ["Environment", "Interpreter", "tokenize", "parse"] as const) expect(typeof engine[name]).toBe("function");
  });

  it("has the private evaluation steps the sandbox replaces, with the parameters it passes", () => {
    const arity = { evaluate: 2, evaluateBlock: 2, applyFilter: 3, evaluateBinaryExpression: 2, evaluateSliceExpression: 3 };
    for (const [name, parameters] of Object.entries(arity)) {
      expect(typeof engineMethods[name], name).toBe("function");
      expect(engineMethods[name]?.length, name).toBe(parameters);
    }
  });

  it("routes every evaluation through those steps on the instance's prototype, with the arguments the sandbox reads", () => {
    const calls: Record<string, unknown[][]> = {};
    class Recording extends (engine.Interpreter as unknown as new (scope: Scope) => object) {}
    const recording = Recording.prototype as unknown as Record<string, Hooked>;
    for (const name of ["evaluateBlock", "applyFilter", "evaluateBinaryExpression", "evaluateSliceExpression"]) {
      recording[name] = function (this: unknown, ...args: unknown[]) {
        (calls[name] ??= []).push(args);
        return (engineMethods[name] as Hooked).call(this, ...args);
      };
    }
    const scope = new Environment();
    scope.set("name", "ada");
    const interpreter = new Recording(scope) as { run(program: Node): Value };
    const out = interpreter.run(programOf("{{ name|upper }} {{ 'abc'[1:] ~ '!' }}{% filter lower %}X{% endfilter %}"));
    expect(out.value).toBe("ADA bc!x");

    const [statements, blockScope] = calls.evaluateBlock?.[0] ?? [];
    expect(Array.isArray(statements)).toBe(true);
    expect(blockScope).toBeInstanceOf(engine.Environment);

    const [operand, filter] = calls.applyFilter?.[0] as [Value, Node];
    expect(operand).toMatchObject({ type: "StringValue", value: "ada" });
    expect(filter).toMatchObject({ type: "Identifier", value: "upper" });
    // A filter statement's body goes through applyFilter too (the sandbox's filters apply there).
    expect(calls.applyFilter?.some(([value, node]) => (value as Value).value === "X" && (node as Node).value === "lower")).toBe(true);

    const [binary] = calls.evaluateBinaryExpression?.[0] as [Node];
    expect(binary.operator).toMatchObject({ value: "~" });
    expect(binary).toHaveProperty("left");
    expect(binary).toHaveProperty("right");

    const [sliced, slice] = calls.evaluateSliceExpression?.[0] as [Value, Node];
    expect(sliced).toMatchObject({ type: "StringValue", value: "abc" });
    expect(slice.type).toBe("SliceExpression");
  });

  it("prints a program through evaluateBlock, so replacing it replaces the output", () => {
    class Replaced extends (engine.Interpreter as unknown as new (scope: Scope) => object) {}
    (Replaced.prototype as unknown as Record<string, Hooked>).evaluateBlock = () => evaluate("{{ 'replaced' }}");
    expect((new Replaced(new Environment()) as { run(program: Node): Value }).run(programOf("{{ 1 }}")).value).toBe("replaced");
  });

  it("accepts, in place of a node, a value the sandbox has already evaluated", () => {
    // The sandbox hands evaluated operands back to evaluateBinaryExpression in nodes of its own type,
    // which its `evaluate` answers; the engine must reach operands only through `evaluate`.
    const evaluatedType = "AlreadyEvaluated";
    class Handing extends (engine.Interpreter as unknown as new (scope: Scope) => { evaluate(node: Node, scope: Scope): Value }) {
      override evaluate(node: Node, scope: Scope): Value {
        return node?.type === evaluatedType ? (node.value as Value) : super.evaluate(node, scope);
      }
    }
    const scope = new Environment();
    const interpreter = new Handing(scope);
    const node = { ...nodeOf("{{ 'a' ~ 'b' }}", "BinaryExpression") };
    node.left = { type: evaluatedType, value: evaluate("{{ 'x' }}") };
    node.right = { type: evaluatedType, value: evaluate("{{ 'y' }}") };
    expect(engineMethods.evaluateBinaryExpression?.call(interpreter, node, scope).value).toBe("xy");
  });

  it("names its runtime values as the sandbox's printing and sizing expect", () => {
    // jinja2's constants are the caller's to define (the sandbox's outermost scope does).
    const scope = new Environment();
    scope.set("yes", true);
    scope.set("nothing", null);
    const types = {
      "''": "StringValue",
      "1": "IntegerValue",
      "1.5": "FloatValue",
      "yes": "BooleanValue",
      "1 == 1": "BooleanValue",
      "nothing": "NullValue",
      "missing": "UndefinedValue",
      "[1]": "ArrayValue",
      "(1, 2)": "TupleValue",
      "{'a': 1}": "ObjectValue",
      "namespace(a=1)": "NamespaceValue",
      "'a'.upper": "FunctionValue",
    };
    for (const [source, type] of Object.entries(types)) expect(evaluate(`{{ ${source} }}`, scope).type, source).toBe(type);
    expect(evaluate("{{ [1] }}").value).toEqual([expect.objectContaining({ type: "IntegerValue", value: 1 })]);
    expect(evaluate("{{ {'a': 1} }}").value).toBeInstanceOf(Map);
    expect(evaluate("{{ namespace(a=1) }}").value).toBeInstanceOf(Map);
    expect(evaluate("{{ '' }}").__bool__()).toEqual(expect.objectContaining({ value: false }));
    // Keyword arguments reach a method as one value of this type, last (replace's `count=`).
    const seen: Value[][] = [];
    const text = evaluate("{{ 'aaa' }}") as Value;
    const replace = text.builtins.get("replace") as Value;
    const scopeWithText = new Environment();
    const recordingReplace = new FunctionValue((args) => {
      seen.push(args as unknown as Value[]);
      return (replace.value as (args: unknown[], scope: Scope) => Value)(args, scopeWithText) as never;
    });
    scopeWithText.variables.set("text", { ...text, builtins: new Map([["replace", recordingReplace]]) } as unknown as Value);
    expect(render("{{ text.replace('a', 'b', count=2) }}", scopeWithText)).toBe("bba");
    expect(seen[0]?.map((arg) => arg.type)).toEqual(["StringValue", "StringValue", "KeywordArgumentsValue"]);
    expect((seen[0]?.[2]?.value as Map<string, Value>).get("count")).toMatchObject({ type: "IntegerValue", value: 2 });
  });

  it("gives strings a method table through a getter on StringValue's prototype, with split and replace as function values", () => {
    expect(typeof engineStringBuiltins).toBe("function");
    expect(typeof FunctionValue).toBe("function");
    const text = new valueClasses.StringValue("a,b,c") as unknown as Value;
    const methods = text.builtins;
    expect(methods).toBeInstanceOf(Map);
    for (const name of ["split", "replace", "upper"]) {
      expect(methods.get(name)?.type, name).toBe("FunctionValue");
      expect(methods.get(name)?.constructor, name).toBe(FunctionValue);
    }
    const call = (name: string, ...args: Value[]) => (methods.get(name)?.value as (args: Value[], scope: Scope) => Value)(args, new Environment());
    const comma = new valueClasses.StringValue(",") as unknown as Value;
    expect((call("split", comma).value as Value[]).map((item) => item.value)).toEqual(["a", "b", "c"]);
    expect(call("replace", comma, new valueClasses.StringValue("") as unknown as Value).value).toBe("abc");
    // A template's method call reads the table through that getter (so wrapping the getter bounds it).
    const original = Object.getOwnPropertyDescriptor(valueClasses.StringValue.prototype, "builtins");
    let reads = 0;
    Object.defineProperty(valueClasses.StringValue.prototype, "builtins", {
      configurable: true,
      get(this: unknown) {
        reads++;
        return original?.get?.call(this);
      },
    });
    try {
      expect(render("{{ 'a b'.split() | length }}")).toBe("2");
      expect(reads).toBeGreaterThan(0);
    } finally {
      Object.defineProperty(valueClasses.StringValue.prototype, "builtins", original as PropertyDescriptor);
    }
  });

  it("keeps a scope's variables in a Map, converts what set() is given, and finds a name through resolve()", () => {
    const outer = new Environment();
    expect(outer.variables).toBeInstanceOf(Map);
    outer.set("n", 1);
    outer.set("items", [1, { a: 2 }]);
    expect(outer.variables.get("n")).toMatchObject({ type: "IntegerValue", value: 1 });
    // restoreFloats edits the converted list and dict in place.
    const items = outer.variables.get("items") as Value;
    expect(items.type).toBe("ArrayValue");
    expect((items.value as Value[])[1]?.value).toBeInstanceOf(Map);

    expect(typeof (engine.Environment.prototype as unknown as Scope).resolve).toBe("function");
    let asked = 0;
    outer.resolve = () => (asked++, outer);
    expect(evaluate("{{ nowhere }}", new Environment(outer)).type).toBe("UndefinedValue");
    expect(asked).toBe(1);
  });

  it("never writes to an enclosing scope (the sandbox shares its outermost one)", () => {
    const outer = new Environment();
    outer.set("kept", "outer");
    const before = [...outer.variables.keys()];
    const inner = new Environment(outer);
    render("{% set kept = 'inner' %}{% set made = 1 %}{% for kept in [1] %}{% set looped = 1 %}{% endfor %}{% macro m(kept) %}{% endmacro %}{{ m(2) }}", inner);
    expect([...outer.variables.keys()]).toEqual(before);
    expect(outer.variables.get("kept")?.value).toBe("outer");
  });

  it("reads jinja2's whitespace options under the names the sandbox passes (both off unless asked)", () => {
    const source = "{% if 1 %}\n  x{% endif %}";
    expect(render(source)).toBe("\n  x");
    expect(render(source, new Environment(), { trim_blocks: true })).toBe("  x");
    expect(render("  {% if 1 %}x{% endif %}", new Environment(), { lstrip_blocks: true })).toBe("x");
  });

  it("builds the syntax tree the variable listing and the iterable marking walk", () => {
    const shapes: Array<[source: string, type: string, fields: string[]]> = [
      ["{{ a }}", "Identifier", ["value"]],
      ["{% for x in xs %}{% else %}{% endfor %}", "For", ["loopvar", "iterable", "body", "defaultBlock"]],
      ["{% for x in xs if x %}{% endfor %}", "SelectExpression", ["lhs", "test"]],
      ["{% if a %}{% else %}{% endif %}", "If", ["test", "body", "alternate"]],
      ["{% set a = 1 %}", "Set", ["assignee", "value", "body"]],
      ["{% macro m(a, b=1) %}{% endmacro %}", "Macro", ["name", "args", "body"]],
      ["{% call(x) m() %}{% endcall %}", "CallStatement", ["call", "callerArgs", "body"]],
      ["{% filter upper %}{% endfilter %}", "FilterStatement", ["filter", "body"]],
      ["{{ a|default('x') }}", "FilterExpression", ["operand", "filter"]],
      ["{{ a is defined }}", "TestExpression", ["operand", "test"]],
      ["{{ f(1) }}", "CallExpression", ["callee", "args"]],
      ["{{ f(k=1) }}", "KeywordArgumentExpression", ["key", "value"]],
      ["{{ a.b }}", "MemberExpression", ["object", "property", "computed"]],
      ["{{ a ~ b }}", "BinaryExpression", ["operator", "left", "right"]],
      ["{% for a, b in xs %}{% endfor %}", "TupleLiteral", ["value"]],
      ["{{ 'a' }}", "StringLiteral", ["value"]],
      ["{{ 1 }}", "IntegerLiteral", ["value"]],
      ["{{ 1.5 }}", "FloatLiteral", ["value"]],
      ["{% for x in xs %}{% break %}{% endfor %}", "Break", []],
      ["{% for x in xs %}{% continue %}{% endfor %}", "Continue", []],
      ["{# note #}", "Comment", []],
    ];
    for (const [source, type, fields] of shapes) {
      const node = nodeOf(source, type);
      for (const field of fields) expect(node, `${type}.${field}`).toHaveProperty(field);
    }
    expect(programOf("{{ a }}").type).toBe("Program");
    expect(nodeOf("{{ {'k': v} }}", "ObjectLiteral").value).toBeInstanceOf(Map);
    expect(nodeOf("{% set a %}x{% endset %}", "Set").value).toBeFalsy();
    expect(nodeOf("{{ a[b] }}", "MemberExpression").computed).toBe(true);
    expect(nodeOf("{{ a|join(', ') }}", "FilterExpression").filter).toMatchObject({ type: "CallExpression", callee: { value: "join" } });
    expect(nodeOf("{{ a is defined }}", "TestExpression").test).toMatchObject({ type: "Identifier", value: "defined" });
    expect((nodeOf("{% macro m(a, b=1) %}{% endmacro %}", "Macro").args as Node[]).map((arg) => arg.type)).toEqual([
      "Identifier",
      "KeywordArgumentExpression",
    ]);
  });
});
