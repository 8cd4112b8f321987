import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { minOperatorKeyLength, startServer } from "./start-server.js";

const folder = mkdtempSync(join(tmpdir(), "promptline-start-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("startServer", () => {
  it("refuses a PROMPTLINE_API_KEY shorter than 24 characters, naming the variable, before it opens (or creates) the database", async () => {
    const database = join(folder, "short-key.db");
    const short = "pl_" + "k".repeat(minOperatorKeyLength - 4);
    await expect(startServer({ database: `sqlite:${database}`, port: 0, apiKey: short })).rejects.toThrow(/PROMPTLINE_API_KEY is too short: 23 characters, at least 24/);
    expect(existsSync(database)).toBe(false);
    const server = await startServer({ database: `sqlite:${database}`, port: 0, apiKey: short + "k" });
    await server.close();
  });

  it("creates the SQLite file and its -wal and -shm files readable by their owner only (0600)", async () => {
    const database = join(folder, "private.db");
    const server = await startServer({ database: `sqlite:${database}`, port: 0, apiKey: "pl_private_file_key_0123456789" });
    try {
      for (const file of [database, `${database}-wal`, `${database}-shm`]) {
        expect(existsSync(file), file).toBe(true);
        expect((statSync(file).mode & 0o777).toString(8), file).toBe("600");
      }
    } finally {
      await server.close();
    }
  });

  it("leaves the permissions of an existing file alone", async () => {
    const database = join(folder, "existing.db");
    writeFileSync(database, "", { mode: 0o640 });
    const server = await startServer({ database: `sqlite:${database}`, port: 0, apiKey: "pl_existing_file_key_0123456789" });
    await server.close();
    expect((statSync(database).mode & 0o777).toString(8)).toBe("640");
  });
});
