/**
 * jinja2 templates through `@huggingface/jinja`, made to behave like the
 * server's `SandboxedEnvironment(undefined=ChainableUndefined)`:
 *
 * - Sandbox: variables enter the engine as plain data only (no functions),
 *   the engine resolves attributes through its own maps (never JavaScript
 *   properties or prototypes), and a function value never prints its source.
 * - Bounded cost: every render runs against a `RenderBudget` (range size,
 *   steps, wall time, nesting, the length of any string or list an operation
 *   builds — method calls such as `.split()` included — and the growth of the
 *   whole render); exceeding it is a `TemplateLimitError`.
 * - Python output: `True`/`None`-style printing of values, lists and dicts as
 *   Python reprs, floats as Python floats, `tojson` as jinja2's (sorted keys,
 *   HTML-safe, ASCII), division by zero as an error.
 * - ChainableUndefined: undefined values, their attributes and most filters of
 *   them render as "", a loop over an undefined value runs zero times.
 *
 * The engine's `Interpreter` keeps `evaluateBlock` and `applyFilter` private;
 * the subclass below replaces them on its own prototype only, so no other
 * user of the engine is affected.
 */
import * as engine from "@huggingface/jinja";
import { InvalidTemplateError, TemplateLimitError } from "../errors/promptline-error.js";
import { BoundedCache } from "./bounded-cache.js";
import { defaultRenderLimits, RenderBudget, type RenderLimits } from "./budget.js";
import { pythonFixed } from "./format-spec.js";
import { toPlainData } from "./plain-data.js";
import { PythonFloat } from "./python-float.js";
import { pythonFloatRepr, pythonStringRepr } from "./python-repr.js";

/** The part of the engine's runtime values we rely on (its classes are not exported). */
interface RuntimeValue {
  type: string;
  value: unknown;
  __bool__(): { value: boolean };
}

interface AstNode {
  type: string;
  [key: string]: unknown;
}

interface Program extends AstNode {
  type: "Program";
  body: AstNode[];
}

/*
 * The engine's declaration files import their siblings without extensions,
 * which NodeNext resolution cannot follow; so its classes are typed here, by
 * the part of them we use.
 */
interface Environment {
  variables: Map<string, unknown>;
  set(name: string, value: unknown): unknown;
}
interface Interpreter {
  evaluate(statement: AstNode | undefined, environment: Environment): RuntimeValue;
  run(program: Program): RuntimeValue;
}
const Environment = engine.Environment as new (parent?: Environment) => Environment;
const Interpreter = engine.Interpreter as new (environment?: Environment) => Interpreter;
const tokenize = engine.tokenize as (source: string, options: { lstrip_blocks?: boolean; trim_blocks?: boolean }) => unknown[];
const parse = engine.parse as (tokens: unknown[]) => Program;

// ---- free variables ------------------------------------------------------

/** Names jinja2 (or the engine) provides itself; never input variables. */
const engineGlobals = new Set([
  "true",
  "false",
  "none",
  "True",
  "False",
  "None",
  "range",
  "namespace",
  "dict",
  "lipsum",
  "cycler",
  "joiner",
]);

export interface JinjaVariables {
  /** Every free variable, in order of first appearance. */
  all: string[];
  /** Free variables never guarded by a `default` filter or an `is defined`/`is undefined` test. */
  required: string[];
}

function isNode(value: unknown): value is AstNode {
  return typeof value === "object" && value !== null && typeof (value as AstNode).type === "string";
}

