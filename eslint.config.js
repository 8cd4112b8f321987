import js from "@eslint/js";
import tseslint from "typescript-eslint";

// Imports only go down the package graph of docs/architecture.md.
const layers = {
  core: ["promptline", "@promptline/server", "@promptline/testkit", "@promptline/cli", "@promptline/web"],
  testkit: ["promptline", "@promptline/server", "@promptline/cli", "@promptline/web"],
  sdk: ["@promptline/server", "@promptline/testkit", "@promptline/cli", "@promptline/web"],
  server: ["promptline", "@promptline/testkit", "@promptline/cli", "@promptline/web"],
};
const forbid = (names) => ({
  "no-restricted-imports": ["error", { paths: names.map((name) => ({ name, message: "Imports only go down the package graph (docs/architecture.md)." })) }],
});

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/__fixtures__/**", "**/*.d.ts", "packages/web/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  // Production code may not reach the test helpers or the layers above it.
  ...Object.entries(layers).map(([dir, names]) => ({
    files: [`packages/${dir}/src/**/*.ts`],
    ignores: ["**/*.test.ts"],
    rules: forbid(names),
  })),
  // The SDK must load with no database driver and no React.
  {
    files: ["packages/sdk/src/**/*.ts", "packages/core/src/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: ["better-sqlite3", "pg", "kysely", "react", "hono", "@promptline/server", "@promptline/testkit", "@promptline/cli"].map((name) => ({
            name,
            message: "core and the SDK stay free of drivers, servers and UI (DESIGN.md).",
          })),
        },
      ],
    },
  },
);
