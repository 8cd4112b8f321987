import type { Colors } from "./output/colors.js";

/** An output stream as the commands see it. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * Everything a command needs from the process, handed in by `main.ts` (the
 * only file that reads `process`), so commands stay testable in-process.
 */
export interface CliContext {
  /** The environment: `PROMPTLINE_*` settings and the providers' keys. */
  env: Record<string, string | undefined>;
  cwd: string;
  stdout: OutputStream;
  stderr: OutputStream;
  /** Styles for stdout and stderr: plain off a terminal or with `NO_COLOR`. */
  colors: Colors;
  errColors: Colors;
  /** Resolves when the user asks the process to stop (Ctrl-C, SIGTERM). */
  untilStopped(): Promise<void>;
}

/** Writes a line to stdout. */
export const println = (context: CliContext, text = "") => context.stdout.write(`${text}\n`);
/** Writes a line to stderr. */
export const eprintln = (context: CliContext, text = "") => context.stderr.write(`${text}\n`);