/** Walks the AST with jinja2's scoping: loop variables, `set` names and macro arguments are bound, not free. */
function collectVariables(program: Program): JinjaVariables {
  const seen = new Map<string, { guarded: boolean }>();
  const scopes: Set<string>[] = [new Set()];
  const isBound = (name: string) => scopes.some((scope) => scope.has(name));
  const use = (name: string, guarded: boolean) => {
    if (isBound(name) || engineGlobals.has(name)) return;
    const entry = seen.get(name) ?? { guarded: false };
    if (guarded) entry.guarded = true;
    seen.set(name, entry);
  };
  const bind = (target: unknown) => {
    if (!isNode(target)) return;
    if (target.type === "Identifier") scopes[scopes.length - 1]?.add(target.value as string);
    else if (target.type === "TupleLiteral") for (const item of target.value as unknown[]) bind(item);
    else if (target.type === "MemberExpression") expression(target.object, false);
  };
  const withScope = (names: string[], body: () => void) => {
    scopes.push(new Set(names));
    body();
    scopes.pop();
  };
  const parameterNames = (parameters: unknown): string[] =>
    Array.isArray(parameters)
      ? parameters.flatMap((parameter: AstNode) =>
          parameter.type === "Identifier"
            ? [parameter.value as string]
            : isNode(parameter.key)
              ? [parameter.key.value as string]
              : [],
        )
      : [];
  const parameterDefaults = (parameters: unknown) => {
    if (!Array.isArray(parameters)) return;
    for (const parameter of parameters as AstNode[]) {
      if (parameter.type === "KeywordArgumentExpression") expression(parameter.value, false);
    }
  };
  const filterArguments = (filter: unknown) => {
    if (isNode(filter) && filter.type === "CallExpression") for (const arg of filter.args as unknown[]) expression(arg, false);
  };
  const filterName = (filter: unknown): string | undefined => {
    if (!isNode(filter)) return undefined;
    if (filter.type === "Identifier") return filter.value as string;
    return isNode(filter.callee) ? (filter.callee.value as string) : undefined;
  };

  function expression(node: unknown, guarded: boolean): void {
    if (Array.isArray(node)) {
      for (const item of node) expression(item, guarded);
      return;
    }
    if (node instanceof Map) {
      for (const [key, value] of node) {
        expression(key, false);
        expression(value, false);
      }
      return;
    }
    if (!isNode(node)) return;
    switch (node.type) {
      case "Identifier":
        use(node.value as string, guarded);
        return;
      case "MemberExpression":
        expression(node.object, guarded);
        if (node.computed) expression(node.property, false);
        return;
      case "FilterExpression": {
        const name = filterName(node.filter);
        expression(node.operand, guarded || name === "default" || name === "d");
        filterArguments(node.filter);
        return;
      }
      case "TestExpression": {
        const test = isNode(node.test) ? node.test.value : undefined;
        expression(node.operand, guarded || test === "defined" || test === "undefined");
        return;
      }
      case "CallExpression":
        expression(node.callee, false);
        expression(node.args, false);
        return;
      case "KeywordArgumentExpression":
        expression(node.value, false);
        return;
      case "StringLiteral":
      case "IntegerLiteral":
      case "FloatLiteral":
        return;
      default:
        for (const [key, child] of Object.entries(node)) if (key !== "type") expression(child, false);
    }
  }

  function statements(list: unknown): void {
    if (!Array.isArray(list)) return;
    for (const node of list) statement(node);
  }

  function statement(node: unknown): void {
    if (!isNode(node)) return;
    switch (node.type) {
      case "Program":
        statements(node.body);
        return;
      case "If":
        expression(node.test, false);
        statements(node.body);
        statements(node.alternate);
        return;
      case "For": {
        const iterable = node.iterable as AstNode;
        const select = iterable.type === "SelectExpression";
        expression(select ? iterable.lhs : iterable, false);
        withScope(["loop"], () => {
          bind(node.loopvar);
          if (select) expression(iterable.test, false);
          statements(node.body);
        });
        statements(node.defaultBlock);
        return;
      }
      case "Set":
        if (node.value) expression(node.value, false);
        else withScope([], () => statements(node.body));
        bind(node.assignee);
        return;
      case "Macro":
        bind(node.name);
        parameterDefaults(node.args);
        withScope([...parameterNames(node.args), "caller", "varargs", "kwargs"], () => statements(node.body));
        return;
      case "CallStatement":
        expression(node.call, false);
        parameterDefaults(node.callerArgs);
        withScope(parameterNames(node.callerArgs), () => statements(node.body));
        return;
      case "FilterStatement":
        statements(node.body);
        filterArguments(node.filter);
        return;
      case "Break":
      case "Continue":
      case "Comment":
        return;
      default:
        expression(node, false);
    }
  }

  statement(program);
  const all = [...seen.keys()];
  // The author who guards a variable anywhere expects it may be absent.
  return { all, required: all.filter((name) => !seen.get(name)?.guarded) };
}

// ---- compile ---------------------------------------------------------------

interface CompiledJinja {
  program: Program;
  variables: JinjaVariables;
  /** Nodes a `for` iterates over: an undefined value there iterates as empty (ChainableUndefined). */
  iterables: WeakSet<object>;
  /** How deep the syntax tree nests (checked against `maxNestingDepth` on every use). */
  depth: number;
}

/** The children of a syntax-tree node (nodes, lists of nodes, and the Map of an object literal). */
function forEachChild(node: AstNode, visit: (child: unknown) => void): void {
  for (const key in node) {
    if (key === "type") continue;
    const child = node[key];
    if (Array.isArray(child)) for (const item of child) visit(item);
    else if (child instanceof Map) {
      for (const [mapKey, value] of child) {
        visit(mapKey);
        visit(value);
      }
    } else visit(child);
  }
}

/**
 * The depth of the syntax tree, walked without recursion, so that
 * `{{ not not … 1 }}` or `1|string|string|…` nested thousands deep is
 * measured (and refused) before anything recursive walks it.
 */
function treeDepth(program: Program): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[program, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (!isNode(node)) continue;
    if (depth > deepest) deepest = depth;
    forEachChild(node, (child) => stack.push([child, depth + 1]));
  }
  return deepest;
}

function checkDepth(depth: number, limits: RenderLimits): void {
  if (depth > limits.maxNestingDepth) {
    throw new TemplateLimitError("maxNestingDepth", limits.maxNestingDepth, `the template nests ${depth} deep`);
  }
}

function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

function collectIterables(node: unknown, out: WeakSet<object>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectIterables(item, out);
    return;
  }
  if (!isNode(node)) return;
  if (node.type === "For" && isNode(node.iterable)) {
    out.add(node.iterable.type === "SelectExpression" && isNode(node.iterable.lhs) ? node.iterable.lhs : node.iterable);
  }
  for (const [key, child] of Object.entries(node)) if (key !== "type") collectIterables(child, out);
}

