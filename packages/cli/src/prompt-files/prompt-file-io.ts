import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { formatOfPath, parsePromptFile, PromptFileError, type PromptFile } from "./prompt-file.js";

const promptFilePattern = /\.(ya?ml|json)$/i;

/**
 * The prompt files under a path: the file itself, or every `.yaml`, `.yml`
 * and `.json` file in a folder and its subfolders (hidden folders and
 * `node_modules` skipped), sorted for a stable push order.
 */
export async function findPromptFiles(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new PromptFileError(path, ["no such file or folder"]);
  }
  if (info.isFile()) return [path];
  const found: string[] = [];
  for (const entry of await readdir(path, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const child = join(path, entry.name);
    if (entry.isDirectory()) found.push(...(await findPromptFiles(child)));
    else if (entry.isFile() && promptFilePattern.test(entry.name)) found.push(child);
  }
  return found.sort();
}

/** Reads and validates one prompt file. */
export async function readPromptFile(path: string): Promise<PromptFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new PromptFileError(path, [`cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
  return parsePromptFile(text, path);
}

export { formatOfPath };
