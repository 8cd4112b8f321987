import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests import the packages' TypeScript sources, so `npm test` needs no build.
export default defineConfig({
  resolve: {
    alias: {
      // Before "@promptline/core", which would otherwise take its subpaths as paths under index.ts.
      "@promptline/core/render": source("./packages/core/src/render/standalone.ts"),
      "@promptline/core/wire": source("./packages/core/src/wire/index.ts"),
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