const compiledTexts = new BoundedCache<string, CompiledJinja>(512);

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Parses (once per distinct text) a jinja2 template; a syntax error is an
 * `InvalidTemplateError`, a template nested deeper than `maxNestingDepth` a
 * `TemplateLimitError`.
 */
export function compileJinja(text: string, limits: RenderLimits = defaultRenderLimits): CompiledJinja {
  let compiled = compiledTexts.get(text);
  if (compiled) {
    checkDepth(compiled.depth, limits);
    return compiled;
  }
  let program: Program;
  try {
    // jinja2's defaults: no trim_blocks, no lstrip_blocks (the engine's Template class turns both on).
    program = parse(tokenize(text, {}));
  } catch (error) {
    // The engine's parser recurses per nesting level: brackets nested thousands deep overflow it.
    if (isStackOverflow(error)) {
      throw new TemplateLimitError("maxNestingDepth", limits.maxNestingDepth, "the template nests too deep to parse", { cause: error });
    }
    throw new InvalidTemplateError(`jinja2 syntax error: ${errorMessage(error)}`, { cause: error });
  }
  const depth = treeDepth(program);
  checkDepth(depth, limits);
  const iterables = new WeakSet<object>();
  collectIterables(program, iterables);
  compiled = { program, variables: collectVariables(program), iterables, depth };
  compiledTexts.set(text, compiled);
  return compiled;
}

export function listJinjaVariables(text: string, limits?: RenderLimits): JinjaVariables {
  return compileJinja(text, limits).variables;
}

// ---- runtime values ----------------------------------------------------------

type ValueConstructor = new (value: unknown) => RuntimeValue;

/** The engine does not export its value classes; take them from values it makes. */
const valueClasses = (() => {
  const environment = new Environment();
  const interpreter = new Interpreter(environment);
  const sample = (source: string) => {
    const program = parse(tokenize(source, {}));
    return interpreter.evaluate(program.body[0], environment);
  };
  const classOf = (source: string) => (sample(source) as unknown as { constructor: ValueConstructor }).constructor;
  return {
    ArrayValue: classOf("{{ [] }}"),
    StringValue: classOf("{{ '' }}"),
    IntegerValue: classOf("{{ 1 }}"),
    FloatValue: classOf("{{ 1.5 }}"),
  };
})();

const string = (text: string) => new valueClasses.StringValue(text);

/** Python `repr()` of an engine value, as jinja2 prints lists and dicts. */
function runtimeRepr(value: RuntimeValue): string {
  switch (value.type) {
    case "StringValue":
      return pythonStringRepr(value.value as string);
    case "IntegerValue":
      return String(value.value);
    case "FloatValue":
      return pythonFloatRepr(value.value as number);
    case "BooleanValue":
      return value.value ? "True" : "False";
    case "NullValue":
      return "None";
    case "UndefinedValue":
      return "Undefined";
    case "ArrayValue":
      return `[${(value.value as RuntimeValue[]).map(runtimeRepr).join(", ")}]`;
    case "TupleValue": {
      const items = (value.value as RuntimeValue[]).map(runtimeRepr);
      return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
    }
    case "ObjectValue":
    case "KeywordArgumentsValue":
    case "NamespaceValue": {
      const entries = [...(value.value as Map<string, RuntimeValue>)].map(
        ([key, item]) => `${pythonStringRepr(key)}: ${runtimeRepr(item)}`,
      );
      return `{${entries.join(", ")}}`;
    }
    default:
      return "<function>";
  }
}

/** Python `str()` of an engine value, as `{{ value }}` prints it. */
function runtimeStr(value: RuntimeValue): string {
  switch (value.type) {
    case "StringValue":
      return value.value as string;
    // PromptLayer renders None as "" (jinja2 itself would print "None").
    case "NullValue":
    case "UndefinedValue":
      return "";
    default:
      return runtimeRepr(value);
  }
}

function jsonString(text: string): string {
  let out = '"';
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const char = text[index] as string;
    if (char === '"') out += '\\"';
    else if (char === "\\") out += "\\\\";
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (char === "\b") out += "\\b";
    else if (char === "\f") out += "\\f";
    // ensure_ascii, plus jinja2's HTML-safe escapes of < > & '.
    else if (code < 0x20 || code > 0x7e || "<>&'".includes(char)) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += char;
  }
  return out + '"';
}

