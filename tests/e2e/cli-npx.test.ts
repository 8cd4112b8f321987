import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseEnv, buildCli, repoRoot } from "./cli-harness.js";

// `npx promptline <command>` as the README asks a user to type it, in the
// checkout after `npm ci` and the build; and the bins the published packages
// declare. (`npm ci` links a bin only when its file exists at install time,
// so the bin is a committed launcher, not `dist/main.js`.)

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string): Promise<Result> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: baseEnv({ npm_config_update_notifier: "false" }), timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

function manifest(path: string): { bin?: Record<string, string>; files?: string[] } {
  return JSON.parse(readFileSync(join(repoRoot, path), "utf8")) as { bin?: Record<string, string>; files?: string[] };
}

describe("npx promptline", () => {
  let scratch: string;

  beforeAll(async () => {
    await buildCli();
    scratch = mkdtempSync(join(tmpdir(), "promptline-npx-"));
  }, 300_000);

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it("runs the CLI in the checkout, from the root and from a sub-folder", async () => {
    for (const cwd of [repoRoot, join(repoRoot, "examples")]) {
      const result = await run("npx", ["--no-install", "promptline", "--help"], cwd);
      expect(result.stderr, `npx promptline --help in ${cwd} (if the bin is missing, run npm install to link it)`).not.toContain("could not determine executable");
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("Usage: promptline");
      expect(result.stdout).toMatch(/serve \[options\]/);
    }
  }, 120_000);

  it("both published packages declare the command with a file they ship", () => {
    for (const path of ["packages/cli/package.json", "packages/sdk/package.json"]) {
      const pkg = manifest(path);
      expect(pkg.bin, path).toEqual({ promptline: "./bin/promptline.js" });
      expect(pkg.files, path).toContain("bin");
    }
  });

  it("the SDK's launcher says how to get the CLI when it is not installed", async () => {
    // Outside the checkout, so @promptline/cli can't be resolved from it.
    const launcher = join(scratch, "promptline.js");
    copyFileSync(join(repoRoot, "packages/sdk/bin/promptline.js"), launcher);
    const result = await run(process.execPath, [launcher, "--help"], scratch);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("npm install @promptline/cli");
  });

  it("the SDK's launcher hands over to the CLI when it is installed", async () => {
    const result = await run(process.execPath, [join(repoRoot, "packages/sdk/bin/promptline.js"), "--version"], repoRoot);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
