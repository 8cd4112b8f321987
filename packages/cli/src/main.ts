#!/usr/bin/env node
import type { CliContext } from "./cli-context.js";
import { createColors, shouldUseColor } from "./output/colors.js";
import { runCli } from "./program.js";

// The only file that reads the process: argv, env, streams and signals.
let stopped: Promise<void> | undefined;
function untilStopped(): Promise<void> {
  stopped ??= new Promise((resolve) => {
    let signals = 0;
    const onSignal = () => {
      // A second Ctrl-C while shutting down means "now".
      if (++signals > 1) process.exit(130);
      resolve();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
  return stopped;
}

// A reader that stops early (`promptline logs --json | head -1`) closes the pipe:
// that ends the output the reader wanted, so stop quietly rather than crash on EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
}

const context: CliContext = {
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  colors: createColors(shouldUseColor(process.stdout, process.env)),
  errColors: createColors(shouldUseColor(process.stderr, process.env)),
  untilStopped,
};

const code = await runCli(process.argv.slice(2), context);
process.exitCode = code;
// Don't let a stray handle (a keep-alive socket) hold a finished command open.
setTimeout(() => process.exit(code), 2000).unref();