/** jinja2's `tojson`: `json.dumps(value, sort_keys=True, indent=indent)`, then HTML-safe. */
function runtimeJson(value: RuntimeValue, indent: number | undefined, depth = 0): string {
  const newline = indent === undefined ? "" : "\n" + " ".repeat(indent * (depth + 1));
  const closing = indent === undefined ? "" : "\n" + " ".repeat(indent * depth);
  const itemSeparator = indent === undefined ? ", " : ",";
  switch (value.type) {
    case "StringValue":
      return jsonString(value.value as string);
    case "IntegerValue":
      return String(value.value);
    case "FloatValue": {
      const number = value.value as number;
      return Number.isFinite(number) ? pythonFloatRepr(number) : Number.isNaN(number) ? "NaN" : number > 0 ? "Infinity" : "-Infinity";
    }
    case "BooleanValue":
      return value.value ? "true" : "false";
    case "NullValue":
    case "UndefinedValue":
      return "null";
    case "ArrayValue":
    case "TupleValue": {
      const items = (value.value as RuntimeValue[]).map((item) => runtimeJson(item, indent, depth + 1));
      return items.length === 0 ? "[]" : `[${newline}${items.join(itemSeparator + newline)}${closing}]`;
    }
    case "ObjectValue":
    case "KeywordArgumentsValue":
    case "NamespaceValue": {
      const entries = [...(value.value as Map<string, RuntimeValue>)]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, item]) => `${jsonString(key)}: ${runtimeJson(item, indent, depth + 1)}`);
      return entries.length === 0 ? "{}" : `{${newline}${entries.join(itemSeparator + newline)}${closing}}`;
    }
    default:
      throw new Error(`Object of type ${value.type} is not JSON serializable`);
  }
}

// ---- the sandboxed interpreter -------------------------------------------

/**
 * The budget of the render in progress. Rendering is synchronous, so one slot
 * is enough; `range()` and the guarded string methods below read it. Outside
 * a render it is undefined and they behave as the engine's.
 */
let activeBudget: RenderBudget | undefined;

function hideFunctionSource(value: RuntimeValue): void {
  const fn = value.value;
  if (typeof fn === "function" && !Object.prototype.hasOwnProperty.call(fn, "toString")) {
    Object.defineProperty(fn, "toString", { value: () => "<function>" });
  }
}

interface FilterNode {
  type: string;
  value?: string;
  callee?: { type: string; value?: string };
  args?: unknown[];
}

type ApplyFilter = (operand: RuntimeValue, filter: FilterNode, environment: Environment) => RuntimeValue;

/**
 * A node standing for a value already evaluated: a guard evaluates the
 * operands once, checks what the operation would build, then hands them to
 * the engine's own implementation in these nodes.
 */
const valueNodeType = "PromptlineEvaluatedValue";
const valueNode = (value: RuntimeValue): AstNode => ({ type: valueNodeType, value });

/**
 * How a node's string or list result is checked, by node type (one lookup per
 * evaluation: this is the interpreter's hot path):
 * - `lookup`: only looks a value up (a big input variable read is not a string the template built);
 * - `output`: a statement, whose string is output (`maxOutputLength`), not a value an expression built;
 * - `build`: a new value, also counted against the growth of the whole render (`maxBuiltLength`);
 * - anything else: checked against the string and list limits only.
 */
const lookup = 1;
const output = 2;
const build = 3;
const resultChecks: Record<string, number | undefined> = Object.assign(Object.create(null) as Record<string, number>, {
  Identifier: lookup,
  MemberExpression: lookup,
  StringLiteral: lookup,
  IntegerLiteral: lookup,
  FloatLiteral: lookup,
  [valueNodeType]: lookup,
  Program: output,
  If: output,
  For: output,
  Set: output,
  Macro: output,
  CallStatement: output,
  BinaryExpression: build,
  FilterExpression: build,
  CallExpression: build,
  FilterStatement: build,
});

const isList = (value: RuntimeValue) => value.type === "ArrayValue" || value.type === "TupleValue";
const isMapping = (value: RuntimeValue) =>
  value.type === "ObjectValue" || value.type === "KeywordArgumentsValue" || value.type === "NamespaceValue";

/**
 * About how many characters `value` prints as (str, repr, JSON, join; each
 * item of a list or dict `perItem` more, for tojson's indent), walked without
 * recursion and given up once over `cap`: a size to check before building.
 */
function printedSize(value: RuntimeValue, cap: number, indent = 0): number {
  if (value.type === "StringValue") return (value.value as string).length;
  let size = 0;
  const stack: Iterator<RuntimeValue>[] = [];
  const add = (item: RuntimeValue) => {
    const perItem = 2 + (indent === 0 ? 0 : 1 + indent * (stack.length + 1));
    if (item.type === "StringValue") size += (item.value as string).length + 2;
    else if (isList(item)) {
      const items = item.value as RuntimeValue[];
      size += 2 + perItem * items.length;
      stack.push(items[Symbol.iterator]());
    } else if (isMapping(item)) {
      const entries = item.value as Map<string, RuntimeValue>;
      size += 2 + (perItem + 2) * entries.size;
      for (const key of entries.keys()) size += key.length + 2;
      stack.push(entries.values());
    } else size += 24;
  };
  add(value);
  while (stack.length > 0 && size <= cap) {
    const next = (stack[stack.length - 1] as Iterator<RuntimeValue>).next();
    if (next.done) stack.pop();
    else add(next.value);
  }
  return size;
}

/** How often `part` occurs in `text`, counting no further than `cap + 1`. */
function countOccurrences(text: string, part: string, cap: number): number {
  let count = 0;
  for (let index = text.indexOf(part); index >= 0 && count <= cap; index = text.indexOf(part, index + part.length)) count++;
  return count;
}

