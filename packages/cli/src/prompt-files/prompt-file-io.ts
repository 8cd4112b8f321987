import { findPromptFiles, readPromptFile as readWith, type PromptFile } from "promptline";
import { parse as parseYaml } from "yaml";

export { findPromptFiles };

/** Reads and validates one prompt file (the SDK's reader, with the YAML parser the CLI loads anyway). */
export function readPromptFile(path: string): Promise<PromptFile> {
  return readWith(path, parseYaml);
}
