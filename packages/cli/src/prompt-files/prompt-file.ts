import { promptTemplateSchema, templateMetadataSchema, type PromptTemplate, type TemplateMetadata } from "@promptline/core";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";

/**
 * A prompt file: one prompt, in the shape of the publish body of
 * `templates.publish`. Kept in git and published with `promptline push`.
 */
export interface PromptFile {
  prompt_name: string;
  prompt_template: PromptTemplate;
  metadata?: TemplateMetadata;
  tags?: string[];
  commit_message?: string;
  release_labels?: string[];
}

export type PromptFileFormat = "yaml" | "json";

/** A prompt file that can't be read as one: every problem, each with where it is. */
export class PromptFileError extends Error {
  constructor(
    readonly path: string,
    readonly problems: readonly string[],
  ) {
    super(`${path}: ${problems.join("; ")}`);
    this.name = "PromptFileError";
  }
}

const knownKeys = new Set(["prompt_name", "prompt_template", "metadata", "tags", "commit_message", "release_labels"]);

/** `.json` files are JSON; everything else is YAML (which also reads JSON). */
export function formatOfPath(path: string): PromptFileFormat {
  return path.toLowerCase().endsWith(".json") ? "json" : "yaml";
}

const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === "string" && item !== "");

function issuesOf(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }, prefix: string): string[] {
  return error.issues.map((issue) => `${[prefix, ...issue.path.map(String)].join(".")}: ${issue.message}`);
}

/**
 * Parses and validates a prompt file's text with the core schemas. Unknown
 * top-level keys are an error (a typo such as `release_label` would
 * otherwise be dropped without a word).
 */
export function parsePromptFile(text: string, path: string): PromptFile {
  let data: unknown;
  try {
    data = formatOfPath(path) === "json" ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new PromptFileError(path, [`not valid ${formatOfPath(path) === "json" ? "JSON" : "YAML"}: ${(error as Error).message.split("\n")[0]}`]);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new PromptFileError(path, ["expected one prompt: a mapping with prompt_name, prompt_template and metadata"]);
  }
  const record = data as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(record)) {
    if (!knownKeys.has(key)) problems.push(`unknown key "${key}" (a prompt file has ${[...knownKeys].join(", ")})`);
  }
  if (typeof record.prompt_name !== "string" || record.prompt_name.trim() === "") problems.push("prompt_name: a non-empty string is required");
  const template = promptTemplateSchema.safeParse(record.prompt_template);
  if (record.prompt_template === undefined) problems.push("prompt_template: required (type: chat with messages, or type: completion with content)");
  else if (!template.success) problems.push(...issuesOf(template.error, "prompt_template"));
  const metadata = record.metadata === undefined || record.metadata === null ? undefined : templateMetadataSchema.safeParse(record.metadata);
  if (metadata && !metadata.success) problems.push(...issuesOf(metadata.error, "metadata"));
  for (const key of ["tags", "release_labels"] as const) {
    if (record[key] !== undefined && record[key] !== null && !isStringList(record[key])) problems.push(`${key}: a list of non-empty strings`);
  }
  if (record.commit_message !== undefined && record.commit_message !== null && typeof record.commit_message !== "string") {
    problems.push("commit_message: a string");
  }
  if (problems.length > 0) throw new PromptFileError(path, problems);
  // The template is sent as written (the schemas add defaults that would make a pulled file differ from the stored version).
  const file: PromptFile = { prompt_name: record.prompt_name as string, prompt_template: record.prompt_template as PromptTemplate };
  if (record.metadata) file.metadata = record.metadata as TemplateMetadata;
  if (record.tags) file.tags = record.tags as string[];
  if (typeof record.commit_message === "string") file.commit_message = record.commit_message;
  if (record.release_labels) file.release_labels = record.release_labels as string[];
  return file;
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
