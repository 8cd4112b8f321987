import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { logRecordSchema } from "@promptline/core";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createStorage, type Storage } from "../storage/index.js";
import { createRetentionSweeper } from "./retention-sweeper.js";

const directory = mkdtempSync(join(tmpdir(), "promptline-sweeper-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const dayMs = 86_400_000;
let count = 0;
const record = () => logRecordSchema.parse({ request_id: `sweeper-${++count}`, status: "SUCCESS", provider: "openai", model: "m", tags: ["t"] });

/** A SQLite file with `old` requests stored 40 days ago and `recent` ones stored now, in the default workspace. */
async function seeded(name: string, old: number, recent: number): Promise<{ storage: Storage; workspaceId: number }> {
  let time = Date.now() - 40 * dayMs;
  const storage = await createStorage(`sqlite:${join(directory, `${name}.db`)}`, { now: () => new Date(time) });
  const { id } = await storage.workspaces.ensureDefault();
  await storage.requests.insertMany(id, Array.from({ length: old }, record));
  time = Date.now();
  await storage.requests.insertMany(id, Array.from({ length: recent }, record));
  return { storage, workspaceId: id };
}

describe("retention sweeper", () => {
  it("sweeps in batches until nothing expired is left, one sweep at a time", async () => {
    const { storage, workspaceId } = await seeded("batches", 23, 4);
    const batch = vi.spyOn(storage.retention, "sweepBatch");
    const sweeper = createRetentionSweeper({ storage, defaultDays: 30, batchSize: 5, dutyCycle: 1, startDelayMs: 3_600_000 });
    try {
      const first = sweeper.sweep();
      expect(sweeper.sweep()).toBe(first);
      expect(sweeper.progress().sweeping).toBe(true);
      expect(await first).toEqual({ requests: 23, spans: 0 });
      // 5 full batches and the one that found 3.
      expect(batch).toHaveBeenCalledTimes(5);
      expect(batch.mock.calls.every(([options]) => options.batchSize === 5 && options.defaultDays === 30)).toBe(true);
      expect(sweeper.progress()).toEqual({ requests: 23, spans: 0, sweeping: false });
      expect((await storage.requests.query(workspaceId, { limit: 100 })).items).toHaveLength(4);
      expect(await sweeper.sweep()).toEqual({ requests: 0, spans: 0 });
    } finally {
      await sweeper.close();
      await storage.close();
    }
  });

  it("keeps everything when neither the server nor the workspace sets a retention", async () => {
    const { storage, workspaceId } = await seeded("forever", 6, 1);
    const sweeper = createRetentionSweeper({ storage, defaultDays: null, startDelayMs: 3_600_000 });
    try {
      expect(await sweeper.sweep()).toEqual({ requests: 0, spans: 0 });
      await storage.retention.set(workspaceId, 30);
      expect(await sweeper.sweep()).toEqual({ requests: 6, spans: 0 });
    } finally {
      await sweeper.close();
      await storage.close();
    }
  });

  it("close() ends a sweep after the batch in flight, leaving the rest for the next start", async () => {
    const { storage, workspaceId } = await seeded("close", 20, 0);
    // A tiny duty cycle: after the first batch the sweeper pauses for far longer than the test runs.
    const sweeper = createRetentionSweeper({ storage, defaultDays: 30, batchSize: 5, dutyCycle: 0.0001, startDelayMs: 3_600_000 });
    const sweeping = sweeper.sweep();
    await vi.waitFor(() => expect(sweeper.progress().requests).toBe(5), { timeout: 30_000 });
    await sweeper.close();
    expect(await sweeping).toEqual({ requests: 5, spans: 0 });
    expect((await storage.requests.query(workspaceId, { limit: 100 })).items).toHaveLength(15);
    await storage.close();
  });

  it("starts its first sweep by itself after the start delay, and reports errors to onError", async () => {
    const { storage } = await seeded("scheduled", 3, 0);
    const sweeper = createRetentionSweeper({ storage, defaultDays: 30, startDelayMs: 0 });
    await vi.waitFor(() => expect(sweeper.progress()).toEqual({ requests: 3, spans: 0, sweeping: false }), { timeout: 30_000 });
    await sweeper.close();

    const errors: unknown[] = [];
    const failing = createRetentionSweeper({
      storage: { retention: { ...storage.retention, sweepBatch: () => Promise.reject(new Error("database gone")) } },
      defaultDays: 30,
      startDelayMs: 0,
      onError: (error) => errors.push(error),
    });
    await vi.waitFor(() => expect(errors).toHaveLength(1), { timeout: 30_000 });
    expect((errors[0] as Error).message).toBe("database gone");
    await failing.close();
    await storage.close();
  });
});
