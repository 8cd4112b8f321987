import { InvalidRequestError, unrunnableModelReasons, type PromptTemplate, type TemplateMetadata } from "@promptline/core";

/**
 * Refuses (400) a version that could never run: an unknown provider, no
 * model name, a provider/model the codecs can't build (both publish routes).
 * `metadata.model.api_key_env` is checked by its schema before this.
 */
export function assertRunnable(template: PromptTemplate, metadata: TemplateMetadata | null | undefined): void {
  const reasons = unrunnableModelReasons(metadata?.model, template.type);
  if (reasons.length > 0) throw new InvalidRequestError(`This version could never run: ${reasons.join(" ")}`, reasons);
}
