import { InvalidRequestError, logRecordSchema, PromptNotFoundError, promptTemplateSchema, type PromptTemplate } from "@promptline/core";
import { describe, expect, it } from "vitest";
import { suiteStorage, type StorageFactory } from "./storage.contract.js";
import type { RequestInsert, Storage } from "./storage.js";

/**
 * Split and segmented labels, rollback and the per-version comparison
 * (decision 0008), on every database: run by `storage.sqlite.test.ts` and
 * `storage.postgres.test.ts` next to the storage contract.
 */
export function labelRoutingContract(factory: StorageFactory): void {
  describe("split labels (storage)", () => {
    let storage: Storage;
    let count = 0;
    suiteStorage(factory, "2025-03-01T00:00:00.000Z", (opened) => (storage = opened));

    const workspaceWith = async (versions: number) => {
      const { id } = await storage.workspaces.create({ slug: `routing-${++count}-${Math.random().toString(36).slice(2, 8)}` });
      for (let index = 1; index <= versions; index++) await storage.prompts.publish(id, { name: "p", prompt_template: chat(`v${index}`) });
      return id;
    };
    const routing = {
      split: [
        { version: 1, weight: 90 },
        { version: 2, weight: 10 },
      ],
      sticky_by: "user",
      segments: [{ metadata: { plan: "beta" }, version: 3 }],
    };

    it("stores a split with its sticky key and segments, shows it on the label, and records it in the history", async () => {
      const ws = await workspaceWith(3);
      await storage.labels.set(ws, { prompt: { name: "p" }, name: "prod", version: 1 });
      const before = await storage.workspaces.registryRevision(ws);
      const split = await storage.labels.set(ws, { prompt: { name: "p" }, name: "prod", version: 1, routing });
      expect(split).toMatchObject({ name: "prod", prompt_version_number: 1, routing });
      expect(await storage.workspaces.registryRevision(ws)).toBeGreaterThan(before!);
      expect(await storage.labels.list(ws, { name: "p" })).toEqual([split]);
      // Setting the same split again is no move.
      await storage.labels.set(ws, { prompt: { name: "p" }, name: "prod", version: 1, routing });
      const resolved = await storage.prompts.getVersion(ws, { name: "p" }, { label: "prod" });
      expect(resolved?.version.version).toBe(1);
      expect(resolved?.label_target).toEqual({ version: 1, routing });
      expect((await storage.prompts.getVersion(ws, { name: "p" }, { version: 2 }))?.label_target).toBeUndefined();

      const history = await storage.labels.history(ws, { name: "p" }, { label: "prod" });
      expect(history.map((move) => [move.from_version, move.to_version, move.from_routing, move.to_routing])).toEqual([
        [null, 1, null, null],
        [1, 1, null, routing],
      ]);
    });

    it("refuses a split naming a version that doesn't exist, naming the field, and changes nothing", async () => {
      const ws = await workspaceWith(2);
      await storage.labels.set(ws, { prompt: { name: "p" }, name: "prod", version: 1 });
      const bad = { ...routing, segments: [{ metadata: { plan: "beta" }, version: 9 }] };
      const error = await storage.labels.set(ws, { prompt: { name: "p" }, name: "prod", version: 1, routing: bad }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect((error as InvalidRequestError).message).toContain("segments.0.version");
      expect((await storage.labels.list(ws, { name: "p" }))[0]?.routing).toBeNull();
      expect(await storage.labels.history(ws, { name: "p" })).toHaveLength(1);
    });

    it("rolls a label back to where it was before its last move, split or not, recording the rollback as a move", async () => {
      const ws = await workspaceWith(3);
      await expect(storage.labels.rollback(ws, { name: "p" }, "prod")).rejects.toBeInstanceOf(PromptNotFoundError);
      await storage.labels.set(ws, { prompt: { name: "p" }, name: "prod", version: 1 });
      await expect(storage.labels.rollback(ws, { name: "p" }, "prod")).rejects.toBeInstanceOf(InvalidRequestError);
      await storage.labels.set(ws, { prompt: { name: "p" }, name: "prod", version: 1, routing });
      await storage.labels.set(ws, { prompt: { name: "p" }, name: "prod", version: 3 });

      const back = await storage.labels.rollback(ws, { name: "p" }, "prod");
      expect(back).toMatchObject({ prompt_version_number: 1, routing });
      const again = await storage.labels.rollback(ws, { name: "p" }, "prod");
      expect(again).toMatchObject({ prompt_version_number: 3, routing: null });

      // A deleted label comes back.
      await storage.labels.delete(ws, again.id);
      expect(await storage.labels.rollback(ws, { name: "p" }, "prod")).toMatchObject({ prompt_version_number: 3, routing: null });
      const history = await storage.labels.history(ws, { name: "p" }, { label: "prod" });
      expect(history.map((move) => [move.from_version, move.to_version, move.to_routing === null ? "one" : "split"])).toEqual([
        [null, 1, "one"],
        [1, 1, "split"],
        [1, 3, "one"],
        [3, 1, "split"],
        [1, 3, "one"],
        [3, null, "one"],
        [null, 3, "one"],
      ]);
      await expect(storage.labels.rollback(ws, { name: "nope" }, "prod")).rejects.toBeInstanceOf(PromptNotFoundError);
    });

    it("PromptLayer's PATCH by id makes a split label plain again", async () => {
      const ws = await workspaceWith(2);
      const label = await storage.labels.set(ws, { prompt: { name: "p" }, name: "prod", version: 1, routing: { ...routing, segments: [] } });
      expect(await storage.labels.move(ws, label.id, 2)).toMatchObject({ prompt_version_number: 2, routing: null });
    });

    it("compares the versions a label served: requests, error rate, latency percentiles, tokens, cost, mean score, in a time range", async () => {
      const ws = await workspaceWith(2);
      const other = await workspaceWith(2);
      const records: RequestInsert[] = [];
      for (let index = 1; index <= 20; index++) {
        records.push(
          log({
            request_id: `cmp-${ws}-${index}`,
            prompt_name: "p",
            prompt_label: "prod",
            prompt_version: index <= 15 ? 1 : 2,
            status: index % 5 === 0 ? "ERROR" : "SUCCESS",
            latency_ms: index * 10,
            usage: { input_tokens: 10, output_tokens: index },
            cost_usd: 0.5,
          }),
        );
      }
      records.push(log({ request_id: `cmp-${ws}-staging`, prompt_name: "p", prompt_label: "staging", prompt_version: 2, latency_ms: 1 }));
      await storage.requests.insertMany(ws, records);
      await storage.requests.insertMany(other, [log({ request_id: `cmp-${ws}-1`, prompt_name: "p", prompt_label: "prod", prompt_version: 1 })]);
      await storage.scores.add(ws, { request: `cmp-${ws}-1`, score: 100 });
      await storage.scores.add(ws, { request: `cmp-${ws}-2`, score: 50 });

      const items = await storage.requests.compareLabel(ws, { prompt_name: "p", prompt_label: "prod" });
      expect(items).toEqual([
        {
          version: 1,
          requests: 15,
          errors: 3,
          error_rate: 0.2,
          p50_latency_ms: 80,
          p95_latency_ms: 150,
          input_tokens: 150,
          output_tokens: 120,
          cost_usd: 7.5,
          mean_score: 75,
        },
        {
          version: 2,
          requests: 5,
          errors: 1,
          error_rate: 0.2,
          p50_latency_ms: 180,
          p95_latency_ms: 200,
          input_tokens: 50,
          output_tokens: 90,
          cost_usd: 2.5,
          mean_score: null,
        },
      ]);
      const stored = await storage.requests.get(ws, `cmp-${ws}-1`);
      expect(await storage.requests.compareLabel(ws, { prompt_name: "p", prompt_label: "prod", from: new Date(Date.parse(stored!.created_at) + 1).toISOString() })).toEqual([]);
      expect(await storage.requests.compareLabel(ws, { prompt_name: "p", prompt_label: "prod", to: stored!.created_at })).toEqual([]);
    });
  });
}

function chat(text: string): PromptTemplate {
  return promptTemplateSchema.parse({ type: "chat", messages: [{ role: "user", content: [{ type: "text", text }] }] });
}

function log(fields: Partial<RequestInsert> & { request_id: string }): RequestInsert {
  return logRecordSchema.parse({ status: "SUCCESS", provider: "openai", model: "gpt-4o-mini", ...fields });
}
