import { InvalidTemplateError } from "../../errors/promptline-error.js";
import type { PromptTemplate } from "../../schemas/template.js";
import { joinText } from "../shared/content.js";
import { unexpandedMediaVariable } from "../shared/template-errors.js";

/**
 * A rendered completion template → the `prompt` string of the legacy
 * Completions API (its text blocks, joined). Chat templates have no prompt:
 * they belong to the Chat Completions API.
 */
export function convertToOpenAICompletionsPrompt(template: PromptTemplate): string {
  if (template.type !== "completion") {
    throw new InvalidTemplateError(
      'the Completions API takes a completion template; this is a chat template (set api_type to "chat-completions").',
    );
  }
  const unsupported = template.content.find((block) => block.type !== "text");
  if (unsupported?.type === "media_variable") {
    throw unexpandedMediaVariable(unsupported.name);
  }
  if (unsupported) throw new InvalidTemplateError(`the Completions API takes text only, not "${unsupported.type}" content.`);
  return joinText(template.content);
}
