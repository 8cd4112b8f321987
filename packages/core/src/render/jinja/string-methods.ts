import { activeBudget } from "./active-budget.js";
import { engineStringBuiltins, FunctionValue, valueClasses, type EngineFunction, type RuntimeValue } from "./engine.js";
import { countOccurrences, replacedLength, splitCount } from "./sizes.js";

/**
 * The engine's string methods that can build far more than they are given
 * (`split` a list of every character, `replace` a string times the
 * replacement) are sized before they run. The engine builds each string's
 * method table on first use; it is wrapped then, once. The guard reads the
 * active budget when called, so outside a render it only passes through.
 */
const guardedMethodTables = new WeakSet<Map<string, RuntimeValue>>();

function guardStringMethods(text: string, methods: Map<string, RuntimeValue>): void {
  guardedMethodTables.add(methods);
  const split = methods.get("split");
  const replace = methods.get("replace");
  if (split) {
    methods.set(
      "split",
      new FunctionValue((args, environment) => {
        const budget = activeBudget();
        if (budget) budget.list(splitCount(text, args, budget.limits.maxListLength), "a list by split()");
        return (split.value as EngineFunction)(args, environment);
      }),
    );
  }
  if (replace) {
    methods.set(
      "replace",
      new FunctionValue((args, environment) => {
        const budget = activeBudget();
        if (!budget) return (replace.value as EngineFunction)(args, environment);
        const length = replacedLength(text, args, budget.limits.maxStringLength);
        budget.string(length, "a string by replace()");
        // The engine replaces through a callback per match: a replacement costs about a step.
        const old = args[0]?.type === "StringValue" ? (args[0].value as string) : undefined;
        if (old !== undefined) budget.work(old === "" ? text.length + 1 : countOccurrences(text, old, budget.limits.maxSteps));
        return (replace.value as EngineFunction)(args, environment);
      }),
    );
  }
}

const engineBuiltins = engineStringBuiltins;
if (!engineBuiltins || !FunctionValue) throw new Error("@huggingface/jinja changed: string methods can no longer be bounded");
Object.defineProperty(valueClasses.StringValue.prototype, "builtins", {
  configurable: true,
  get(this: RuntimeValue) {
    const methods = engineBuiltins.call(this) as Map<string, RuntimeValue>;
    if (!guardedMethodTables.has(methods)) guardStringMethods(this.value as string, methods);
    return methods;
  },
});
