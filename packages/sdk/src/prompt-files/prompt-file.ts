import { promptTemplateSchema, templateMetadataSchema, type PromptTemplate, type TemplateMetadata } from "@promptline/core/schemas";

/**
 * A prompt file: one prompt, in the shape of the publish body of
 * `templates.publish`. Kept in git, published with `promptline push`, read
 * back by `loadPromptFiles` as fallbacks. One reading for both (decision 0015).
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

/** The text of a JSON or YAML file as data, or a `PromptFileError` saying it is neither. */
export function parsePromptFileText(text: string, path: string, parseYaml: (text: string) => unknown): unknown {
  try {
    return formatOfPath(path) === "json" ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new PromptFileError(path, [`not valid ${formatOfPath(path) === "json" ? "JSON" : "YAML"}: ${(error as Error).message.split("\n")[0]}`]);
  }
}

/**
 * Validates a prompt file's data with the core schemas. Unknown top-level
 * keys are an error (a typo such as `release_label` would otherwise be
 * dropped without a word); every problem is listed, each with its place.
 */
export function validatePromptFile(data: unknown, path: string): PromptFile {
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
  // The template is kept as written (the schemas add defaults that would make a pulled file differ from the stored version).
  const file: PromptFile = { prompt_name: record.prompt_name as string, prompt_template: record.prompt_template as PromptTemplate };
  if (record.metadata) file.metadata = record.metadata as TemplateMetadata;
  if (record.tags) file.tags = record.tags as string[];
  if (typeof record.commit_message === "string") file.commit_message = record.commit_message;
  if (record.release_labels) file.release_labels = record.release_labels as string[];
  return file;
}

const promptFilePattern = /\.(ya?ml|json)$/i;

/**
 * The prompt files under a path: the file itself, or every `.yaml`, `.yml`
 * and `.json` file in a folder and its subfolders (hidden folders and
 * `node_modules` skipped), sorted for a stable order. `node:fs` loads only
 * when this is called.
 */
export async function findPromptFiles(path: string): Promise<string[]> {
  const [{ readdir, stat }, { join }] = await Promise.all([import("node:fs/promises"), import("node:path")]);
  const walk = async (at: string): Promise<string[]> => {
    let info;
    try {
      info = await stat(at);
    } catch {
      throw new PromptFileError(at, ["no such file or folder"]);
    }
    if (info.isFile()) return [at];
    const found: string[] = [];
    for (const entry of await readdir(at, { withFileTypes: true })) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const child = join(at, entry.name);
      if (entry.isDirectory()) found.push(...(await walk(child)));
      else if (entry.isFile() && promptFilePattern.test(entry.name)) found.push(child);
    }
    return found.sort();
  };
  return walk(path);
}

/** Reads and validates one prompt file (`parseYaml` from the `yaml` package, passed in so it loads only where files are read). */
export async function readPromptFile(path: string, parseYaml: (text: string) => unknown): Promise<PromptFile> {
  const { readFile } = await import("node:fs/promises");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new PromptFileError(path, [`cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
  return validatePromptFile(parsePromptFileText(text, path, parseYaml), path);
}
