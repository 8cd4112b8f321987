import { resolveLabelVersion, routingOfBody } from "@promptline/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatTemplate, createRouteHarness, publish, snapshotWorkspace, type RouteHarness } from "./route-harness.contract.js";

/** Split and segmented labels over HTTP (decision 0008): our API and PromptLayer's template route. */

let h: RouteHarness;
let key: string;

beforeAll(async () => {
  h = await createRouteHarness();
  key = h.a.adminKey;
  for (const text of ["one", "two", "three"]) await publish(h, key, { prompt_name: "greet", ...chatTemplate(`Hello ${text}`), release_labels: ["prod"] });
  await h.call("PUT", "/api/v1/prompts/greet/labels/prod", { key, body: { version: 1 } });
});
afterAll(() => h.close());

const splitBody = {
  split: [
    { version: 1, weight: 90 },
    { version: 2, weight: 10 },
  ],
  sticky_by: "user",
  segments: [{ metadata: { plan: "beta" }, version: 3 }],
};

describe("PUT /api/v1/prompts/{name}/labels/{label}", () => {
  it("sets a split; GET .../labels shows split, sticky_by and segments (and version for a plain label); the history records it", async () => {
    const set = await h.call("PUT", "/api/v1/prompts/greet/labels/prod", { key, body: splitBody });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ name: "prod", ...splitBody });
    expect(set.body.version).toBeUndefined();
    await h.call("PUT", "/api/v1/prompts/greet/labels/staging", { key, body: { version: 3 } });

    const listed = await h.call("GET", "/api/v1/prompts/greet/labels", { key });
    expect(listed.body.items).toEqual([
      expect.objectContaining({ name: "prod", split: splitBody.split, sticky_by: "user", segments: splitBody.segments }),
      expect.objectContaining({ name: "staging", version: 3 }),
    ]);
    const history = await h.call("GET", "/api/v1/prompts/greet/labels/history?label=prod", { key });
    expect(history.body.items.at(-1)).toMatchObject({ from_version: 1, to_version: 1, from_routing: null, to_routing: splitBody });
  });

  it.each([
    [{ split: [{ version: 1, weight: 1 }] }, "split"],
    [{ split: [{ version: 1, weight: 0 }, { version: 2, weight: 1 }] }, "split.0.weight"],
    [{ split: [{ version: 1, weight: 2.5 }, { version: 2, weight: 1 }] }, "split.0.weight"],
    [{ split: [{ version: 1, weight: 1 }, { version: 9, weight: 1 }] }, "split.1.version"],
    [{ split: [{ version: 1, weight: 1 }, { version: 2, weight: 1 }], segments: [{ metadata: { plan: "x" }, version: 7 }] }, "segments.0.version"],
    [{ split: [{ version: 1, weight: 1 }, { version: 2, weight: 1 }], sticky_by: "" }, "sticky_by"],
    [{ split: [{ version: 1, weight: 1 }, { version: 2, weight: 1 }], extra: true }, "extra"],
    [{ version: 0 }, "version"],
  ])("refuses %j with a 400 naming %s, and changes nothing", async (body, field) => {
    const before = await snapshotWorkspace(h.storage, h.a.id);
    const result = await h.call("PUT", "/api/v1/prompts/greet/labels/prod", { key, body });
    expect(result.status).toBe(400);
    expect(result.body.message).toContain(field);
    expect(await snapshotWorkspace(h.storage, h.a.id)).toEqual(before);
  });

  it("rolls back to where the label pointed before its last move", async () => {
    await h.call("PUT", "/api/v1/prompts/greet/labels/canary", { key, body: { version: 1 } });
    await h.call("PUT", "/api/v1/prompts/greet/labels/canary", { key, body: { version: 2 } });
    const back = await h.call("POST", "/api/v1/prompts/greet/labels/canary/rollback", { key });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ name: "canary", version: 1 });
    const none = await h.call("POST", "/api/v1/prompts/greet/labels/nope/rollback", { key });
    expect(none.status).toBe(404);
    expect((await h.call("POST", "/api/v1/prompts/missing/labels/canary/rollback", { key })).status).toBe(404);
  });
});

