/**
 * One text in one template format: the entry point both formats share, and
 * where the strict/compatible rule for missing variables lives.
 */
import { MissingVariablesError } from "../errors/promptline-error.js";
import type { TemplateFormat } from "../schemas/message.js";
import { RenderBudget, type RenderLimits } from "./budget.js";
import { fStringVariables, renderFString } from "./fstring.js";
import { listJinjaVariables, renderJinja } from "./jinja/index.js";
import { hasVariable } from "./plain-data.js";

export interface RenderOptions {
  /**
   * `strict` (default): a variable the template needs but `variables` lacks is
   * an error, `MissingVariablesError`, listing every missing name at once.
   * `compatible`: missing variables render as "" (jinja2: ChainableUndefined),
   * as PromptLayer's server does.
   */
  mode?: "strict" | "compatible";
  /**
   * Limits of this render (output size, string and list lengths, growth,
   * steps, wall time, nesting, format widths, snippet expansion): the
   * defaults of `defaultRenderLimits` with these replaced. Going over one is a
   * `TemplateLimitError`.
   */
  limits?: Partial<RenderLimits> | undefined;
}

/** Every input variable `text` uses, in order of first appearance. */
export function listTextVariables(text: string, format: TemplateFormat): string[] {
  return [...(format === "jinja2" ? listJinjaVariables(text).all : fStringVariables(text))];
}

/**
 * The variables `text` cannot render without. For jinja2, a variable used only
 * behind a `default` filter or an `is defined` test is optional.
 */
export function listRequiredVariables(text: string, format: TemplateFormat): string[] {
  return [...requiredTextVariables(text, format)];
}

/** `listRequiredVariables` without the copy: the parse cache's own list, for callers that only read it. */
export function requiredTextVariables(text: string, format: TemplateFormat, limits?: RenderLimits): readonly string[] {
  return format === "jinja2" ? listJinjaVariables(text, limits).required : fStringVariables(text);
}

export function missingVariables(names: readonly string[], variables: Record<string, unknown>): string[] {
  return names.filter((name) => !hasVariable(variables, name));
}

/**
 * Strict mode's rule, for a text and a whole template alike: when `options`
 * ask for strict (the default), throws one `MissingVariablesError` listing
 * every missing name. The names are only listed in strict mode.
 */
export function checkStrictMode(options: RenderOptions, listMissing: () => string[]): void {
  if ((options.mode ?? "strict") !== "strict") return;
  const missing = listMissing();
  if (missing.length > 0) throw new MissingVariablesError(missing);
}

/** Renders one text; renders `""` for `null` values in either mode. */
export function renderText(
  text: string,
  format: TemplateFormat,
  variables: Record<string, unknown>,
  options: RenderOptions = {},
): string {
  const budget = new RenderBudget(options.limits);
  checkStrictMode(options, () => missingVariables(requiredTextVariables(text, format, budget.limits), variables));
  return renderCheckedText(text, format, variables, budget);
}

/**
 * Renders one text whose variables were already checked (or need not be):
 * missing ones render as "". Counts against `budget`, which the texts of one
 * template share.
 */
export function renderCheckedText(
  text: string,
  format: TemplateFormat,
  variables: Record<string, unknown>,
  budget: RenderBudget = new RenderBudget(),
): string {
  const rendered = format === "jinja2" ? renderJinja(text, variables, budget) : renderFString(text, variables, budget);
  budget.addOutput(rendered.length);
  return rendered;
}