/** The number of items `text.split(sep, maxsplit)` will make (at most `cap + 1`), counted before splitting. */
function splitCount(text: string, args: RuntimeValue[], cap: number): number {
  const [sep, maxsplit] = args;
  let count: number;
  if (sep?.type === "StringValue" && sep.value !== "") count = countOccurrences(text, sep.value as string, cap) + 1;
  else {
    count = 0;
    const words = /\S+/g;
    while (count <= cap && words.exec(text)) count++;
  }
  if (maxsplit?.type === "IntegerValue" && (maxsplit.value as number) >= 0) count = Math.min(count, (maxsplit.value as number) + 1);
  return count;
}

/** The length `text.replace(old, new, count)` will have (or more than `cap`), computed before replacing. */
function replacedLength(text: string, args: RuntimeValue[], cap: number): number {
  const [old, replacement, third] = args;
  if (old?.type !== "StringValue" || replacement?.type !== "StringValue") return text.length;
  const growth = (replacement.value as string).length - (old.value as string).length;
  if (growth <= 0) return text.length;
  const countValue = third?.type === "KeywordArgumentsValue" ? (third.value as Map<string, RuntimeValue>).get("count") : third;
  const most = countValue?.type === "IntegerValue" && (countValue.value as number) >= 0 ? (countValue.value as number) : Infinity;
  const needed = Math.ceil((cap - text.length) / growth) + 1;
  const found = old.value === "" ? text.length + 1 : countOccurrences(text, old.value as string, needed);
  return text.length + Math.min(found, most) * growth;
}

class SandboxedInterpreter extends Interpreter {
  constructor(
    environment: Environment,
    private readonly iterables: WeakSet<object>,
    readonly budget: RenderBudget,
  ) {
    super(environment);
  }

  override evaluate(statement: AstNode | undefined, environment: Environment): RuntimeValue {
    if (statement?.type === valueNodeType) return statement.value as RuntimeValue;
    this.budget.step();
    const result = super.evaluate(statement, environment);
    switch (result.type) {
      case "StringValue": {
        const check = resultChecks[statement?.type ?? ""];
        if (check === lookup) break;
        const length = (result.value as string).length;
        if (check === output) this.budget.checkOutput(length);
        else {
          this.budget.string(length);
          if (check === build) this.budget.build(length);
        }
        break;
      }
      case "ArrayValue":
      case "TupleValue": {
        const check = resultChecks[statement?.type ?? ""];
        if (check === lookup) break;
        const length = (result.value as unknown[]).length;
        this.budget.list(length);
        if (check === build) this.budget.build(length);
        break;
      }
      case "FunctionValue":
        hideFunctionSource(result);
        break;
      case "IntegerValue":
      case "FloatValue":
        if (!Number.isFinite(result.value as number) && isDivision(statement)) throw new Error("division by zero");
        break;
      case "UndefinedValue":
        if (statement && this.iterables.has(statement)) return new valueClasses.ArrayValue([]);
        break;
    }
    return result;
  }

  /** Checks the string `value` would print as, before it is built. */
  checkPrinted(value: RuntimeValue, indent = 0): void {
    if (value.type === "StringValue") this.budget.string((value.value as string).length);
    else this.budget.string(printedSize(value, this.budget.limits.maxStringLength, indent));
  }
}

function isDivision(statement: unknown): boolean {
  if (!isNode(statement) || statement.type !== "BinaryExpression") return false;
  const operator = (statement.operator as { value?: string } | undefined)?.value;
  return operator === "/" || operator === "//" || operator === "%";
}

type EvaluateNode = (node: AstNode, environment: Environment) => RuntimeValue;
const enginePrototype = Interpreter.prototype as unknown as {
  applyFilter: ApplyFilter;
  evaluateBinaryExpression: EvaluateNode;
  evaluateSliceExpression: (object: RuntimeValue, node: AstNode, environment: Environment) => RuntimeValue;
};
const sandboxPrototype = SandboxedInterpreter.prototype as unknown as {
  applyFilter: ApplyFilter;
  evaluateBlock: (statements: unknown[], environment: Environment) => RuntimeValue;
  evaluateBinaryExpression: EvaluateNode;
  evaluateSliceExpression: (object: RuntimeValue, node: AstNode, environment: Environment) => RuntimeValue;
};

/** Output as Python prints it (`True`, `None` → "", `[1, 'a']`), instead of the engine's JavaScript strings. */
sandboxPrototype.evaluateBlock = function evaluateBlock(this: SandboxedInterpreter, statements, environment) {
  this.budget.step();
  let out = "";
  for (const statement of statements) {
    const value = this.evaluate(statement as AstNode, environment);
    // A list or dict is printed as its repr: sized before it is built.
    if (value.type !== "StringValue") this.checkPrinted(value);
    const text = runtimeStr(value);
    // Output, not a built string: a big input variable prints (up to maxOutputLength).
    this.budget.checkOutput(out.length + text.length);
    // Nested blocks count again: bounds loops of big bodies.
    this.budget.build(text.length);
    out += text;
  }
  return string(out);
};