describe("resolution of a split label", () => {
  it("the SDK's template fetch returns the label's definition and every version it names", async () => {
    const result = await h.call("GET", "/api/v1/prompts/greet/template?label=prod", { key });
    expect(result.status).toBe(200);
    expect(result.body.label).toEqual({ name: "prod", ...splitBody });
    expect(result.body.versions.map((version: { version: number }) => version.version)).toEqual([1, 3, 2]);
  });

  it("PromptLayer's template route picks the version from label + metadata_filters exactly as the shared resolver does", async () => {
    const target = routingOfBody(splitBody);
    for (let index = 0; index < 40; index++) {
      const user = `user-${index}`;
      const expected = resolveLabelVersion(target, { prompt: "greet", label: "prod", metadata: { user } }).version;
      const served = await h.call("POST", "/prompt-templates/greet", { key, body: { label: "prod", metadata_filters: { user } } });
      expect(served.body.version, user).toBe(expected);
    }
    const beta = await h.call("POST", "/prompt-templates/greet", { key, body: { label: "prod", metadata_filters: { plan: "beta", user: "user-1" } } });
    expect(beta.body.version).toBe(3);
    expect(beta.body.prompt_template.messages[0].content[0].text).toBe("Hello three");
    // Without the sticky key: at random, but only versions of the split.
    const seen = new Set<number>();
    for (let index = 0; index < 60; index++) seen.add((await h.call("POST", "/prompt-templates/greet", { key, body: { label: "prod" } })).body.version);
    expect([...seen].every((version) => version === 1 || version === 2)).toBe(true);
  });
});

describe("GET /api/v1/registry/revision", () => {
  it("answers at once without after (or with another revision); with the current one, waits for the next registry write", async () => {
    const { revision } = (await h.call("GET", "/api/v1/registry/revision", { key })).body;
    expect(revision).toBe(await h.storage.workspaces.registryRevision(h.a.id));
    expect((await h.call("GET", `/api/v1/registry/revision?after=${revision - 1}`, { key })).body.revision).toBe(revision);
    const waiting = h.call("GET", `/api/v1/registry/revision?after=${revision}&timeout_ms=10000`, { key });
    await h.call("PUT", "/api/v1/prompts/greet/labels/later", { key, body: { version: 2 } });
    expect((await waiting).body.revision).toBeGreaterThan(revision);
    // Nothing changes: the same revision after the timeout.
    const now = (await h.call("GET", "/api/v1/registry/revision", { key })).body.revision;
    expect((await h.call("GET", `/api/v1/registry/revision?after=${now}&timeout_ms=50`, { key })).body.revision).toBe(now);
  });
});

describe("GET /api/v1/prompts/{name}/labels/{label}/compare", () => {
  it("compares the versions a label served from the request log", async () => {
    const records = [1, 2, 2].map((version, index) => ({
      request_id: `cmp-${index}`,
      prompt_name: "greet",
      prompt_label: "prod",
      prompt_version: version,
      status: "SUCCESS",
      provider: "openai",
      model: "gpt-4o-mini",
      latency_ms: 100 * (index + 1),
    }));
    expect((await h.call("POST", "/api/v1/requests:batch", { key, body: { records } })).status).toBe(200);
    const result = await h.call("GET", "/api/v1/prompts/greet/labels/prod/compare", { key });
    expect(result.status).toBe(200);
    expect(result.body.items.map((item: { version: number; requests: number; p50_latency_ms: number }) => [item.version, item.requests, item.p50_latency_ms])).toEqual([
      [1, 1, 100],
      [2, 2, 200],
    ]);
    const bad = await h.call("GET", "/api/v1/prompts/greet/labels/prod/compare?from=yesterday", { key });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain("from");
  });
});
