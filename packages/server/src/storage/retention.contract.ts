import { InvalidRequestError, logRecordSchema } from "@promptline/core";
import { describe, expect, it } from "vitest";
import { spanRecord, suiteStorage, type StorageFactory } from "./storage.contract.js";
import type { RequestInsert, RetentionSweepOptions, RetentionSweepResult, SpanRecord, Storage } from "./storage.js";

/** Rows of `table` that belong to the workspace, read straight from the database (side tables have no API of their own). */
export type CountRows = (table: "request_log" | "request_tag" | "request_metadata" | "request_score" | "span", workspaceId: number) => Promise<number>;

const dayMs = 86_400_000;

/**
 * Retention on every database (decision 0018): what is older than the
 * workspace's retention goes, with its tags, metadata, scores and spans;
 * what is newer stays; a workspace's own setting wins over the default; and
 * a sweep goes one small batch at a time.
 */
export function retentionContract(factory: StorageFactory, countRows: CountRows): void {
  describe("retention", () => {
    let storage: Storage;
    let workspaceCount = 0;
    const clock = suiteStorage(factory, "2025-03-01T00:00:00.000Z", (opened) => (storage = opened));

    const newWorkspace = async () => (await storage.workspaces.create({ slug: `retention-${++workspaceCount}` })).id;
    let requestCount = 0;
    const record = (fields: Partial<RequestInsert> = {}): RequestInsert =>
      logRecordSchema.parse({ request_id: `retention-request-${++requestCount}`, status: "SUCCESS", provider: "openai", model: "m", ...fields });
    let spanCount = 0;
    const span = (traceId: string): SpanRecord =>
      spanRecord({
        trace_id: traceId,
        span_id: (++spanCount).toString(16).padStart(16, "0"),
        name: "step",
        start_time_unix_nano: "1740787200000000000",
        end_time_unix_nano: "1740787200500000000",
      });

    /** Sweeps until a batch deletes nothing; returns every batch's result. */
    async function sweepAll(options: Omit<RetentionSweepOptions, "now">): Promise<RetentionSweepResult[]> {
      const batches: RetentionSweepResult[] = [];
      for (;;) {
        const result = await storage.retention.sweepBatch({ ...options, now: clock.current() });
        if (result.requests === 0 && result.spans === 0) return batches;
        batches.push(result);
        if (batches.length > 1000) throw new Error("the sweep never ends");
      }
    }
    const total = (batches: RetentionSweepResult[], field: keyof RetentionSweepResult) => batches.reduce((sum, batch) => sum + batch[field], 0);

    it("reads, sets and clears a workspace's own retention, refusing what is not 1 to 36,500 whole days", async () => {
      const ws = await newWorkspace();
      expect(await storage.retention.get(ws)).toBeNull();
      expect(await storage.retention.set(ws, 30)).toBe(true);
      expect(await storage.retention.get(ws)).toBe(30);
      expect(await storage.retention.set(ws, 36_500)).toBe(true);
      expect(await storage.retention.get(ws)).toBe(36_500);
      for (const bad of [0, -1, 1.5, 36_501, Number.NaN]) {
        await expect(storage.retention.set(ws, bad)).rejects.toBeInstanceOf(InvalidRequestError);
      }
      expect(await storage.retention.get(ws)).toBe(36_500);
      expect(await storage.retention.set(ws, null)).toBe(true);
      expect(await storage.retention.get(ws)).toBeNull();
      expect(await storage.retention.get(987_654)).toBeUndefined();
      expect(await storage.retention.set(987_654, 7)).toBe(false);
    });

    it("deletes expired requests with their tags, metadata, scores and spans, a batch at a time, and keeps recent ones", async () => {
      const ws = await newWorkspace();
      await storage.retention.set(ws, 30);
      const oldTrace = "a".repeat(32);
      const old = Array.from({ length: 5 }, (_, index) => record({ tags: [`old-${index}`, "shared"], metadata: { batch: "old", index: String(index) }, trace_id: oldTrace }));
      await storage.requests.insertMany(ws, old);
      await storage.scores.add(ws, { request: old[0]!.request_id, score: 80 });
      await storage.scores.add(ws, { request: old[1]!.request_id, score: 20, name: "other" });
      await storage.spans.insertMany(ws, [span(oldTrace), span(oldTrace), span(oldTrace)]);

      clock.advance(31 * dayMs);
      const recentTrace = "b".repeat(32);
      const recent = [record({ tags: ["shared"], metadata: { batch: "new" } }), record({ tags: ["shared"] })];
      await storage.requests.insertMany(ws, recent);
      await storage.scores.add(ws, { request: recent[0]!.request_id, score: 99 });
      await storage.spans.insertMany(ws, [span(recentTrace)]);

      const batches = await sweepAll({ defaultDays: null, batchSize: 2 });
      for (const batch of batches) {
        expect(batch.requests).toBeLessThanOrEqual(2);
        expect(batch.spans).toBeLessThanOrEqual(2);
      }
      expect(batches.length).toBeGreaterThanOrEqual(3);
      expect(total(batches, "requests")).toBe(5);
      expect(total(batches, "spans")).toBe(3);

      for (const gone of old) expect(await storage.requests.get(ws, gone.request_id)).toBeUndefined();
      const kept = await storage.requests.query(ws, { tags: ["shared"] });
      expect(kept.items.map((item) => item.request_id).sort()).toEqual(recent.map((item) => item.request_id).sort());
      expect((await storage.requests.get(ws, recent[0]!.request_id))?.scores).toEqual({ default: 99 });
      expect(await storage.spans.trace(ws, oldTrace)).toEqual([]);
      expect(await storage.spans.trace(ws, recentTrace)).toHaveLength(1);
      expect(await countRows("request_log", ws)).toBe(2);
      expect(await countRows("request_tag", ws)).toBe(2);
      expect(await countRows("request_metadata", ws)).toBe(1);
      expect(await countRows("request_score", ws)).toBe(1);
      expect(await countRows("span", ws)).toBe(1);
    });

    it("applies the server's default to workspaces without their own retention, and each workspace's own otherwise", async () => {
      const followsDefault = await newWorkspace();
      const keepsLonger = await newWorkspace();
      const keepsShorter = await newWorkspace();
      await storage.retention.set(keepsLonger, 365);
      await storage.retention.set(keepsShorter, 10);
      for (const ws of [followsDefault, keepsLonger, keepsShorter]) await storage.requests.insertMany(ws, [record({ tags: ["aged"] }), record()]);
      clock.advance(20 * dayMs);
      for (const ws of [followsDefault, keepsLonger, keepsShorter]) await storage.requests.insertMany(ws, [record()]);

      // Without a default only the workspace with a short retention of its own loses anything.
      expect(total(await sweepAll({ defaultDays: null, batchSize: 100 }), "requests")).toBe(2);
      expect(await countRows("request_log", followsDefault)).toBe(3);
      expect(await countRows("request_log", keepsShorter)).toBe(1);

      // 40 and 20 days on: the default (30) takes the oldest two; the short retention (10) takes its last one too.
      clock.advance(20 * dayMs);
      await sweepAll({ defaultDays: 30, batchSize: 100 });
      expect(await countRows("request_log", followsDefault)).toBe(1);
      expect(await countRows("request_tag", followsDefault)).toBe(0);
      expect(await countRows("request_log", keepsLonger)).toBe(3);
      expect(await countRows("request_tag", keepsLonger)).toBe(1);
      expect(await countRows("request_log", keepsShorter)).toBe(0);

      await expect(storage.retention.sweepBatch({ defaultDays: 0, batchSize: 10 })).rejects.toBeInstanceOf(InvalidRequestError);
      await expect(storage.retention.sweepBatch({ defaultDays: 30, batchSize: 0 })).rejects.toBeInstanceOf(InvalidRequestError);
    });

    it("keeps logging while it sweeps: records written between batches are kept, and their ids stay unique", async () => {
      const ws = await newWorkspace();
      await storage.retention.set(ws, 1);
      await storage.requests.insertMany(ws, Array.from({ length: 30 }, () => record({ tags: ["early"] })));
      clock.advance(2 * dayMs);
      const fresh: RequestInsert[] = [];
      let deleted = 0;
      for (;;) {
        const next = record({ tags: ["late"] });
        fresh.push(next);
        const [swept] = await Promise.all([storage.retention.sweepBatch({ defaultDays: null, batchSize: 4, now: clock.current() }), storage.requests.insertMany(ws, [next])]);
        deleted += swept.requests;
        if (swept.requests === 0) break;
      }
      expect(deleted).toBe(30);
      const page = await storage.requests.query(ws, { limit: 500 });
      expect(page.items.map((item) => item.request_id).sort()).toEqual(fresh.map((item) => item.request_id).sort());
      expect(new Set(page.items.map((item) => item.id)).size).toBe(fresh.length);
      // A kept record re-sent is still a duplicate: the sweep left its key alone.
      const [again] = await storage.requests.insertMany(ws, [fresh[0]!]);
      expect(again?.created).toBe(false);
    });
  });
}
