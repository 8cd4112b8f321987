import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

// Lints small in-memory files as if they sat in each package, with the repository's own eslint.config.js:
// proves the layer rule fires (and that it leaves the allowed imports alone).
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: repoRoot });
});

async function importRuleHits(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${repoRoot}/${file}` });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === "no-restricted-imports" || message.ruleId === "no-restricted-syntax")
    .map((message) => `${message.ruleId}: ${message.message}`);
}

describe("the import rule of each layer", () => {
  const refused: Array<[file: string, code: string]> = [
    // Upward in the package graph.
    ["packages/core/src/guard.ts", 'import { Promptline } from "promptline";\nexport { Promptline };\n'],
    ["packages/core/src/guard.ts", 'import type { Storage } from "@promptline/server";\nexport type { Storage };\n'],
    ["packages/core/src/guard.ts", 'export * from "@promptline/web";\n'],
    ["packages/sdk/src/guard.ts", 'import { startFakeProviders } from "@promptline/testkit";\nexport { startFakeProviders };\n'],
    ["packages/server/src/guard.ts", 'import { Promptline } from "promptline";\nexport { Promptline };\n'],
    ["packages/testkit/src/guard.ts", 'import { createApp } from "@promptline/server";\nexport { createApp };\n'],
    ["packages/cli/src/guard.ts", 'import { App } from "@promptline/web";\nexport { App };\n'],
    ["packages/web/src/guard.ts", 'import { Promptline } from "promptline";\nexport { Promptline };\n'],
    // Subpaths of a forbidden package.
    ["packages/sdk/src/guard.ts", 'import { streamSSE } from "hono/streaming";\nexport { streamSSE };\n'],
    ["packages/core/src/guard.ts", 'import { run } from "promptline/run";\nexport { run };\n'],
    ["packages/sdk/src/guard.ts", 'import { serve } from "@hono/node-server";\nexport { serve };\n'],
    // A database driver in the SDK, statically or lazily.
    ["packages/sdk/src/guard.ts", 'import Database from "better-sqlite3";\nexport { Database };\n'],
    ["packages/sdk/src/guard.ts", 'import { Kysely } from "kysely";\nexport { Kysely };\n'],
    ["packages/sdk/src/guard.ts", 'export const driver = () => import("pg");\n'],
    // React in core; Node built-ins in core and the dashboard (both run in browsers).
    ["packages/core/src/guard.ts", 'import { useState } from "react";\nexport { useState };\n'],
    ["packages/core/src/guard.ts", 'import { createRoot } from "react-dom/client";\nexport { createRoot };\n'],
    ["packages/core/src/guard.ts", 'import { readFileSync } from "node:fs";\nexport { readFileSync };\n'],
    ["packages/core/src/guard.ts", 'import { join } from "path";\nexport { join };\n'],
    ["packages/web/src/guard.ts", 'import { createHash } from "node:crypto";\nexport { createHash };\n'],
    // The dashboard and the SDK take values from core's subpaths; its root is for types.
    ["packages/web/src/guard.tsx", 'import { promptTemplateSchema } from "@promptline/core";\nexport { promptTemplateSchema };\n'],
    ["packages/sdk/src/guard.ts", 'import { ProviderError } from "@promptline/core";\nexport { ProviderError };\n'],
    // A relative path into another package's sources.
    ["packages/sdk/src/run/guard.ts", 'import { createApp } from "../../../server/src/index.js";\nexport { createApp };\n'],
    // Test tooling in production code.
    ["packages/server/src/guard.ts", 'import { describe } from "vitest";\nexport { describe };\n'],
  ];
  it.each(refused)("refuses %s: %s", async (file, code) => {
    const hits = await importRuleHits(file, code);
    expect(hits).toHaveLength(1);
  });

  const allowed: Array<[file: string, code: string]> = [
    ["packages/core/src/guard.ts", 'import { z } from "zod";\nimport { Template } from "@huggingface/jinja";\nexport { z, Template };\n'],
    ["packages/sdk/src/guard.ts", 'import { ProviderError } from "@promptline/core/errors";\nimport type { PromptTemplate } from "@promptline/core";\nimport { readFile } from "node:fs/promises";\nexport { ProviderError, readFile };\nexport type { PromptTemplate };\n'],
    ["packages/server/src/guard.ts", 'import { streamSSE } from "hono/streaming";\nimport Database from "better-sqlite3";\nimport { renderTemplate } from "@promptline/core/render";\nexport { streamSSE, Database, renderTemplate };\n'],
    ["packages/cli/src/guard.ts", 'import { Promptline } from "promptline";\nimport { createApp } from "@promptline/server";\nimport { startFakeProviders } from "@promptline/testkit";\nimport { renderTemplate } from "@promptline/core";\nexport { Promptline, createApp, startFakeProviders, renderTemplate };\n'],
    ["packages/web/src/guard.tsx", 'import type { PromptTemplate } from "@promptline/core";\nimport { knownProviders } from "@promptline/core/providers";\nimport { useState } from "react";\nexport type { PromptTemplate };\nexport { knownProviders, useState };\n'],
    // Tests may reach fakes, helpers and test tooling.
    ["packages/core/src/guard.test.ts", 'import { startFakeProviders } from "@promptline/testkit";\nimport { it } from "vitest";\nexport { startFakeProviders, it };\n'],
  ];
  it.each(allowed)("allows %s: %s", async (file, code) => {
    expect(await importRuleHits(file, code)).toEqual([]);
  });

  it("names the layer and the reason in its message", async () => {
    const [hit] = await importRuleHits("packages/sdk/src/guard.ts", 'import { streamSSE } from "hono/streaming";\nexport { streamSSE };\n');
    expect(hit).toMatch(/sdk stays free of servers/);
  });
});

describe("the dashboard's lint", () => {
  it("applies the rules of hooks", async () => {
    const code = 'import { useState } from "react";\nexport function Box({ open }: { open: boolean }) {\n  if (open) {\n    const [value] = useState(0);\n    return value;\n  }\n  return null;\n}\n';
    const [result] = await eslint.lintText(code, { filePath: `${repoRoot}/packages/web/src/guard.tsx` });
    expect(result?.messages.map((message) => message.ruleId)).toContain("react-hooks/rules-of-hooks");
  });
});
