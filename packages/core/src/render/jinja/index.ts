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
 * One concern per module: `engine.ts` names every engine internal relied on;
 * `variables.ts` free variables; `compile.ts` parsing, depth and the compile
 * cache; `scope.ts` globals and input variables; `sandboxed-interpreter.ts`
 * the budgeted evaluation; `filters.ts` jinja2's filters; `string-methods.ts`
 * bounded `split`/`replace`; `python-output.ts` str/repr/tojson; `sizes.ts`
 * sizes checked before building; `render.ts` one render and its errors.
 */
export { compileJinja, listJinjaVariables, type CompiledJinja } from "./compile.js";
export { renderJinja } from "./render.js";
export type { JinjaVariables } from "./variables.js";
