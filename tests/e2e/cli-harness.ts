import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdir, rmdir, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Helpers for the CLI tests: build the command once, then run it as a user would, as a subprocess. */

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
export const cliEntry = join(repoRoot, "packages/cli/dist/main.js");
const lockDir = join(tmpdir(), "promptline-cli-build.lock");

function execNode(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${args.join(" ")} failed:\n${stdout}${stderr}`)) : resolve(),
    );
  });
}

/**
 * `tsc -b packages/cli` (which builds its references). Test files run in
 * parallel, so builds take turns through a lock folder; the second build is
 * an incremental no-op.
 */
export async function buildCli(): Promise<void> {
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch {
      const info = await stat(lockDir).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > 180_000) await rmdir(lockDir).catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    await execNode([join(repoRoot, "node_modules/typescript/bin/tsc"), "-b", "packages/cli"]);
  } finally {
    await rmdir(lockDir).catch(() => {});
  }
}

/** Only what a shell would give: no provider keys or Promptline settings leak in from the test runner. */
export function baseEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? tmpdir() };
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  return env;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves with the first match of `pattern` in stdout; rejects if the process exits first. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  /** Sends a signal and resolves when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<CliResult>;
  exited: Promise<CliResult>;
}

/** Starts `promptline <args>` (async: the test's own servers keep answering meanwhile). */
export function startCli(args: string[], options: { env: Record<string, string>; cwd?: string }): RunningCli {
  const child = spawn(process.execPath, [cliEntry, ...args], { cwd: options.cwd ?? repoRoot, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding("utf8").on("data", (text: string) => {
    stdout += text;
    for (const listener of listeners) listener();
  });
  child.stderr!.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  const exited = new Promise<CliResult>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    waitFor(pattern) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(stdout);
          if (match) {
            listeners.delete(check);
            resolve(match);
          }
        };
        listeners.add(check);
        check();
        void exited.then((result) => {
          if (!pattern.exec(stdout)) reject(new Error(`promptline exited (${result.code}) before printing ${pattern}:\n${result.stdout}\n${result.stderr}`));
        });
      });
    },
    async stop(signal = "SIGINT") {
      child.kill(signal);
      return exited;
    },
  };
}

/** Runs `promptline <args>` to the end. */
export function runCli(args: string[], options: { env: Record<string, string>; cwd?: string }): Promise<CliResult> {
  return startCli(args, options).exited;
}

/**
 * Runs `promptline <args>` with its stdout a pipe whose reader has already
 * gone, as `promptline … | head -1` once head has read its line: every write
 * to stdout fails with EPIPE.
 */
export function runCliIntoClosedPipe(args: string[], options: { env: Record<string, string>; cwd?: string }): Promise<CliResult> {
  const child = spawn(process.execPath, [cliEntry, ...args], { cwd: options.cwd ?? repoRoot, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.destroy();
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  return new Promise((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout: "", stderr })));
}
