#!/usr/bin/env node
/* global console, process */
// The `promptline` command. A committed file, not the build output itself:
// npm links a package's bin at install time only when its target exists, and
// `dist/` does not exist yet right after `npm ci` in a checkout.
try {
  await import("../dist/main.js");
} catch (error) {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("/dist/main.js")) {
    console.error("promptline: the CLI is not built yet. In a checkout of the repository, run `npm run build` first.");
    process.exit(1);
  }
  throw error;
}
