import { createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { PromptlineError } from "@promptline/core";
import { ProviderAbortError, Promptline, type RunFinalChunk, type RunParams, type RunResult } from "promptline";
import { resolveConnection } from "../registry-connection.js";
import { eprintln, println, type CliContext } from "../cli-context.js";
import { CliError, ExitCode, messageOf, usageError } from "../cli-error.js";
import { createProgressBar } from "../output/progress-bar.js";
import { formatSummaryLine, summarizeRun, type RunSummary } from "../output/run-summary.js";
import { paramValue } from "../option-parsers.js";

export interface RunOptions {
  var?: [string, string][];
  varsFile?: string;
  label?: string;
  version?: number;
  provider?: string;
  model?: string;
  param?: [string, string][];
  tag?: string[];
  metadata?: [string, string][];
  stream?: boolean;
  json?: boolean;
  dataset?: string;
  concurrency?: number;
  out?: string;
  apiKey?: string;
  baseUrl?: string;
}

/** One finished run: the result and what the CLI reports about it. */
export interface RunOutcome {
  result: RunResult;
  summary: RunSummary;
  text: string;
}

/**
 * Runs once and prints the answer (as it streams when `stream`), then a
 * summary line on stderr (so `> answer.txt` keeps the answer alone); with
 * `json`, the whole result on stdout instead.
 */
export async function runAndPrint(context: CliContext, client: Promptline, params: RunParams, options: { stream?: boolean; json?: boolean; summaryToStdout?: boolean } = {}): Promise<RunOutcome> {
  let result: RunResult;
  let text = "";
  if (options.stream) {
    let last: RunFinalChunk | undefined;
    for await (const chunk of await client.run({ ...params, stream: true })) {
      if (chunk.done) {
        last = chunk;
        break;
      }
      const delta = chunk.text_delta;
      text += delta;
      if (!options.json && delta) context.stdout.write(delta);
    }
    if (!last) throw new CliError("The provider's stream ended without a final chunk.");
    const { done: _done, text_delta: _delta, ...rest } = last;
    result = rest;
    if (!options.json) context.stdout.write(text.endsWith("\n") ? "" : "\n");
  } else {
    result = await client.run({ ...params, stream: false });
    text = result.text ?? "";
    if (!options.json) println(context, text);
  }
  const summary = summarizeRun(result);
  if (options.json) println(context, JSON.stringify({ ...result, ...summary }, null, 2));
  else if (options.summaryToStdout) println(context, formatSummaryLine(summary, context.colors));
  else eprintln(context, formatSummaryLine(summary, context.errColors));
  return { result, summary, text: options.stream ? text : (result.text ?? "") };
}

async function readVarsFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw usageError(`--vars-file ${path}: no such file.`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw usageError(`--vars-file ${path}: not valid JSON (${(error as Error).message}).`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw usageError(`--vars-file ${path}: expected a JSON object of variables, e.g. {"topic": "cats"}.`);
  return data as Record<string, unknown>;
}

/** The parameters shared by every run of the command (all but the variables). */
function baseParams(name: string, options: RunOptions): RunParams {
  if (options.provider && !options.model) throw usageError(`--provider ${options.provider} needs --model too (e.g. --provider anthropic --model claude-haiku-4-5).`);
  if (options.label !== undefined && options.version !== undefined) {
    throw usageError(`--label ${options.label} and --version ${options.version} each pick a version: pass one of them.`);
  }
  const params: RunParams = { promptName: name };
  if (options.label !== undefined) params.promptReleaseLabel = options.label;
  if (options.version !== undefined) params.promptVersion = options.version;
  if (options.provider !== undefined) params.provider = options.provider;
  if (options.model !== undefined) params.model = options.model;
  if (options.param?.length) params.modelParameterOverrides = Object.fromEntries(options.param.map(([key, value]) => [key, paramValue(value)]));
  if (options.tag?.length) params.tags = options.tag;
  if (options.metadata?.length) params.metadata = Object.fromEntries(options.metadata);
  return params;
}

/** A client for the CLI: no exit hook (the command closes it), registry trouble reported on stderr. */
export function createRunClient(context: CliContext, options: RunOptions): Promptline {
  const connection = resolveConnection(options, context.env);
  return new Promptline({
    apiKey: connection.apiKey,
    baseURL: connection.baseURL,
    env: context.env,
    flushOnExit: false,
    cacheTtlSeconds: 3600,
    onError: (error) => eprintln(context, context.errColors.yellow(`warning: ${messageOf(error)}`)),
  });
}

/** Flushes the logs; says so when some could not be delivered. */
export async function closeClient(context: CliContext, client: Promptline): Promise<void> {
  const flushed = await client.close({ timeoutMs: 10_000 });
  if (flushed.pending > 0 || flushed.dropped > 0) {
    eprintln(context, context.errColors.yellow(`warning: ${flushed.pending + flushed.dropped} request log(s) did not reach the server.`));
  }
}

/** `promptline run <name>`. */
export async function runCommand(context: CliContext, name: string, options: RunOptions): Promise<number> {
  const params = baseParams(name, options);
  const variables = { ...(options.varsFile ? await readVarsFile(resolve(context.cwd, options.varsFile)) : {}), ...Object.fromEntries(options.var ?? []) };
  if (options.dataset) return runDataset(context, params, variables, options);
  const client = createRunClient(context, options);
  try {
    await runAndPrint(context, client, { ...params, inputVariables: variables }, { stream: options.stream ?? false, json: options.json ?? false });
  } catch (error) {
    // The failure is in the request log too: say where to find it.
    const requestId = PromptlineError.isInstance(error) ? error.requestId : undefined;
    if (requestId) eprintln(context, context.errColors.dim(`request ${requestId} logged as ${error instanceof ProviderAbortError ? "CANCELLED" : "ERROR"} (see promptline logs, or the dashboard's request page)`));
    throw error;
  } finally {
    await closeClient(context, client);
  }
  return ExitCode.ok;
}

/** One line of the results file. */
interface RowResult {
  row: number;
  request_id: string | null;
  output: string | null;
  usage: RunSummary["usage"];
  cost_usd: number | null;
  latency_ms: number | null;
  error: { code: string; message: string } | null;
}

/** Errors that every other row would hit too: stop the batch instead of failing each row. */
const fatalCodes = new Set(["prompt_not_found", "unauthorized", "missing_provider_key", "unsupported_provider", "untrusted_base_url", "registry_error", "invalid_request"]);

function parseRows(text: string): ({ variables: Record<string, unknown> } | { error: string })[] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "")
    .map((line) => {
      try {
        const value: unknown = JSON.parse(line);
        if (typeof value === "object" && value !== null && !Array.isArray(value)) return { variables: value as Record<string, unknown> };
        return { error: "a row must be a JSON object of input variables" };
      } catch (error) {
        return { error: `not valid JSON: ${(error as Error).message}` };
      }
    });
}

