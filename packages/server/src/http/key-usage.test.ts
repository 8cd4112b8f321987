import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createApp } from "../app.js";
import { createStorage, type ApiKeyRecord, type Storage } from "../storage/index.js";
import { keyUsageRecorder } from "./key-usage.js";

describe("keyUsageRecorder", () => {
  it("writes a key's use at most once per interval, per key, without waiting for the write", () => {
    const markUsed = vi.fn(() => new Promise<void>(() => undefined));
    let now = 1_000_000;
    const record = keyUsageRecorder({ apiKeys: { markUsed } } as unknown as Storage, { intervalMs: 60_000, now: () => now });
    const key = (id: number) => ({ id, workspace_id: 7 }) as ApiKeyRecord;
    record(key(1));
    record(key(1));
    record(key(2));
    now += 59_999;
    record(key(1));
    expect(markUsed.mock.calls).toEqual([
      [7, 1, new Date(1_000_000).toISOString()],
      [7, 2, new Date(1_000_000).toISOString()],
    ]);
    now += 1;
    record(key(1));
    expect(markUsed).toHaveBeenCalledTimes(3);
  });

  it("reports a failed write and never throws", async () => {
    const failure = new Error("database down");
    const logError = vi.fn();
    const record = keyUsageRecorder({ apiKeys: { markUsed: () => Promise.reject(failure) } } as unknown as Storage, { logError });
    expect(() => record({ id: 1, workspace_id: 1 } as ApiKeyRecord)).not.toThrow();
    await vi.waitFor(() => expect(logError).toHaveBeenCalledWith(failure));
  });
});

describe("GET /api/v1/keys shows when each key was last used", () => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await createStorage("sqlite::memory:");
  });
  afterAll(() => storage.close());

  it("a key that authenticated a request has last_used_at; an unused one has null", async () => {
    const app = createApp({ storage });
    const workspace = await storage.workspaces.ensureDefault();
    const admin = await storage.apiKeys.create(workspace.id, { name: "admin", admin: true });
    const unused = await storage.apiKeys.create(workspace.id, { name: "unused" });
    const response = await app.request("/api/v1/keys", { headers: { "x-api-key": admin.plaintext } });
    expect(response.status).toBe(200);
    await vi.waitFor(async () => {
      const listed = (await (await app.request("/api/v1/keys", { headers: { "x-api-key": admin.plaintext } })).json()) as { items: ApiKeyRecord[] };
      expect(listed.items.find((key) => key.id === admin.key.id)?.last_used_at).toEqual(expect.any(String));
      expect(listed.items.find((key) => key.id === unused.key.id)?.last_used_at).toBeNull();
    });
  });
});
