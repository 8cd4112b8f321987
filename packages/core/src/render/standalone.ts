/**
 * `@promptline/core/render`: the template renderer, its variable listing and its errors alone,
 * without the provider codecs and the rest of core, for a process or thread
 * that only renders (the server's render workers load less at start-up).
 */
export { listInputVariables, renderTemplate } from "./render-template.js";
export { listTextVariables } from "./render-text.js";
export { PythonFloat } from "./python-float.js";
export { defaultRenderLimits, resolveRenderLimits, RenderBudget, type RenderLimits } from "./budget.js";
export { InvalidTemplateError, MissingVariablesError, TemplateLimitError } from "../errors/promptline-error.js";
export type { PromptTemplate } from "../schemas/template.js";
