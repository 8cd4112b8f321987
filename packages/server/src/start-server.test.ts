import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { logRecordSchema } from "@promptline/core";
import { afterAll, describe, expect, it, vi } from "vitest";
import { minOperatorKeyLength, startServer } from "./start-server.js";
import { createStorage } from "./storage/index.js";

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

  it("with retentionDays, sweeps expired records in the background and keeps the rest (issue 20)", async () => {
    const database = `sqlite:${join(folder, "retention.db")}`;
    const seeder = await createStorage(database, { now: () => new Date(Date.now() - 45 * 86_400_000) });
    const { id: workspaceId } = await seeder.workspaces.ensureDefault();
    const record = (id: string) => logRecordSchema.parse({ request_id: id, status: "SUCCESS", provider: "openai", model: "m", tags: ["t"] });
    await seeder.requests.insertMany(workspaceId, Array.from({ length: 12 }, (_, index) => record(`old-${index}`)));
    await seeder.close();
    await expect(startServer({ database, port: 0, retentionDays: 0 })).rejects.toThrow(/retentionDays must be a whole number of days from 1 to 36500/);

    const server = await startServer({ database, port: 0, apiKey: "pl_retention_start_key_0123456789", retentionDays: 30, retentionSweep: { startDelayMs: 0, batchSize: 5 } });
    try {
      await server.storage.requests.insertMany(workspaceId, [record("fresh")]);
      await vi.waitFor(() => expect(server.retention?.progress()).toEqual({ requests: 12, spans: 0, sweeping: false }));
      const left = await server.storage.requests.query(workspaceId, { limit: 100 });
      expect(left.items.map((item) => item.request_id)).toEqual(["fresh"]);
    } finally {
      await server.close();
    }
    const never = await startServer({ database, port: 0, retentionSweep: false });
    expect(never.retention).toBeUndefined();
    await never.close();
  });
});
