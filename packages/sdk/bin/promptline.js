#!/usr/bin/env node
/* global console, process */
// `npx promptline …` resolves the package named `promptline` (this SDK), so
// the command lives here too and hands over to the CLI, `@promptline/cli`,
// when it is installed (it is not a dependency: the CLI depends on the SDK).
try {
  await import("@promptline/cli/bin");
} catch (error) {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && /'@promptline\/cli(\/bin)?'/.test(String(error.message))) {
    console.error("promptline: the command comes with the CLI package. Install it next to the SDK:\n  npm install @promptline/cli\nthen run `npx promptline --help`.");
    process.exit(1);
  }
  throw error;
}
