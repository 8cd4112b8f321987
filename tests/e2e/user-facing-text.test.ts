/**
 * Text users read: the docs, and the comments their editor shows for the
 * SDK's types. It may not send them to files they don't have (the design
 * material's PromptLayer contract is not shipped).
 */
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./cli-harness.js";

async function filesUnder(dir: string, keep: (name: string) => boolean): Promise<string[]> {
  const entries = await readdir(join(repoRoot, dir), { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile() && keep(entry.name)).map((entry) => relative(repoRoot, join(entry.parentPath, entry.name)));
}

describe("user-facing text", () => {
  it("cites no design-material contract (reference/promptlayer-contract.md, 'contract §N')", async () => {
    const docs = (await readdir(join(repoRoot, "docs"))).filter((name) => name.endsWith(".md")).map((name) => `docs/${name}`);
    const typed = [
      ...(await filesUnder("packages/sdk/src", (name) => name.endsWith(".ts") && !name.endsWith(".test.ts"))),
      ...(await filesUnder("packages/core/src/schemas", (name) => name.endsWith(".ts") && !name.endsWith(".test.ts"))),
      ...(await filesUnder("packages/core/src/errors", (name) => name.endsWith(".ts") && !name.endsWith(".test.ts"))),
      ...(await filesUnder("packages/cli/src", (name) => name.endsWith(".ts") && !name.endsWith(".test.ts"))),
    ];
    const files = ["README.md", ...docs, ...typed];
    expect(files.length).toBeGreaterThan(20);
    const citations: string[] = [];
    for (const file of files) {
      const text = await readFile(join(repoRoot, file), "utf8");
      text.split("\n").forEach((line, index) => {
        if (/promptlayer-contract|contract,? §|\(§\d/.test(line)) citations.push(`${file}:${index + 1}: ${line.trim()}`);
      });
    }
    expect(citations).toEqual([]);
  });
});
