import type { LogRecordInput } from "@promptline/core/schemas";

/**
 * Where log records that could not be delivered before `close()` wait for the
 * next start: a directory of JSON-lines files. Records are shipped again by
 * `request_id`, which the registry de-duplicates, so a file read by two
 * processes at once (two serverless instances sharing a volume) is harmless.
 */
export interface LogSpool {
  /** Writes the records to a new file (atomically) and returns its path; nothing for none. */
  save(records: readonly LogRecordInput[]): Promise<string | undefined>;
  /** Every spooled file with its records; a line that is not a record is skipped and reported. */
  load(): Promise<SpooledFile[]>;
  /** Deletes files whose records were delivered (or saved again); a file already gone is fine. */
  remove(paths: readonly string[]): Promise<void>;
}

export interface SpooledFile {
  path: string;
  records: LogRecordInput[];
}

const spoolFile = /^promptline-spool-\d+-[0-9a-f]+\.jsonl$/;

/**
 * A spool in `directory` (created, 0700; files 0600: they hold prompts'
 * inputs and answers). Node's file system is loaded on first use, so a client
 * without a spool never imports it.
 */
export function createFileLogSpool(directory: string, onError: (error: unknown) => void = () => {}): LogSpool {
  const fs = () => import("node:fs/promises");
  const path = () => import("node:path");

  return {
    async save(records) {
      if (records.length === 0) return undefined;
      const [{ mkdir, writeFile, rename }, { join }, { randomBytes }] = await Promise.all([fs(), path(), import("node:crypto")]);
      await mkdir(directory, { recursive: true, mode: 0o700 });
      const name = `promptline-spool-${Date.now()}-${randomBytes(6).toString("hex")}.jsonl`;
      const target = join(directory, name);
      // Written under a name `load` ignores, then renamed: a reader never sees half a file.
      const partial = `${target}.partial`;
      await writeFile(partial, records.map((record) => JSON.stringify(record)).join("\n") + "\n", { mode: 0o600 });
      await rename(partial, target);
      return target;
    },

    async load() {
      const [{ readdir, readFile }, { join }] = await Promise.all([fs(), path()]);
      let names: string[];
      try {
        names = (await readdir(directory)).filter((name) => spoolFile.test(name)).sort();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw error;
      }
      const files: SpooledFile[] = [];
      for (const name of names) {
        const file = join(directory, name);
        let text: string;
        try {
          text = await readFile(file, "utf8");
        } catch (error) {
          // Another process shipped and removed it in the meantime.
          if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
          throw error;
        }
        const records: LogRecordInput[] = [];
        for (const line of text.split("\n")) {
          if (!line.trim()) continue;
          try {
            records.push(JSON.parse(line) as LogRecordInput);
          } catch (error) {
            onError(new Error(`Skipped a line of the log spool ${file} that is not JSON: ${(error as Error).message}`));
          }
        }
        files.push({ path: file, records });
      }
      return files;
    },

    async remove(paths) {
      const { rm } = await fs();
      await Promise.all(paths.map((file) => rm(file, { force: true })));
    },
  };
}
