import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { PromptNotFoundError } from "@promptline/core";
import { connectRegistry, resolveConnection } from "../registry-connection.js";
import { println, type CliContext } from "../cli-context.js";
import { ExitCode, usageError } from "../cli-error.js";
import { promptFileName, serializePromptFile, type PromptFile } from "../prompt-files/prompt-file.js";

export interface PullOptions {
  out?: string;
  label?: string;
  version?: number;
  json?: boolean;
  apiKey?: string;
  baseUrl?: string;
}

/** `promptline pull <name>`: writes the newest (or the labelled, or the numbered) version as a prompt file. */
export async function pullCommand(context: CliContext, name: string, options: PullOptions): Promise<number> {
  if (options.label !== undefined && options.version !== undefined) {
    throw usageError(`--label ${options.label} and --version ${options.version} each pick a version: pass one of them.`);
  }
  const registry = connectRegistry(resolveConnection(options, context.env));
  const selector = options.version !== undefined ? { version: options.version } : options.label !== undefined ? { label: options.label } : {};
  const stored = await registry.template(name, selector, () => new PromptNotFoundError(name, selector));
  const file: PromptFile = { prompt_name: stored.prompt.name, prompt_template: stored.version.prompt_template };
  if (stored.version.metadata && Object.keys(stored.version.metadata).length > 0) file.metadata = stored.version.metadata;
  if (stored.prompt.tags.length > 0) file.tags = stored.prompt.tags;
  if (stored.version.commit_message) file.commit_message = stored.version.commit_message;
  if (stored.labels.length > 0) file.release_labels = stored.labels;
  const format = options.json ? "json" : "yaml";
  const folder = resolve(context.cwd, options.out ?? ".");
  await mkdir(folder, { recursive: true });
  const path = join(folder, promptFileName(stored.prompt.name, format));
  await writeFile(path, serializePromptFile(file, format));
  println(context, `Wrote ${path} (${stored.prompt.name} version ${stored.version.version}${stored.labels.length ? `, labels: ${stored.labels.join(", ")}` : ""})`);
  return ExitCode.ok;
}
