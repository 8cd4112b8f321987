import { InvalidTemplateError } from "../../errors/promptline-error.js";
import { RenderBudget } from "../budget.js";
import { withActiveBudget } from "./active-budget.js";
import { compileJinja, errorMessage, isStackOverflow } from "./compile.js";
import { Environment } from "./engine.js";
import { SandboxedInterpreter } from "./sandboxed-interpreter.js";
import { constants, globalScope, setVariable } from "./scope.js";

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
  try {
    return withActiveBudget(budget, () => new SandboxedInterpreter(environment, compiled.iterables, budget).run(compiled.program).value as string);
  } catch (error) {
    if (error instanceof InvalidTemplateError) throw error;
    // Recursion (a macro calling itself) or nesting deeper than the stack.
    if (isStackOverflow(error)) throw budget.exceeded("maxNestingDepth", "the template recursed deeper than the interpreter's stack");
    if (error instanceof RangeError && /string length/i.test(error.message)) {
      throw budget.exceeded("maxStringLength", "the template built a string longer than JavaScript allows");
    }
    throw new InvalidTemplateError(`jinja2 render error: ${errorMessage(error)}`, { cause: error });
  }
}
