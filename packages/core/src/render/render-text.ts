/**
 * One text in one template format: the entry point both formats share, and
 * where the strict/compatible rule for missing variables lives.
 */
import { MissingVariablesError } from "../errors/promptline-error.js";
import type { TemplateFormat } from "../schemas/message.js";
import { fStringVariables, renderFString } from "./fstring.js";
import { listJinjaVariables, renderJinja } from "./jinja.js";
import { hasVariable } from "./plain-data.js";

export interface RenderOptions {
  /**
   * `strict` (default): a variable the template needs but `variables` lacks is
   * an error, `MissingVariablesError`, listing every missing name at once.
   * `compatible`: missing variables render as "" (jinja2: ChainableUndefined),
   * as PromptLayer's server does.
   */
  mode?: "strict" | "compatible";
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
export function requiredTextVariables(text: string, format: TemplateFormat): readonly string[] {
  return format === "jinja2" ? listJinjaVariables(text).required : fStringVariables(text);
}

export function missingVariables(names: readonly string[], variables: Record<string, unknown>): string[] {
  return names.filter((name) => !hasVariable(variables, name));
}

/** Renders one text; renders `""` for `null` values in either mode. */
export function renderText(
  text: string,
  format: TemplateFormat,
  variables: Record<string, unknown>,
  options: RenderOptions = {},
): string {
  if ((options.mode ?? "strict") === "strict") {
    const missing = missingVariables(requiredTextVariables(text, format), variables);
    if (missing.length > 0) throw new MissingVariablesError(missing);
  }
  return renderCheckedText(text, format, variables);
}

/** Renders one text whose variables were already checked (or need not be): missing ones render as "". */
export function renderCheckedText(text: string, format: TemplateFormat, variables: Record<string, unknown>): string {
  return format === "jinja2" ? renderJinja(text, variables) : renderFString(text, variables);
}
