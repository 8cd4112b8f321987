/**
 * `@promptline/cli`: the `promptline` command. The entry point is
 * `dist/main.js`; `runCli` runs the command tree in-process (for tests and
 * embedding) with the process handed in as a `CliContext`.
 */
export { runCli, cliVersion } from "./program.js";
export type { CliContext, OutputStream } from "./cli-context.js";
export { CliError, ExitCode, exitCodeOf } from "./cli-error.js";
export { parsePromptFile, serializePromptFile, promptFileName, PromptFileError, type PromptFile } from "./prompt-files/prompt-file.js";
export { findDashboardDir, sdkPlayground } from "./commands/dashboard-wiring.js";
