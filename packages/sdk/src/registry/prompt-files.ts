import { InvalidTemplateError } from "@promptline/core/errors";
import type { FallbackPrompt } from "../client.js";

const promptFileExtensions = [".json", ".yaml", ".yml"];

/**
 * Reads prompt files (the publish body of `promptline push`/`pull`:
 * `prompt_name`, `prompt_template`, `metadata`, …) from files or folders, for
 * fallbacks on a cold start with no registry. YAML or JSON, one prompt per
 * file; folders are read recursively. `node:fs` and the YAML parser load only
 * when this is called, so the SDK itself stays free of them.
 *
 * @example
 * const client = new Promptline({ fallbackPrompts: await loadPromptFiles("./prompts") });
 */
export async function loadPromptFiles(paths: string | readonly string[]): Promise<FallbackPrompt[]> {
  const { readFile, readdir, stat } = await import("node:fs/promises");
  const { join, extname } = await import("node:path");
  const files: string[] = [];
  const collect = async (path: string): Promise<void> => {
    if ((await stat(path)).isDirectory()) {
      for (const entry of (await readdir(path)).sort()) await collect(join(path, entry));
    } else if (promptFileExtensions.includes(extname(path).toLowerCase())) {
      files.push(path);
    }
  };
  for (const path of typeof paths === "string" ? [paths] : paths) await collect(path);
  const prompts: FallbackPrompt[] = [];
  for (const file of files) {
    const text = await readFile(file, "utf8");
    let value: unknown;
    try {
      value = extname(file).toLowerCase() === ".json" ? JSON.parse(text) : (await import("yaml")).parse(text);
    } catch (error) {
      throw new InvalidTemplateError(`${file} is not valid ${extname(file).slice(1).toUpperCase()}: ${(error as Error).message}`);
    }
    const prompt = value as Partial<FallbackPrompt> | null;
    if (!prompt || typeof prompt.prompt_name !== "string" || !prompt.prompt_template || !prompt.metadata) {
      throw new InvalidTemplateError(`${file} is not a prompt file: it needs prompt_name, prompt_template and metadata (the body of promptline push).`);
    }
    prompts.push({ prompt_name: prompt.prompt_name, prompt_template: prompt.prompt_template, metadata: prompt.metadata });
  }
  return prompts;
}
