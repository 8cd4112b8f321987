import { resolve } from "node:path";
import { PromptNotFoundError } from "@promptline/core";
import type { LabelAnswer } from "@promptline/core/wire";
import { connectRegistry, resolveConnection } from "../registry-connection.js";
import { println, type CliContext } from "../cli-context.js";
import { ExitCode } from "../cli-error.js";
import type { Colors } from "../output/colors.js";
import { diffLines, formatDiff } from "../output/line-diff.js";
import { findPromptFiles, readPromptFile } from "../prompt-files/prompt-file-io.js";
import { PromptFileError, versionContentYaml, type PromptFile } from "../prompt-files/prompt-file.js";

export interface PushOptions {
  dryRun?: boolean;
  /** Apply the files' `release_labels`; without it they are reported and left alone. */
  moveLabels?: boolean;
  apiKey?: string;
  baseUrl?: string;
}

/** What `labelMoves` reads of a label (`LabelAnswer`): one version, or a split. */
type StoredLabel = Pick<LabelAnswer, "name" | "version" | "split">;

/** One `release_labels` entry of a file measured against where the label points now. */
interface LabelMove {
  label: string;
  /** `v1`, `a split`, or undefined for a label that doesn't exist yet. */
  from: string | undefined;
}

/** The labels of a file that would move (or be created) if the file's version became `target`. */
export function labelMoves(fileLabels: readonly string[], stored: readonly StoredLabel[], target: number): LabelMove[] {
  const moves: LabelMove[] = [];
  for (const label of fileLabels) {
    const current = stored.find((candidate) => candidate.name === label);
    if (current && !current.split && current.version === target) continue;
    moves.push({ label, from: !current ? undefined : current.split ? "a split" : `v${current.version}` });
  }
  return moves;
}

const describeMove = (move: LabelMove, prompt: string, target: number) =>
  move.from === undefined ? `create ${move.label} of ${prompt} at v${target}` : `move ${move.label} of ${prompt} from ${move.from} to v${target}`;

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
 * file creates no version. A file's `release_labels` move only with
 * `--move-labels` (`pull` writes them into the file, so pull → edit → push
 * would otherwise promote silently); every skipped or made move is printed.
 * With `--dry-run`, shows what would change, labels included.
 */
export async function pushCommand(context: CliContext, paths: string[], options: PushOptions): Promise<number> {
  const files = await readAll(context, paths);
  const registry = connectRegistry(resolveConnection(options, context.env));
  const { colors } = context;
  const relative = (path: string) => (path.startsWith(context.cwd + "/") ? path.slice(context.cwd.length + 1) : path);
  const counts = { created: 0, unchanged: 0, new: 0, skippedLabels: 0 };
  const moveLabels = options.moveLabels === true;
  const notFoundAsUndefined = (error: unknown) => {
    if (error instanceof PromptNotFoundError) return undefined;
    throw error;
  };

  for (const { path, file } of files) {
    const name = file.prompt_name;
    const fileLabels = file.release_labels ?? [];
    const stored = await registry.template(name, {}, () => new PromptNotFoundError(name)).catch(notFoundAsUndefined);
    const storedLabels: StoredLabel[] =
      stored && fileLabels.length > 0 ? ((await registry.labels(name, () => new PromptNotFoundError(name)).catch(notFoundAsUndefined)) ?? []) : [];
    const reportLabels = (target: number, verb: "would" | "did") => {
      for (const move of labelMoves(fileLabels, storedLabels, target)) {
        const what = describeMove(move, name, target);
        if (moveLabels) println(context, `  ${verb === "would" ? `would ${what}` : colors.yellow(`${what.replace(/^create/, "created").replace(/^move/, "moved")}`)}`);
        else {
          counts.skippedLabels++;
          println(context, `  ${colors.yellow(`${verb === "would" ? "would not" : "did not"} ${what}`)} ${colors.dim("(release_labels move only with --move-labels)")}`);
        }
      }
    };

    if (options.dryRun) {
      const after = versionContentYaml(file).trimEnd().split("\n");
      if (!stored) {
        counts.new++;
        println(context, `${colors.green("new")}        ${name}  ${colors.dim(relative(path))}  would publish v1 of ${name}`);
        println(context, colorDiff(formatDiff(diffLines([], after), 0), colors).map((line) => `  ${line}`).join("\n"));
        reportLabels(1, "would");
        continue;
      }
      const latest = stored.version.version;
      const before = versionContentYaml(stored.version).trimEnd().split("\n");
      const diff = formatDiff(diffLines(before, after));
      if (diff.length === 0) {
        counts.unchanged++;
        println(context, `${colors.dim("unchanged")}  ${name}  ${colors.dim(relative(path))}  = version ${latest}; would publish nothing`);
        reportLabels(latest, "would");
        continue;
      }
      counts.created++;
      println(context, `${colors.yellow("changed")}    ${name}  ${colors.dim(relative(path))}  version ${latest} → ${latest + 1}; would publish v${latest + 1} of ${name}`);
      println(context, colorDiff(diff, colors).map((line) => `  ${line}`).join("\n"));
      reportLabels(latest + 1, "would");
      continue;
    }
    const { release_labels: _fileLabels, ...content } = file;
    const body = { ...content, ...(moveLabels && fileLabels.length > 0 && { release_labels: fileLabels }), skip_if_unchanged: true };
    const published = await registry.publish(body);
    const version = published.version.version;
    if (published.created) {
      counts.created++;
      println(context, `${colors.green("published")}  ${name} version ${version}  ${colors.dim(relative(path))}`);
    } else {
      counts.unchanged++;
      println(context, `${colors.dim("unchanged")}  ${name} version ${version}  ${colors.dim(relative(path))}`);
    }
    reportLabels(version, "did");
  }
  const skipped = counts.skippedLabels > 0 ? ` ${counts.skippedLabels} label move(s) skipped: add --move-labels to apply release_labels.` : "";
  const summary = options.dryRun
    ? `Dry run: ${counts.new} new, ${counts.created} changed, ${counts.unchanged} unchanged. Nothing was published.${skipped}`
    : `${counts.created} published, ${counts.unchanged} unchanged.${skipped}`;
  println(context, colors.bold(summary));
  return ExitCode.ok;
}
