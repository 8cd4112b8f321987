import { PromptlineError } from "@promptline/core";
import { PromptFileError } from "./prompt-files/prompt-file.js";

/** Exit codes scripts can rely on (documented in `promptline --help`). */
export const ExitCode = {
  ok: 0,
  /** Something failed at run time: a provider error, an unreachable server, a refused key. */
  failure: 1,
  /** The command line or its input is wrong: a bad flag, `--var` not `key=value`, an invalid prompt file. */
  usage: 2,
  /** What was asked for doesn't exist: an unknown prompt, version, label or key. */
  notFound: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const exitCodesHelp = `Exit codes:
  0  success
  1  runtime failure (provider error, server unreachable, key refused)
  2  usage error (bad flag, --var not key=value, invalid prompt file)
  3  not found (unknown prompt, version, label or key)`;

/** An error the CLI reports as is, with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.failure,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export const usageError = (message: string) => new CliError(message, ExitCode.usage);

/** The exit code of any error a command throws. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof PromptFileError) return ExitCode.usage;
  if (PromptlineError.isInstance(error)) {
    switch (error.code) {
      case "prompt_not_found":
        return ExitCode.notFound;
      case "invalid_request":
      case "missing_variables":
      case "invalid_template":
      case "template_limit":
        return ExitCode.usage;
      default:
        return ExitCode.failure;
    }
  }
  return ExitCode.failure;
}

/** What to print for an error: its message, with the CLI's names for the SDK's parameters. */
export function messageOf(error: unknown): string {
  if (PromptlineError.isInstance(error) && error.code === "missing_variables") {
    const missing = (error as PromptlineError & { missing?: readonly string[] }).missing ?? [];
    const example = missing.map((name) => `--var ${name}=…`).join(" ");
    return `Missing input variable${missing.length === 1 ? "" : "s"} ${missing.map((name) => `"${name}"`).join(", ")}: pass ${example} (or a --vars-file).`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
