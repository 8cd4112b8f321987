import { InvalidTemplateError } from "@promptline/core/errors";
import type { FallbackPrompt } from "../client.js";
import { findPromptFiles, PromptFileError, readPromptFile } from "./prompt-file.js";

/**
 * Reads prompt files (the publish body of `promptline push`/`pull`:
 * `prompt_name`, `prompt_template`, `metadata`, …) from files or folders, for
 * fallbacks on a cold start with no registry. YAML or JSON, one prompt per
 * file; folders are read recursively (hidden folders and `node_modules`
 * skipped). Files are read and checked exactly as `promptline push` reads them
 * (unknown keys and invalid templates are errors), and a fallback also needs
 * its `metadata` (the model to run on). `node:fs` and the YAML parser load only
 * when this is called, so the SDK itself stays free of them.
 *
 * @example
 * const client = new Promptline({ fallbackPrompts: await loadPromptFiles("./prompts") });
 */
export async function loadPromptFiles(paths: string | readonly string[]): Promise<FallbackPrompt[]> {
  const { parse: parseYaml } = await import("yaml");
  const prompts: FallbackPrompt[] = [];
  try {
    for (const path of typeof paths === "string" ? [paths] : paths) {
      for (const file of await findPromptFiles(path)) {
        const prompt = await readPromptFile(file, parseYaml);
        if (!prompt.metadata) throw new PromptFileError(file, ["metadata: required for a fallback (the model it runs on)"]);
        prompts.push({ prompt_name: prompt.prompt_name, prompt_template: prompt.prompt_template, metadata: prompt.metadata });
      }
    }
  } catch (error) {
    if (error instanceof PromptFileError) throw new InvalidTemplateError(`${error.path} is not a prompt file: ${error.problems.join("; ")}`, { cause: error });
    throw error;
  }
  return prompts;
}
