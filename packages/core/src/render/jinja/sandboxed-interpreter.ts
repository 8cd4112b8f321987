import type { RenderBudget } from "../budget.js";
import {
  Interpreter,
  enginePrototype,
  isNode,
  string,
  valueClasses,
  type ApplyFilter,
  type AstNode,
  type Environment,
  type EvaluateBlock,
  type EvaluateNode,
  type EvaluateSlice,
  type RuntimeValue,
} from "./engine.js";
import { applyJinjaFilter } from "./filters.js";
import { runtimeStr } from "./python-output.js";
import { isList, printedSize } from "./sizes.js";
// Bounds the engine's string methods (split, replace) for every render.
import "./string-methods.js";

function hideFunctionSource(value: RuntimeValue): void {
  const fn = value.value;
  if (typeof fn === "function" && !Object.prototype.hasOwnProperty.call(fn, "toString")) {
    Object.defineProperty(fn, "toString", { value: () => "<function>" });
  }
}

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

export class SandboxedInterpreter extends Interpreter {
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
const sandboxPrototype = SandboxedInterpreter.prototype as unknown as {
  applyFilter: ApplyFilter;
  evaluateBlock: EvaluateBlock;
  evaluateBinaryExpression: EvaluateNode;
  evaluateSliceExpression: EvaluateSlice;
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

sandboxPrototype.applyFilter = applyJinjaFilter;
