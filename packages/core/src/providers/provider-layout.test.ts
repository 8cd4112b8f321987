import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { providerList } from "./provider-list.js";

/** Every provider folder has exactly these files (tests beside them are free). */
const layout = ["codecs.ts", "endpoint.ts", "index.ts", "models.ts"];

const here = dirname(fileURLToPath(import.meta.url));
const folders = readdirSync(here, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe("the provider folders (decision 0014)", () => {
  it("each have the same files", () => {
    expect(folders.length).toBeGreaterThan(0);
    for (const folder of folders) {
      const files = readdirSync(join(here, folder)).filter((name) => !name.endsWith(".test.ts")).sort();
      expect(files, `providers/${folder}/`).toEqual(layout);
    }
  });

  it("are each in the provider list, named by the provider's id", () => {
    expect(providerList.map((descriptor) => descriptor.id).sort()).toEqual(folders);
  });

  it("each export the descriptor from index.ts and nothing else there", () => {
    for (const folder of folders) {
      const source = readFileSync(join(here, folder, "index.ts"), "utf8");
      const exports = source.match(/^export .*$/gm) ?? [];
      expect(exports, `providers/${folder}/index.ts`).toHaveLength(1);
      expect(exports[0], `providers/${folder}/index.ts`).toMatch(/^export const \w+Provider = defineProvider\(\{$/);
    }
  });

  it("list each provider once", () => {
    const ids = providerList.map((descriptor) => descriptor.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

const codecsRoot = join(here, "..", "codecs");
/** Wire-format folders; `shared/` holds what they share. */
const codecFolders = readdirSync(codecsRoot, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== "shared")
  .map((entry) => entry.name);

describe("the wire-format codec folders", () => {
  it("each have the core layout: index.ts, <api>-codec.ts, <api>-stream-accumulator.ts, convert-to-* and convert-from-*", () => {
    expect(codecFolders.length).toBeGreaterThan(0);
    for (const folder of codecFolders) {
      const files = readdirSync(join(codecsRoot, folder));
      for (const name of ["index.ts", `${folder}-codec.ts`, `${folder}-stream-accumulator.ts`]) expect(files, `codecs/${folder}/`).toContain(name);
      expect(files.some((name) => /^convert-to-.+\.ts$/.test(name)), `codecs/${folder}/ convert-to-*`).toBe(true);
      expect(files.some((name) => /^convert-from-.+\.ts$/.test(name)), `codecs/${folder}/ convert-from-*`).toBe(true);
    }
  });
});