/** `promptline run <name> --dataset rows.jsonl`: one run per row, results in row order, failures counted. */
async function runDataset(context: CliContext, params: RunParams, defaults: Record<string, unknown>, options: RunOptions): Promise<number> {
  const datasetPath = resolve(context.cwd, options.dataset!);
  let text: string;
  try {
    text = await readFile(datasetPath, "utf8");
  } catch {
    throw usageError(`--dataset ${options.dataset}: no such file.`);
  }
  const rows = parseRows(text);
  if (rows.length === 0) throw usageError(`--dataset ${options.dataset} has no rows: write one JSON object of variables per line.`);
  const outPath = options.out ? resolve(context.cwd, options.out) : join(dirname(datasetPath), `${basename(datasetPath).replace(/\.jsonl?$/i, "")}.results.jsonl`);
  if (outPath === datasetPath) throw usageError("--out would overwrite the dataset: pick another file.");

  const client = createRunClient(context, options);
  const out = createWriteStream(outPath);
  const results: (RowResult | undefined)[] = new Array(rows.length);
  let written = 0;
  let done = 0;
  let failed = 0;
  let fatal: unknown;
  const progress = createProgressBar(rows.length, context.stderr);
  // Lines go out in row order as soon as every earlier row is done, so a crash keeps what finished.
  const writeReady = () => {
    for (; written < rows.length && results[written]; written++) out.write(`${JSON.stringify(results[written])}\n`);
  };
  const finishRow = (index: number, result: RowResult) => {
    results[index] = result;
    done++;
    if (result.error) failed++;
    progress.update(done, failed);
    writeReady();
  };

  let next = 0;
  const worker = async () => {
    while (fatal === undefined && next < rows.length) {
      const index = next++;
      const row = rows[index]!;
      const base = { row: index + 1, request_id: null, output: null, usage: null, cost_usd: null, latency_ms: null };
      if ("error" in row) {
        finishRow(index, { ...base, error: { code: "invalid_row", message: row.error } });
        continue;
      }
      try {
        const result = await client.run({ ...params, inputVariables: { ...defaults, ...row.variables }, stream: false });
        const summary = summarizeRun(result);
        finishRow(index, { ...base, ...summary, output: result.text ?? "", error: null });
      } catch (error) {
        const code = PromptlineError.isInstance(error) ? error.code : "error";
        if (fatalCodes.has(code)) {
          fatal ??= error;
          next = rows.length;
        }
        finishRow(index, { ...base, error: { code, message: messageOf(error) } });
      }
    }
  };
  try {
    progress.update(0, 0);
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, rows.length) }, worker));
  } finally {
    progress.finish();
    await new Promise<void>((resolveEnd) => out.end(resolveEnd));
    await closeClient(context, client);
  }
  if (fatal !== undefined) throw fatal;

  const { colors } = context;
  println(context, `${rows.length} row${rows.length === 1 ? "" : "s"}: ${colors.green(`${rows.length - failed} ok`)}, ${failed > 0 ? colors.red(`${failed} failed`) : "0 failed"} → ${outPath}`);
  if (failed > 0) {
    const byMessage = new Map<string, number[]>();
    for (const result of results) if (result?.error) byMessage.set(result.error.message, [...(byMessage.get(result.error.message) ?? []), result.row]);
    for (const [message, rowNumbers] of byMessage) {
      const shown = rowNumbers.slice(0, 10).join(", ") + (rowNumbers.length > 10 ? ", …" : "");
      println(context, `  ${rowNumbers.length} × ${message} (row${rowNumbers.length === 1 ? "" : "s"} ${shown})`);
    }
  }
  return failed > 0 ? ExitCode.failure : ExitCode.ok;
}