/** `~` and `+`: the size of the result is known from the operands, so it is checked before it is built. */
sandboxPrototype.evaluateBinaryExpression = function evaluateBinaryExpression(this: SandboxedInterpreter, node, environment) {
  const operator = (node.operator as { value?: string } | undefined)?.value;
  if (operator !== "~" && operator !== "+") return enginePrototype.evaluateBinaryExpression.call(this, node, environment);
  const left = this.evaluate(node.left as AstNode, environment);
  const right = this.evaluate(node.right as AstNode, environment);
  if (isList(left) && isList(right)) {
    this.budget.list((left.value as unknown[]).length + (right.value as unknown[]).length, `a list by ${operator}`);
  } else if (operator === "~" || left.type === "StringValue" || right.type === "StringValue") {
    const cap = this.budget.limits.maxStringLength;
    this.budget.string(printedSize(left, cap) + printedSize(right, cap), `a string by ${operator}`);
  }
  return enginePrototype.evaluateBinaryExpression.call(this, { ...node, left: valueNode(left), right: valueNode(right) }, environment);
};

/** The engine slices a string through an array of its characters: count that array as built. */
sandboxPrototype.evaluateSliceExpression = function evaluateSliceExpression(this: SandboxedInterpreter, object, node, environment) {
  if (object.type === "StringValue") this.budget.build((object.value as string).length);
  return enginePrototype.evaluateSliceExpression.call(this, object, node, environment);
};

/**
 * The engine's string methods that can build far more than they are given
 * (`split` a list of every character, `replace` a string times the
 * replacement) are sized before they run. The engine builds each string's
 * method table on first use; it is wrapped then, once. The guard reads the
 * active budget when called, so outside a render it only passes through.
 */
const FunctionValue = (new valueClasses.StringValue("") as unknown as { builtins: Map<string, { constructor: unknown }> }).builtins.get("upper")
  ?.constructor as new (fn: (args: RuntimeValue[], environment: Environment) => RuntimeValue) => RuntimeValue;
const engineStringBuiltins = Object.getOwnPropertyDescriptor(valueClasses.StringValue.prototype, "builtins")?.get;
const guardedMethodTables = new WeakSet<Map<string, RuntimeValue>>();

function guardStringMethods(text: string, methods: Map<string, RuntimeValue>): void {
  guardedMethodTables.add(methods);
  const split = methods.get("split");
  const replace = methods.get("replace");
  type Method = (args: RuntimeValue[], environment: Environment) => RuntimeValue;
  if (split) {
    methods.set(
      "split",
      new FunctionValue((args, environment) => {
        if (activeBudget) activeBudget.list(splitCount(text, args, activeBudget.limits.maxListLength), "a list by split()");
        return (split.value as Method)(args, environment);
      }),
    );
  }
  if (replace) {
    methods.set(
      "replace",
      new FunctionValue((args, environment) => {
        if (!activeBudget) return (replace.value as Method)(args, environment);
        const budget = activeBudget;
        const length = replacedLength(text, args, budget.limits.maxStringLength);
        budget.string(length, "a string by replace()");
        // The engine replaces through a callback per match: a replacement costs about a step.
        const old = args[0]?.type === "StringValue" ? (args[0].value as string) : undefined;
        if (old !== undefined) budget.work(old === "" ? text.length + 1 : countOccurrences(text, old, budget.limits.maxSteps));
        return (replace.value as Method)(args, environment);
      }),
    );
  }
}

if (!engineStringBuiltins || !FunctionValue) throw new Error("@huggingface/jinja changed: string methods can no longer be bounded");
Object.defineProperty(valueClasses.StringValue.prototype, "builtins", {
  configurable: true,
  get(this: RuntimeValue) {
    const methods = engineStringBuiltins.call(this) as Map<string, RuntimeValue>;
    if (!guardedMethodTables.has(methods)) guardStringMethods(this.value as string, methods);
    return methods;
  },
});

function filterNameOf(filter: FilterNode): string | undefined {
  return filter.type === "Identifier" ? filter.value : filter.callee?.value;
}

function renamed(filter: FilterNode, name: string): FilterNode {
  return filter.type === "Identifier" ? { ...filter, value: name } : { ...filter, callee: { type: "Identifier", value: name } };
}

