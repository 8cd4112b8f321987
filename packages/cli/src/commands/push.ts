import { resolve } from "node:path";
import { PromptNotFoundError } from "@promptline/core";
import { ApiClient, resolveConnection } from "../api-client.js";
import { println, type CliContext } from "../cli-context.js";
import { ExitCode } from "../cli-error.js";
import type { Colors } from "../output/colors.js";
import { diffLines, formatDiff } from "../output/line-diff.js";
import { findPromptFiles, readPromptFile } from "../prompt-files/prompt-file-io.js";
import { PromptFileError, versionContentYaml, type PromptFile } from "../prompt-files/prompt-file.js";

export interface PushOptions {
  dryRun?: boolean;
  apiKey?: string;
  baseUrl?: string;
}

interface StoredVersion {
  prompt: { name: string; tags: string[] };
  version: { version: number; prompt_template: unknown; metadata: unknown };
  labels: string[];
}

interface PublishResponse {
  created: boolean;
  version: { version: number };
  labels: { name: string; prompt_version_number?: number }[];
}

function colorDiff(lines: string[], colors: Colors): string[] {
  return lines.map((line) => (line.startsWith("+") ? colors.green(line) : line.startsWith("-") ? colors.red(line) : colors.dim(line)));
}

/** Reads every file first: one invalid file pushes nothing, and every problem is listed at once. */
async function readAll(context: CliContext, paths: string[]): Promise<{ path: string; file: PromptFile }[]> {
  const files: string[] = [];
  const problems: string[] = [];
  for (const path of paths) {
    try {
      const found = await findPromptFiles(resolve(context.cwd, path));
      if (found.length === 0) problems.push(`${path}: no .yaml, .yml or .json prompt files here`);
      files.push(...found);
    } catch (error) {
      if (error instanceof PromptFileError) problems.push(`${path}: ${error.problems.join("; ")}`);
      else throw error;
    }
  }
  const read: { path: string; file: PromptFile }[] = [];
  for (const path of files) {
    try {
      read.push({ path, file: await readPromptFile(path) });
    } catch (error) {
      if (error instanceof PromptFileError) problems.push(...error.problems.map((problem) => `${error.path}: ${problem}`));
      else throw error;
    }
  }
  const names = new Map<string, string>();
  for (const { path, file } of read) {
    const other = names.get(file.prompt_name);
    if (other) problems.push(`${path}: prompt "${file.prompt_name}" is also in ${other} (one prompt per file)`);
    names.set(file.prompt_name, path);
  }
  if (problems.length > 0) {
    throw new PromptFileError(paths.join(" "), problems);
  }
  return read;
}

/**
 * `promptline push <file|dir>…`: publishes each prompt file; an unchanged
 * file creates no version. With `--dry-run`, shows what would change.
 */
export async function pushCommand(context: CliContext, paths: string[], options: PushOptions): Promise<number> {
  const files = await readAll(context, paths);
  const api = new ApiClient(resolveConnection(options, context.env));
  const { colors } = context;
  const relative = (path: string) => (path.startsWith(context.cwd + "/") ? path.slice(context.cwd.length + 1) : path);
  const counts = { created: 0, unchanged: 0, new: 0 };

  for (const { path, file } of files) {
    if (options.dryRun) {
      const stored = await api
        .request<StoredVersion>("GET", `/api/v1/prompts/${encodeURIComponent(file.prompt_name)}/template`, { notFound: () => new PromptNotFoundError(file.prompt_name) })
        .catch((error: unknown) => {
          if (error instanceof PromptNotFoundError) return undefined;
          throw error;
        });
      const after = versionContentYaml(file).trimEnd().split("\n");
      if (!stored) {
        counts.new++;
        println(context, `${colors.green("new")}        ${file.prompt_name}  ${colors.dim(relative(path))}  would become version 1`);
        println(context, colorDiff(formatDiff(diffLines([], after), 0), colors).map((line) => `  ${line}`).join("\n"));
        continue;
      }
      const before = versionContentYaml(stored.version).trimEnd().split("\n");
      const diff = formatDiff(diffLines(before, after));
      const labels = (file.release_labels ?? []).filter((label) => !stored.labels.includes(label));
      if (diff.length === 0) {
        counts.unchanged++;
        println(context, `${colors.dim("unchanged")}  ${file.prompt_name}  ${colors.dim(relative(path))}  = version ${stored.version.version}${labels.length ? `; would move ${labels.join(", ")} to it` : ""}`);
        continue;
      }
      counts.created++;
      println(context, `${colors.yellow("changed")}    ${file.prompt_name}  ${colors.dim(relative(path))}  version ${stored.version.version} → ${stored.version.version + 1}`);
      println(context, colorDiff(diff, colors).map((line) => `  ${line}`).join("\n"));
      continue;
    }
    const published = await api.request<PublishResponse>("POST", "/api/v1/prompts", { body: { ...file, skip_if_unchanged: true } });
    const labels = file.release_labels?.length ? `  labels: ${file.release_labels.join(", ")}` : "";
    if (published.created) {
      counts.created++;
      println(context, `${colors.green("published")}  ${file.prompt_name} version ${published.version.version}  ${colors.dim(relative(path))}${labels}`);
    } else {
      counts.unchanged++;
      println(context, `${colors.dim("unchanged")}  ${file.prompt_name} version ${published.version.version}  ${colors.dim(relative(path))}${labels}`);
    }
  }
  const summary = options.dryRun
    ? `Dry run: ${counts.new} new, ${counts.created} changed, ${counts.unchanged} unchanged. Nothing was published.`
    : `${counts.created} published, ${counts.unchanged} unchanged.`;
  println(context, colors.bold(summary));
  return ExitCode.ok;
}
