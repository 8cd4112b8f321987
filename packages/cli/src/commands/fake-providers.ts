import { runFakeProvidersCli } from "@promptline/testkit";
import type { CliContext } from "../cli-context.js";
import { CliError, ExitCode } from "../cli-error.js";

/** `promptline fake-providers`: the testkit's fake LLM providers, until Ctrl-C. */
export async function fakeProvidersCommand(context: CliContext, options: { port?: number }): Promise<number> {
  // Listen for Ctrl-C before the URLs are printed (see serve).
  const stopped = context.untilStopped();
  const fakes = await runFakeProvidersCli(options.port ?? 0).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") throw new CliError(`Port ${options.port} is already in use: pick another with --port (0 picks a free one).`);
    throw error;
  });
  await stopped;
  await fakes.close();
  return ExitCode.ok;
}
