import { parsePromptFileText, validatePromptFile, type PromptFile, type PromptFileFormat } from "promptline";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";

// Reading a prompt file is the SDK's (one reader for `push` and for `loadPromptFiles`); writing one is here.
export { formatOfPath, PromptFileError, type PromptFile, type PromptFileFormat } from "promptline";

/** Parses and validates a prompt file's text: JSON for `.json`, YAML otherwise; unknown keys are an error. */
export function parsePromptFile(text: string, path: string): PromptFile {
  return validatePromptFile(parsePromptFileText(text, path, parseYaml), path);
}

/** A prompt file's text, keys in the file's usual order. */
export function serializePromptFile(file: PromptFile, format: PromptFileFormat): string {
  const ordered: Record<string, unknown> = { prompt_name: file.prompt_name };
  if (file.commit_message) ordered.commit_message = file.commit_message;
  if (file.tags && file.tags.length > 0) ordered.tags = file.tags;
  if (file.release_labels && file.release_labels.length > 0) ordered.release_labels = file.release_labels;
  if (file.metadata) ordered.metadata = file.metadata;
  ordered.prompt_template = file.prompt_template;
  return format === "json" ? `${JSON.stringify(ordered, null, 2)}\n` : stringifyYaml(ordered, { lineWidth: 0 });
}

/** What a push changes in a version: the template and the model settings (labels, tags and messages aside). */
export function versionContentYaml(content: { prompt_template: unknown; metadata?: unknown }): string {
  return stringifyYaml({ metadata: content.metadata ?? {}, prompt_template: content.prompt_template }, { lineWidth: 0 });
}

/** A file name for a prompt name: `/` and other unsafe characters become `_`. */
export function promptFileName(promptName: string, format: PromptFileFormat = "yaml"): string {
  const safe = promptName.replace(/[^\w.-]+/g, "_").replace(/^\.+/, "_") || "_";
  return `${safe}.${format === "json" ? "json" : "yaml"}`;
}
