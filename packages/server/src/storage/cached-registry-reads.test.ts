import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { logRecordSchema, promptTemplateSchema, uuidv7, type PromptTemplate } from "@promptline/core";
import { afterAll, describe, expect, it } from "vitest";
import { freshSchemaName, pgQuery, reachablePostgres } from "../testing/postgres-target.js";
import { createStorage } from "./create-storage.js";
import type { Storage } from "./storage.js";

/**
 * Two storages on one database stand for two server instances: what one
 * caches must never outlive what the other writes.
 */
function cacheContract(open: () => Promise<Storage>) {
  const chat = (text: string): PromptTemplate => promptTemplateSchema.parse({ type: "chat", messages: [{ role: "user", content: [{ type: "text", text }] }] });
  const text = (resolved: { version: { prompt_template: PromptTemplate } } | undefined) =>
    resolved?.version.prompt_template.type === "chat" ? resolved.version.prompt_template.messages[0]?.content?.[0] : undefined;

  async function twoInstances() {
    const writer = await open();
    const reader = await open();
    const workspace = await writer.workspaces.ensureDefault();
    const { plaintext, key } = await writer.apiKeys.create(workspace.id, { name: "cache-test" });
    const name = `cached-${Math.random().toString(36).slice(2, 8)}`;
    await writer.prompts.publish(workspace.id, { name, prompt_template: chat("one"), release_labels: ["prod"] });
    return { writer, reader, ws: workspace.id, plaintext, key, name, close: async () => Promise.all([writer.close(), reader.close()]) };
  }

  it("serves a repeated read from memory (the same frozen object), and a log write doesn't invalidate it", async () => {
    const { writer, reader, ws, plaintext, name, close } = await twoInstances();
    try {
      const first = await reader.prompts.getVersion(ws, { name }, { label: "prod" });
      const key = await reader.apiKeys.findByPlaintext(plaintext);
      expect(await reader.prompts.getVersion(ws, { name }, { label: "prod" })).toBe(first);
      expect(await reader.apiKeys.findByPlaintext(plaintext)).toBe(key);
      expect(Object.isFrozen(first?.version.prompt_template)).toBe(true);
      expect(() => {
        (first as { labels: string[] }).labels.push("mutated");
      }).toThrow(TypeError);
      await writer.requests.insertMany(ws, [logRecordSchema.parse({ request_id: uuidv7(Date.now(), randomBytes(10)), status: "SUCCESS", provider: "openai", model: "m" })]);
      expect(await reader.prompts.getVersion(ws, { name }, { label: "prod" })).toBe(first);
    } finally {
      await close();
    }
  });

  it("sees another instance's publish, label move and label deletion on the next read", async () => {
    const { writer, reader, ws, name, close } = await twoInstances();
    try {
      expect(text(await reader.prompts.getVersion(ws, { name }, { label: "prod" }))).toMatchObject({ text: "one" });
      expect((await reader.prompts.getVersion(ws, { name }))?.version.version).toBe(1);

      await writer.prompts.publish(ws, { name, prompt_template: chat("two"), release_labels: ["prod"] });
      expect(text(await reader.prompts.getVersion(ws, { name }, { label: "prod" }))).toMatchObject({ text: "two" });
      expect((await reader.prompts.getVersion(ws, { name }))?.version.version).toBe(2);

      const prod = (await writer.labels.list(ws, { name })).find((label) => label.name === "prod");
      await writer.labels.move(ws, prod!.id, 1);
      expect(text(await reader.prompts.getVersion(ws, { name }, { label: "prod" }))).toMatchObject({ text: "one" });

      await writer.labels.delete(ws, prod!.id);
      expect(await reader.prompts.getVersion(ws, { name }, { label: "prod" })).toBeUndefined();

      // A miss is cached too, and a later publish of the missing prompt ends it.
      const missing = `${name}-later`;
      expect(await reader.prompts.getVersion(ws, { name: missing })).toBeUndefined();
      await writer.prompts.publish(ws, { name: missing, prompt_template: chat("late") });
      expect(text(await reader.prompts.getVersion(ws, { name: missing }))).toMatchObject({ text: "late" });
    } finally {
      await close();
    }
  });

  it("refuses a key revoked by another instance at once", async () => {
    const { writer, reader, ws, plaintext, key, close } = await twoInstances();
    try {
      expect((await reader.apiKeys.findByPlaintext(plaintext))?.id).toBe(key.id);
      expect(await writer.apiKeys.revoke(ws, key.id)).toBe(true);
      expect(await reader.apiKeys.findByPlaintext(plaintext)).toBeUndefined();
      // And stays refused (a revoked key is never cached as valid).
      expect(await reader.apiKeys.findByPlaintext(plaintext)).toBeUndefined();
    } finally {
      await close();
    }
  });

  it("a write that rolls back leaves no entry tagged with its revision, which another instance's write could then reuse", async () => {
    const { writer, reader, ws, name, close } = await twoInstances();
    try {
      expect(text(await reader.prompts.getVersion(ws, { name }, { label: "prod" }))).toMatchObject({ text: "one" });
      // On the reader's own connection: the label write raises the revision, then fails (no version 99) and rolls back.
      const failing = reader.labels.set(ws, { prompt: { name }, name: "prod", version: 99 });
      const during: Promise<unknown>[] = [];
      let settled = false;
      void failing.catch(() => undefined).finally(() => (settled = true));
      // Reads at every step of that transaction: one that saw its uncommitted revision would cache the old version under it.
      for (let step = 0; step < 200 && !settled; step++) {
        during.push(reader.prompts.getVersion(ws, { name }, { label: "prod" }));
        await Promise.resolve();
      }
      await expect(failing).rejects.toThrow();
      for (const read of await Promise.all(during)) expect(text(read as never)).toMatchObject({ text: "one" });
      // Another instance's write now takes the revision the rolled-back one had.
      await writer.prompts.publish(ws, { name, prompt_template: chat("two"), release_labels: ["prod"] });
      expect(text(await reader.prompts.getVersion(ws, { name }, { label: "prod" }))).toMatchObject({ text: "two" });
    } finally {
      await close();
    }
  });

  it("keeps workspaces apart: the same name in two workspaces is two entries", async () => {
    const { writer, reader, ws, name, close } = await twoInstances();
    try {
      const other = await writer.workspaces.create({ slug: `other-${Math.random().toString(36).slice(2, 8)}` });
      await writer.prompts.publish(other.id, { name, prompt_template: chat("theirs"), release_labels: ["prod"] });
      expect(text(await reader.prompts.getVersion(ws, { name }, { label: "prod" }))).toMatchObject({ text: "one" });
      expect(text(await reader.prompts.getVersion(other.id, { name }, { label: "prod" }))).toMatchObject({ text: "theirs" });
      expect(text(await reader.prompts.getVersion(ws, { name }, { label: "prod" }))).toMatchObject({ text: "one" });
    } finally {
      await close();
    }
  });
}

