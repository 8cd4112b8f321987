import { TemplateLimitError } from "../../errors/promptline-error.js";
import { defaultRenderLimits } from "../budget.js";
import { toPlainData } from "../plain-data.js";
import { PythonFloat } from "../python-float.js";
import { activeBudget } from "./active-budget.js";
import { Environment, valueClasses, type RuntimeValue } from "./engine.js";

// The scopes of a render: jinja2's globals, and the caller's variables entering as plain data.

function pythonRange(...args: unknown[]): number[] {
  const numbers = args.filter((arg) => typeof arg === "number");
  if (numbers.length !== args.length || numbers.length === 0 || numbers.length > 3 || !numbers.every(Number.isInteger)) {
    throw new Error("range() takes one to three integer arguments");
  }
  const [start, stop, step = 1] = numbers.length === 1 ? [0, numbers[0] as number] : (numbers as [number, number, number?]);
  if (step === 0) throw new Error("range() arg 3 must not be zero");
  const length = Math.max(0, Math.ceil((stop - start) / step));
  const maxRangeLength = activeBudget()?.limits.maxRangeLength ?? defaultRenderLimits.maxRangeLength;
  if (length > maxRangeLength) {
    throw new TemplateLimitError("maxRangeLength", maxRangeLength, `range() of ${length} items`);
  }
  return Array.from({ length }, (_, index) => start + index * step);
}

export const constants: Record<string, unknown> = { true: true, false: false, none: null, True: true, False: false, None: null };

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
export function setVariable(environment: Environment, name: string, value: unknown): void {
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
export const globalScope = (() => {
  const scope = new Environment();
  for (const [name, value] of Object.entries(constants)) scope.set(name, value);
  scope.set("range", pythonRange);
  // The engine finds an undefined name by throwing (and catching) an Error from its private
  // `resolve`, a stack trace per lookup; answering "here, undeclared" from the outermost scope
  // gives the same UndefinedValue without one. (Were `resolve` renamed, this would only cost time.)
  (scope as unknown as { resolve: (name: string) => Environment }).resolve = () => scope;
  return scope;
})();
