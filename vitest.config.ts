import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Core's subpaths (`@promptline/core/errors`, …) from its package.json, each to its TypeScript source. */
const coreExports = JSON.parse(readFileSync(source("./packages/core/package.json"), "utf8")).exports as Record<string, { "promptline-source": string }>;
const coreSubpaths = Object.fromEntries(
  Object.entries(coreExports)
    .filter(([subpath]) => subpath !== ".")
    .map(([subpath, target]) => [`@promptline/core/${subpath.slice(2)}`, source(`./packages/core/${target["promptline-source"]}`)]),
);

// Tests import the packages' TypeScript sources, so `npm test` needs no build.
export default defineConfig({
  resolve: {
    alias: {
      // Before "@promptline/core", which would otherwise take its subpaths as paths under index.ts.
      ...coreSubpaths,
      "@promptline/core": source("./packages/core/src/index.ts"),
      "@promptline/testkit": source("./packages/testkit/src/index.ts"),
      "@promptline/server": source("./packages/server/src/index.ts"),
      "@promptline/cli": source("./packages/cli/src/index.ts"),
      promptline: source("./packages/sdk/src/index.ts"),
    },
  },
  test: {
    include: ["packages/*/src/**/*.test.ts", "tests/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});