describe("cached registry reads: bounds", () => {
  const chat = (text: string): PromptTemplate => promptTemplateSchema.parse({ type: "chat", messages: [{ role: "user", content: [{ type: "text", text }] }] });

  it("forgets the least recently used entry beyond maxEntries", async () => {
    const storage = await createStorage("sqlite::memory:", { registryCache: { maxEntries: 2 } });
    try {
      const ws = (await storage.workspaces.ensureDefault()).id;
      for (const name of ["a", "b", "c"]) await storage.prompts.publish(ws, { name, prompt_template: chat(name) });
      const a = await storage.prompts.getVersion(ws, { name: "a" });
      const b = await storage.prompts.getVersion(ws, { name: "b" });
      expect(await storage.prompts.getVersion(ws, { name: "a" })).toBe(a); // a is now the most recent
      await storage.prompts.getVersion(ws, { name: "c" }); // evicts b
      expect(await storage.prompts.getVersion(ws, { name: "a" })).toBe(a);
      const bAgain = await storage.prompts.getVersion(ws, { name: "b" });
      expect(bAgain).toEqual(b);
      expect(bAgain).not.toBe(b);
    } finally {
      await storage.close();
    }
  });

  it("keeps the cached templates under maxCharacters: a big one is read each time, small ones stay", async () => {
    const storage = await createStorage("sqlite::memory:", { registryCache: { maxCharacters: 10_000 } });
    try {
      const ws = (await storage.workspaces.ensureDefault()).id;
      await storage.prompts.publish(ws, { name: "big", prompt_template: chat("x".repeat(20_000)) });
      await storage.prompts.publish(ws, { name: "small", prompt_template: chat("y") });
      const big = await storage.prompts.getVersion(ws, { name: "big" });
      expect(await storage.prompts.getVersion(ws, { name: "big" })).not.toBe(big);
      expect(await storage.prompts.getVersion(ws, { name: "big" })).toEqual(big);
      const small = await storage.prompts.getVersion(ws, { name: "small" });
      expect(await storage.prompts.getVersion(ws, { name: "small" })).toBe(small);
    } finally {
      await storage.close();
    }
  });
});

const directory = mkdtempSync(join(tmpdir(), "promptline-cache-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe("cached registry reads on one SQLite file, two connections", () => {
  cacheContract(() => createStorage(`sqlite:${join(directory, "cache.db")}`));
});

const reachable = await reachablePostgres();
if ("url" in reachable) {
  const schema = freshSchemaName("promptline_cache");
  describe("cached registry reads on one PostgreSQL database, two pools", () => {
    afterAll(() => pgQuery(reachable.url, `drop schema if exists "${schema}" cascade`));
    cacheContract(() => createStorage(reachable.url, { schema, maxConnections: 4 }));
  });
} else if (process.env.CI) {
  describe("cached registry reads on PostgreSQL", () => {
    it("reaches PostgreSQL (required in CI)", () => {
      throw new Error(`PostgreSQL is unreachable, and CI must not skip this suite: ${reachable.error}`);
    });
  });
} else {
  console.warn(`Skipping the PostgreSQL cache suite: ${reachable.error}.`);
}
