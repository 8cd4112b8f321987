import { builtinModules } from "node:module";
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

// The package graph of DESIGN.md ("Packages"): who may import which workspace package. Everything
// reachable downwards is allowed (the CLI reaches core through the SDK, so it may import core too).
const workspacePackages = {
  core: "@promptline/core",
  sdk: "promptline",
  server: "@promptline/server",
  testkit: "@promptline/testkit",
  cli: "@promptline/cli",
  web: "@promptline/web",
};
const mayImport = {
  core: [],
  sdk: ["core"],
  server: ["core"],
  testkit: ["core"],
  cli: ["sdk", "server", "testkit"],
  web: ["core"],
};

// Third-party families a layer must stay free of (DESIGN.md: the SDK loads with no database driver and no React;
// core is pure, and the dashboard bundles it for the browser, so no Node built-ins either).
const families = {
  drivers: ["better-sqlite3", "pg", "kysely"],
  servers: ["hono", "@hono/[^/]+"],
  ui: ["react", "react-dom"],
  nodeBuiltins: ["node:.+", ...builtinModules.filter((name) => !name.startsWith("_"))],
  testTooling: ["vitest", "fast-check"],
};
const banned = {
  core: ["drivers", "servers", "ui", "nodeBuiltins", "testTooling"],
  sdk: ["drivers", "servers", "ui", "testTooling"],
  server: ["ui", "testTooling"],
  testkit: ["drivers", "servers", "ui", "testTooling"],
  cli: ["ui", "testTooling"],
  web: ["drivers", "servers", "nodeBuiltins", "testTooling"],
};
// Core's root is for types only here: the dashboard (DESIGN.md) and the SDK take values from core's subpaths,
// so each module loads only the part of core it uses (decision 0019).
const typeOnlyRoots = { web: ["core"], sdk: ["core"] };

const escape = (name) => name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const closure = (layer) => [...new Set(mayImport[layer].flatMap((below) => [below, ...closure(below)]))];
/** A module specifier naming the package itself or any of its subpaths (`hono` and `hono/streaming`). */
const packageOrSubpath = (names) => `^(${names.join("|")})(/.*)?$`;

/** The import patterns a layer may not use, each with the reason it is shown. */
export function forbiddenImports(layer) {
  const allowed = new Set([layer, ...closure(layer)]);
  const above = Object.keys(workspacePackages).filter((other) => !allowed.has(other));
  const typeOnly = typeOnlyRoots[layer] ?? [];
  const patterns = [
    {
      regex: packageOrSubpath(above.map((other) => escape(workspacePackages[other]))),
      message: `${layer} may not import this package: imports only go down the package graph (DESIGN.md "Packages").`,
    },
    // Reaching into another package's files by relative path skips both the graph and its public exports.
    {
      regex: `^(\\.\\./)+(packages/)?(${Object.keys(workspacePackages).join("|")})/src(/|$)`,
      message: "Import another package by its name and public exports, not by a relative path into its src/.",
    },
    ...banned[layer].map((family) => ({
      regex: packageOrSubpath(families[family]),
      message: `${layer} stays free of ${family} (DESIGN.md "Packages").`,
    })),
    ...typeOnly.map((other) => ({
      regex: `^${escape(workspacePackages[other])}$`,
      allowTypeImports: true,
      message: `${layer} imports ${workspacePackages[other]} for types only; take values from its subpaths.`,
    })),
  ];
  return patterns.map((pattern) => ({ caseSensitive: true, ...pattern }));
}

/** `no-restricted-imports` does not look at `import("…")`: the same patterns, as selectors on dynamic imports. */
function forbiddenDynamicImports(patterns) {
  return patterns
    .filter((pattern) => !pattern.allowTypeImports)
    .map((pattern) => ({
      selector: `ImportExpression[source.value=/${pattern.regex.replaceAll("/", "\\/")}/]`,
      message: pattern.message,
    }));
}

const sources = (layer) => [`packages/${layer}/src/**/*.ts`, `packages/${layer}/src/**/*.tsx`];
const testFiles = ["**/*.test.ts", "**/*.test.tsx", "**/*.contract.ts"];

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/__fixtures__/**", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  // The dashboard: the rules of hooks (a hook called conditionally breaks React's state at run time).
  {
    files: ["packages/web/src/**/*.tsx", "packages/web/src/**/*.ts"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
    },
  },
  // One import rule per layer: a later block setting the same rule would replace it, so each layer's whole
  // list (graph, relative escapes, banned families) lives in one block. Tests may reach fakes and helpers.
  ...Object.keys(workspacePackages).map((layer) => {
    const patterns = forbiddenImports(layer);
    return {
      files: sources(layer),
      ignores: testFiles,
      rules: {
        "no-restricted-imports": ["error", { patterns }],
        "no-restricted-syntax": ["error", ...forbiddenDynamicImports(patterns)],
      },
    };
  }),
);