/** jinja2 filters the engine lacks or gets differently; the rest go to the engine. */
sandboxPrototype.applyFilter = function applyFilter(this: SandboxedInterpreter, operand, filter, environment) {
  const name = filterNameOf(filter);
  const args = () =>
    (filter.args ?? []).filter((arg) => isNode(arg) && arg.type !== "KeywordArgumentExpression").map(
      (arg) => this.evaluate(arg as AstNode, environment),
    );
  const keyword = (key: string): RuntimeValue | undefined => {
    const node = (filter.args ?? []).find(
      (arg) => isNode(arg) && arg.type === "KeywordArgumentExpression" && isNode(arg.key) && arg.key.value === key,
    ) as AstNode | undefined;
    return node ? this.evaluate(node.value as AstNode, environment) : undefined;
  };
  const apply = (value: RuntimeValue, node: FilterNode) => enginePrototype.applyFilter.call(this, value, node, environment);

  const alias = name === "d" ? "default" : name === "count" ? "length" : undefined;
  if (alias) return sandboxPrototype.applyFilter.call(this, operand, renamed(filter, alias), environment);
  if (operand.type === "UndefinedValue" && name !== "default") {
    // ChainableUndefined: len() is 0, everything else stays undefined and prints "".
    return name === "length" ? new valueClasses.IntegerValue(0) : operand;
  }
  // Filters that can build far more than they are given are sized first.
  switch (name) {
    case "join":
      if (isList(operand)) {
        const items = operand.value as RuntimeValue[];
        const separator = keyword("d")?.value ?? args()[0]?.value;
        const cap = this.budget.limits.maxStringLength;
        let size = typeof separator === "string" ? separator.length * Math.max(0, items.length - 1) : 0;
        for (const item of items) if ((size += printedSize(item, cap)) > cap) break;
        this.budget.string(size, "a string by join");
      }
      break;
    case "indent":
      if (operand.type === "StringValue") {
        const width = keyword("width")?.value ?? args()[0]?.value;
        const text = operand.value as string;
        const cap = this.budget.limits.maxStringLength;
        const perLine = typeof width === "number" ? width : typeof width === "string" ? width.length : 4;
        this.budget.string(text.length + perLine * countOccurrences(text, "\n", cap), "a string by indent");
      }
      break;
    case "string":
      this.checkPrinted(operand);
      break;
    case "tojson": {
      const indent = keyword("indent")?.value ?? args()[0]?.value;
      this.checkPrinted(operand, typeof indent === "number" ? indent : 0);
      break;
    }
  }
  switch (name) {
    // jinja2's own title and capitalize lower-case the rest of each word; the engine's do not.
    case "title":
      if (operand.type !== "StringValue") break;
      return string(
        (operand.value as string)
          .split(/([-\s({[<]+)/)
          .map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase())
          .join(""),
      );
    case "capitalize":
      if (operand.type !== "StringValue") break;
      return string((operand.value as string).charAt(0).toUpperCase() + (operand.value as string).slice(1).toLowerCase());
    case "tojson": {
      const indent = keyword("indent") ?? args()[0];
      return string(runtimeJson(operand, typeof indent?.value === "number" ? indent.value : undefined));
    }
    case "string":
      return string(runtimeStr(operand));
    case "round": {
      if (operand.type !== "IntegerValue" && operand.type !== "FloatValue") break;
      const [precisionArg, methodArg] = args();
      const precision = Number(keyword("precision")?.value ?? precisionArg?.value ?? 0);
      const method = String(keyword("method")?.value ?? methodArg?.value ?? "common");
      const number = operand.value as number;
      const scale = 10 ** precision;
      const rounded =
        method === "ceil"
          ? Math.ceil(number * scale) / scale
          : method === "floor"
            ? Math.floor(number * scale) / scale
            : (number < 0 ? -1 : 1) * Number(pythonFixed(Math.abs(number), Math.max(0, precision)));
      return new valueClasses.FloatValue(rounded);
    }
    case "truncate": {
      if (operand.type !== "StringValue") break;
      const [lengthArg, killwordsArg, endArg, leewayArg] = args();
      const text = operand.value as string;
      const length = Number(keyword("length")?.value ?? lengthArg?.value ?? 255);
      const killwords = Boolean(keyword("killwords")?.value ?? killwordsArg?.value ?? false);
      const end = String(keyword("end")?.value ?? endArg?.value ?? "...");
      const leeway = Number(keyword("leeway")?.value ?? leewayArg?.value ?? 5);
      if (text.length <= length + leeway) return operand;
      const cut = text.slice(0, Math.max(0, length - end.length));
      if (killwords) return string(cut + end);
      const space = cut.lastIndexOf(" ");
      return string((space < 0 ? cut : cut.slice(0, space)) + end);
    }
    case "map": {
      // map('filter_name'): the engine only knows map(attribute=...).
      const [filterArg] = args();
      if (operand.type !== "ArrayValue" || filterArg?.type !== "StringValue") break;
      const inner: FilterNode = { type: "Identifier", value: filterArg.value as string };
      const mapped = (operand.value as RuntimeValue[]).map((item) => sandboxPrototype.applyFilter.call(this, item, inner, environment));
      return new valueClasses.ArrayValue(mapped);
    }
  }
  return apply(operand, filter);
};

// ---- render --------------------------------------------------------------

function pythonRange(...args: unknown[]): number[] {
  const numbers = args.filter((arg) => typeof arg === "number");
  if (numbers.length !== args.length || numbers.length === 0 || numbers.length > 3 || !numbers.every(Number.isInteger)) {
    throw new Error("range() takes one to three integer arguments");
  }
  const [start, stop, step = 1] = numbers.length === 1 ? [0, numbers[0] as number] : (numbers as [number, number, number?]);
  if (step === 0) throw new Error("range() arg 3 must not be zero");
  const length = Math.max(0, Math.ceil((stop - start) / step));
  const maxRangeLength = activeBudget?.limits.maxRangeLength ?? defaultRenderLimits.maxRangeLength;
  if (length > maxRangeLength) {
    throw new TemplateLimitError("maxRangeLength", maxRangeLength, `range() of ${length} items`);
  }
  return Array.from({ length }, (_, index) => start + index * step);
}

const constants: Record<string, unknown> = { true: true, false: false, none: null, True: true, False: false, None: null };

function jinjaValue(value: unknown): unknown {
  // The engine has no bigint (and JSON none either).
  return toPlainData(value, { bigintAsNumber: true });
}

/** Whether plain data holds a `PythonFloat` anywhere (the engine would see an object). */
function holdsPythonFloat(value: unknown, depth = 0): boolean {
  if (value instanceof PythonFloat) return true;
  if (value === null || typeof value !== "object" || depth > 64) return false;
  return Object.values(value).some((item) => holdsPythonFloat(item, depth + 1));
}

/** The plain data with each `PythonFloat` as its number, for the engine's own conversion. */
function withFloatsAsNumbers(value: unknown): unknown {
  if (value instanceof PythonFloat) return value.value;
  if (Array.isArray(value)) return value.map(withFloatsAsNumbers);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withFloatsAsNumbers(item)]));
}

