/**
 * Module hooks for running the render worker from the TypeScript sources
 * (tests run the sources through Vitest, with no build): resolve packages
 * with the `promptline-source` condition, `./x.js` imports to `./x.ts`, and
 * strip types with the TypeScript compiler (a dev dependency), caching the
 * output on disk by path, size and modification time so later workers start
 * fast. The built package never loads this file: its worker is
 * `dist/render/render-worker.js`.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import process from "node:process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const cacheDir = join(tmpdir(), "promptline-source-worker-cache");
let compiler;

export async function resolve(specifier, context, nextResolve) {
  const sourceContext = { ...context, conditions: [...(context.conditions ?? []), "promptline-source"] };
  try {
    return await nextResolve(specifier, sourceContext);
  } catch (error) {
    const relative = specifier.startsWith("./") || specifier.startsWith("../");
    if (relative && specifier.endsWith(".js") && context.parentURL?.endsWith(".ts")) {
      return nextResolve(`${specifier.slice(0, -3)}.ts`, sourceContext);
    }
    throw error;
  }
}

async function transpile(path, source) {
  compiler ??= (await import("typescript")).default;
  return compiler.transpileModule(source, {
    fileName: path,
    compilerOptions: { module: compiler.ModuleKind.ESNext, target: compiler.ScriptTarget.ES2022, verbatimModuleSyntax: true },
  }).outputText;
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const { size, mtimeMs } = await stat(path);
  const cached = join(cacheDir, `${createHash("sha256").update(`${path}\0${size}\0${mtimeMs}`).digest("hex")}.js`);
  let output = await readFile(cached, "utf8").catch(() => undefined);
  if (output === undefined) {
    output = await transpile(path, await readFile(path, "utf8"));
    await mkdir(cacheDir, { recursive: true });
    // Written whole under a unique name first, so a concurrent reader never sees half a file.
    const partial = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    await writeFile(partial, output);
    await rename(partial, cached);
  }
  return { format: "module", source: output, shortCircuit: true };
}
