/**
 * The errors every codec raises for a template it was given too early: one
 * wording whichever provider the request is for.
 */
import { InvalidTemplateError } from "../../errors/promptline-error.js";

/** A placeholder message reached a codec: the template must be rendered with its input variables first. */
export function unexpandedPlaceholder(name: string, location: string): InvalidTemplateError {
  return new InvalidTemplateError(`placeholder message "${name}" was not expanded: render the template with its input variables first.`, { location });
}

/** A media variable reached a codec: the template must be rendered first. */
export function unexpandedMediaVariable(name: string, location?: string): InvalidTemplateError {
  const message = `media variable "${name}" was not expanded: render the template first.`;
  return location === undefined ? new InvalidTemplateError(message) : new InvalidTemplateError(message, { location });
}