/** Puts FloatValues back where the plain data had a `PythonFloat` (the engine made IntegerValues of them). */
function restoreFloats(plain: unknown, runtime: RuntimeValue): RuntimeValue {
  if (plain instanceof PythonFloat) return new valueClasses.FloatValue(plain.value);
  if (Array.isArray(plain)) {
    const items = runtime.value as RuntimeValue[];
    plain.forEach((item, index) => {
      if (items[index]) items[index] = restoreFloats(item, items[index]);
    });
  } else if (plain !== null && typeof plain === "object" && runtime.value instanceof Map) {
    const entries = runtime.value as Map<string, RuntimeValue>;
    for (const [key, item] of Object.entries(plain)) {
      const converted = entries.get(key);
      if (converted) entries.set(key, restoreFloats(item, converted));
    }
  }
  return runtime;
}

/** Sets a variable, floats that Python sent as `10.0` kept as floats. */
function setVariable(environment: Environment, name: string, value: unknown): void {
  const plain = jinjaValue(value);
  if (!holdsPythonFloat(plain)) {
    environment.set(name, plain);
    return;
  }
  environment.set(name, withFloatsAsNumbers(plain));
  environment.variables.set(name, restoreFloats(plain, environment.variables.get(name) as RuntimeValue));
}

/**
 * The outermost scope of every render: jinja2's constants and `range()`.
 * Shared, because the engine never writes to an enclosing scope (`set`,
 * macros and loops write to their own; only namespaces take attributes).
 */
const globalScope = (() => {
  const scope = new Environment();
  for (const [name, value] of Object.entries(constants)) scope.set(name, value);
  scope.set("range", pythonRange);
  // The engine finds an undefined name by throwing (and catching) an Error from its private
  // `resolve`, a stack trace per lookup; answering "here, undeclared" from the outermost scope
  // gives the same UndefinedValue without one. (Were `resolve` renamed, this would only cost time.)
  (scope as unknown as { resolve: (name: string) => Environment }).resolve = () => scope;
  return scope;
})();

/**
 * The variables as the engine's values, by the render they belong to (its
 * budget): a template's texts share one conversion instead of deep-copying
 * every variable for every text. Sharing is safe: the engine writes only to
 * the innermost scope, and the values it can mutate (namespaces) are made
 * inside a text, never passed in.
 */
const scopesByRender = new WeakMap<RenderBudget, { variables: Record<string, unknown>; scope: Environment }>();

function variablesScope(variables: Record<string, unknown>, budget: RenderBudget): Environment {
  const cached = scopesByRender.get(budget);
  if (cached?.variables === variables) return cached.scope;
  const scope = new Environment(globalScope);
  for (const [name, value] of Object.entries(variables)) {
    if (Object.prototype.hasOwnProperty.call(constants, name) || value === undefined) continue;
    scope.variables.delete(name);
    setVariable(scope, name, value);
  }
  scopesByRender.set(budget, { variables, scope });
  return scope;
}

/**
 * Renders a jinja2 template; undefined variables render as "" (check them
 * first for strict mode). Bounded by `budget` (shared with the other texts of
 * the same template); going over it is a `TemplateLimitError`.
 */
export function renderJinja(text: string, variables: Record<string, unknown>, budget: RenderBudget = new RenderBudget()): string {
  const compiled = compileJinja(text, budget.limits);
  // Each text gets its own scope (its `set`s stay in it) over the variables, converted once per template render.
  const environment = new Environment(variablesScope(variables, budget));
  const enclosing = activeBudget;
  activeBudget = budget;
  try {
    const result = new SandboxedInterpreter(environment, compiled.iterables, budget).run(compiled.program);
    return result.value as string;
  } catch (error) {
    if (error instanceof InvalidTemplateError) throw error;
    // Recursion (a macro calling itself) or nesting deeper than the stack.
    if (isStackOverflow(error)) throw budget.exceeded("maxNestingDepth", "the template recursed deeper than the interpreter's stack");
    if (error instanceof RangeError && /string length/i.test(error.message)) {
      throw budget.exceeded("maxStringLength", "the template built a string longer than JavaScript allows");
    }
    throw new InvalidTemplateError(`jinja2 render error: ${errorMessage(error)}`, { cause: error });
  } finally {
    activeBudget = enclosing;
  }
}
