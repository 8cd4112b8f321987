import { createApp, createStorage, type Storage } from "@promptline/server";
import type { Promptline } from "promptline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deferredPlayground } from "./dashboard-wiring.js";

/** Issue 13, reproduction 6: the playground with another workspace's key was a 500 with a stack trace. */
describe("the CLI's playground runner", () => {
  let storage: Storage;
  const keys: Record<"home" | "other", string> = { home: "", other: "" };
  let homeId = 0;

  beforeAll(async () => {
    storage = await createStorage("sqlite::memory:");
    homeId = (await storage.workspaces.ensureDefault()).id;
    const other = await storage.workspaces.create({ slug: "other" });
    keys.home = (await storage.apiKeys.create(homeId, { admin: true })).plaintext;
    keys.other = (await storage.apiKeys.create(other.id, { admin: true })).plaintext;
  });
  afterAll(() => storage.close());

  const runWith = async (runner: ReturnType<typeof deferredPlayground>["runner"], key: string, logged: unknown[]) => {
    const app = createApp({ storage, playground: runner, logError: (error) => logged.push(error) });
    const response = await app.request("/api/v1/playground/run", {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": key },
      body: JSON.stringify({ prompt_name: "poem" }),
    });
    return { status: response.status, body: (await response.json()) as { message: string } };
  };

  it("answers 403 with the reason, not a 500, to a key of another workspace and before it is bound", async () => {
    const logged: unknown[] = [];
    const playground = deferredPlayground();
    const unbound = await runWith(playground.runner, keys.home, logged);
    expect(unbound.status).toBe(403);
    expect(unbound.body.message).toMatch(/PROMPTLINE_API_KEY/);
    playground.bind({} as Promptline, homeId);
    const other = await runWith(playground.runner, keys.other, logged);
    expect(other.status).toBe(403);
    expect(other.body.message).toMatch(/default workspace/);
    expect(logged).toEqual([]);
  });
});
