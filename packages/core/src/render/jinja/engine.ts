/**
 * The one module that reaches into `@huggingface/jinja` (pinned exactly in
 * package.json). Everything the sandbox relies on beyond the engine's public
 * API is named here, and `engine-internals.test.ts` checks each of these
 * names and shapes against the installed engine:
 *
 * - `Interpreter.prototype`: `evaluate` (public), and the private
 *   `evaluateBlock`, `applyFilter`, `evaluateBinaryExpression`,
 *   `evaluateSliceExpression`, which `sandboxed-interpreter.ts` replaces on
 *   its subclass's prototype only;
 * - `Environment`: `variables` (a Map), `set`, and the private `resolve`
 *   (answered directly by the outermost scope, `scope.ts`);
 * - the value classes (not exported; taken from values the engine makes),
 *   their `type` names, and the `builtins` getter of `StringValue`
 *   (wrapped by `string-methods.ts`);
 * - the syntax-tree node shapes walked by `variables.ts` and `compile.ts`.
 */
import * as engine from "@huggingface/jinja";

/** The part of the engine's runtime values we rely on (its classes are not exported). */
export interface RuntimeValue {
  type: string;
  value: unknown;
  __bool__(): { value: boolean };
}

export interface AstNode {
  type: string;
  [key: string]: unknown;
}

export interface Program extends AstNode {
  type: "Program";
  body: AstNode[];
}

/*
 * The engine's declaration files import their siblings without extensions,
 * which NodeNext resolution cannot follow; so its classes are typed here, by
 * the part of them we use.
 */
export interface Environment {
  variables: Map<string, unknown>;
  set(name: string, value: unknown): unknown;
}
export interface Interpreter {
  evaluate(statement: AstNode | undefined, environment: Environment): RuntimeValue;
  run(program: Program): RuntimeValue;
}
export const Environment = engine.Environment as new (parent?: Environment) => Environment;
export const Interpreter = engine.Interpreter as new (environment?: Environment) => Interpreter;
export const tokenize = engine.tokenize as (source: string, options: { lstrip_blocks?: boolean; trim_blocks?: boolean }) => unknown[];
export const parse = engine.parse as (tokens: unknown[]) => Program;

export function isNode(value: unknown): value is AstNode {
  return typeof value === "object" && value !== null && typeof (value as AstNode).type === "string";
}

type ValueConstructor = new (value: unknown) => RuntimeValue;

/** The engine does not export its value classes; take them from values it makes. */
export const valueClasses = (() => {
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

export const string = (text: string) => new valueClasses.StringValue(text);

/** A jinja2 method or function as the engine calls it. */
export type EngineFunction = (args: RuntimeValue[], environment: Environment) => RuntimeValue;

/** The engine's function values (the class of a string method), and `StringValue`'s own method-table getter. */
export const FunctionValue = (new valueClasses.StringValue("") as unknown as { builtins: Map<string, { constructor: unknown }> }).builtins.get("upper")
  ?.constructor as new (fn: EngineFunction) => RuntimeValue;
export const engineStringBuiltins = Object.getOwnPropertyDescriptor(valueClasses.StringValue.prototype, "builtins")?.get;

/** A filter as the engine's parser writes it: a name, or a call of one with arguments. */
export interface FilterNode {
  type: string;
  value?: string;
  callee?: { type: string; value?: string };
  args?: unknown[];
}

export type ApplyFilter = (operand: RuntimeValue, filter: FilterNode, environment: Environment) => RuntimeValue;
export type EvaluateNode = (node: AstNode, environment: Environment) => RuntimeValue;
export type EvaluateBlock = (statements: unknown[], environment: Environment) => RuntimeValue;
export type EvaluateSlice = (object: RuntimeValue, node: AstNode, environment: Environment) => RuntimeValue;

/** The engine's private evaluation steps the sandbox wraps (each called through from the wrapper). */
export const enginePrototype = Interpreter.prototype as unknown as {
  applyFilter: ApplyFilter;
  evaluateBinaryExpression: EvaluateNode;
  evaluateSliceExpression: EvaluateSlice;
};
