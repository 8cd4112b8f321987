/**
 * Template rendering, shared by the SDK (locally, on the hot path: synchronous
 * and cached) and the server: f-string with Python `str.format` rules, jinja2
 * through `@huggingface/jinja` (sandboxed, bounded), placeholders, media and
 * tool variables, and snippets.
 */
export { renderText, listTextVariables, listRequiredVariables, type RenderOptions } from "./render-text.js";
export { renderTemplate, listInputVariables } from "./render-template.js";
export {
  expandSnippets,
  listSnippets,
  listTextSnippets,
  type SnippetReference,
  type SnippetResolver,
  type ExpandSnippetsOptions,
} from "./snippets.js";
export { PythonFloat, parseJsonMarkingFloats, parseMarkedFloatsOnly } from "./python-float.js";
export { defaultRenderLimits, resolveRenderLimits, RenderBudget, type RenderLimits } from "./budget.js";
