import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyRole } from "../storage/index.js";
import { chatTemplate, createRouteHarness, snapshotWorkspace, type CallResult, type Loose, type RouteHarness } from "./route-harness.contract.js";

/**
 * Protected labels through every route that moves, deletes or publishes onto
 * a label, in both APIs: an editor gets 403 `label_protected` and nothing
 * changes; a deployer (and an admin) may; the history says which key moved
 * what. Plus the protection routes themselves and key roles on `/api/v1/keys`.
 */

let h: RouteHarness;
const keys = {} as Record<KeyRole, { plaintext: string; id: number }>;
let counter = 0;

beforeAll(async () => {
  h = await createRouteHarness();
  for (const role of ["runner", "editor", "deployer", "admin"] as const) {
    const created = await h.storage.apiKeys.create(h.a.id, { name: `${role}-key`, role });
    keys[role] = { plaintext: created.plaintext, id: created.key.id };
  }
});
afterAll(() => h.close());

/** A prompt with versions 1 to 3, `prod` created on 1 and moved to 2 (by the deployer), so it can also be rolled back. */
async function promptWithProd() {
  const name = `guarded-${++counter}`;
  const as = keys.deployer.plaintext;
  expect((await h.call("POST", "/api/v1/prompts", { key: as, body: { prompt_name: name, ...chatTemplate("one"), release_labels: ["prod"] } })).status).toBe(201);
  expect((await h.call("POST", "/api/v1/prompts", { key: as, body: { prompt_name: name, ...chatTemplate("two"), release_labels: ["prod"] } })).status).toBe(201);
  const third = await h.call("POST", "/api/v1/prompts", { key: as, body: { prompt_name: name, ...chatTemplate("three") } });
  const prod = (third.body.labels as { id: number; name: string }[]).find((label) => label.name === "prod")!;
  return { name, id: third.body.prompt.id as number, prodId: prod.id };
}

type LabelWrite = (prompt: Awaited<ReturnType<typeof promptWithProd>>, key: string) => Promise<CallResult>;

/** Every way to change `prod`: moves, deletions and publishes, through both APIs. */
const writes: Record<string, { write: LabelWrite; ok: number }> = {
  "PUT /api/v1/prompts/{name}/labels/prod": { ok: 200, write: (p, key) => h.call("PUT", `/api/v1/prompts/${p.name}/labels/prod`, { key, body: { version: 3 } }) },
  "PUT /api/v1/prompts/{name}/labels/prod as a split": {
    ok: 200,
    write: (p, key) => h.call("PUT", `/api/v1/prompts/${p.name}/labels/prod`, { key, body: { split: [{ version: 2, weight: 90 }, { version: 3, weight: 10 }] } }),
  },
  "POST /api/v1/prompts/{name}/labels/prod/rollback": { ok: 200, write: (p, key) => h.call("POST", `/api/v1/prompts/${p.name}/labels/prod/rollback`, { key }) },
  "DELETE /api/v1/prompts/{name}/labels/prod": { ok: 204, write: (p, key) => h.call("DELETE", `/api/v1/prompts/${p.name}/labels/prod`, { key }) },
  "POST /api/v1/prompts with release_labels": {
    ok: 201,
    write: (p, key) => h.call("POST", "/api/v1/prompts", { key, body: { prompt_name: p.name, ...chatTemplate("four"), release_labels: ["staging", "prod"] } }),
  },
  "POST /prompts/{id}/label (PromptLayer)": {
    ok: 201,
    write: (p, key) => h.call("POST", `/prompts/${p.id}/label`, { key, body: { name: "prod", prompt_version_number: 3 } }),
  },
  "PATCH /prompt-labels/{id} (PromptLayer)": { ok: 200, write: (p, key) => h.call("PATCH", `/prompt-labels/${p.prodId}`, { key, body: { prompt_version_number: 3 } }) },
  "DELETE /prompt-labels/{id} (PromptLayer)": { ok: 204, write: (p, key) => h.call("DELETE", `/prompt-labels/${p.prodId}`, { key }) },
  "POST /rest/prompt-templates with release_labels (PromptLayer)": {
    ok: 201,
    write: (p, key) => {
      const version = { prompt_name: p.name, ...chatTemplate("four") };
      return h.call("POST", "/rest/prompt-templates", { key, body: { prompt_template: version, prompt_version: version, release_labels: ["staging", "prod"] } });
    },
  },
};

describe("protected labels", () => {
  it("a new workspace protects prod; an admin protects and unprotects names; other roles may only read the list", async () => {
    const admin = keys.admin.plaintext;
    expect((await h.call("GET", "/api/v1/protected-labels", { key: keys.runner.plaintext })).body).toEqual({ labels: ["prod"] });
    const put = await h.call("PUT", "/api/v1/protected-labels/release%20candidate", { key: admin });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ labels: ["prod", "release candidate"] });
    expect((await h.call("PUT", "/api/v1/protected-labels/release%20candidate", { key: admin })).body).toEqual({ labels: ["prod", "release candidate"] });
    const deleted = await h.call("DELETE", "/api/v1/protected-labels/release%20candidate", { key: admin });
    expect(deleted.body).toEqual({ labels: ["prod"] });
    for (const role of ["runner", "editor", "deployer"] as const) {
      const refused = await h.call("PUT", "/api/v1/protected-labels/staging", { key: keys[role].plaintext });
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatchObject({ code: "forbidden", required_role: "admin" });
    }
    expect((await h.call("GET", "/api/v1/protected-labels", { key: admin })).body).toEqual({ labels: ["prod"] });
    expect((await h.call("PUT", `/api/v1/protected-labels/${"x".repeat(300)}`, { key: admin })).status).toBe(400);
    // Another workspace's list is its own.
    expect((await h.call("GET", "/api/v1/protected-labels", { key: h.b.adminKey })).body).toEqual({ labels: ["prod"] });
  });

  for (const [route, { write }] of Object.entries(writes)) {
    it(`an editor gets 403 label_protected from ${route}, and nothing changes`, async () => {
      const prompt = await promptWithProd();
      const before = await snapshotWorkspace(h.storage, h.a.id);
      const result = await write(prompt, keys.editor.plaintext);
      expect(result.status, result.text).toBe(403);
      expect(result.body.error).toMatchObject({ code: "label_protected", label: "prod", required_role: "deployer", role: "editor" });
      expect(result.body.message).toMatch(/"prod" is protected.*needs the deployer role/);
      expect(await snapshotWorkspace(h.storage, h.a.id)).toEqual(before);
    });
  }

  for (const role of ["deployer", "admin"] as const) {
    it(`a ${role} may change prod through every route, and the history names the key`, async () => {
      for (const [route, { write, ok }] of Object.entries(writes)) {
        const prompt = await promptWithProd();
        const result = await write(prompt, keys[role].plaintext);
        expect(result.status, `${route}: ${result.text}`).toBe(ok);
        const history = await h.call("GET", `/api/v1/prompts/${prompt.name}/labels/history?label=prod`, { key: keys.runner.plaintext });
        const last = history.body.items.at(-1) as Record<string, Loose>;
        expect(last, route).toMatchObject({ actor_key_id: keys[role].id, actor_key_name: `${role}-key` });
        expect(history.body.items[0], route).toMatchObject({ actor_key_id: keys.deployer.id, actor_key_name: "deployer-key", from_version: null, to_version: 1 });
      }
    });
  }

  it("an editor moves labels that are not protected, and protected ones once an admin unprotects them; a newly protected name is refused", async () => {
    const editor = keys.editor.plaintext;
    const admin = keys.admin.plaintext;
    const prompt = await promptWithProd();
    expect((await h.call("PUT", `/api/v1/prompts/${prompt.name}/labels/staging`, { key: editor, body: { version: 1 } })).status).toBe(200);

    expect((await h.call("PUT", "/api/v1/protected-labels/staging", { key: admin })).status).toBe(200);
    const refused = await h.call("PUT", `/api/v1/prompts/${prompt.name}/labels/staging`, { key: editor, body: { version: 2 } });
    expect(refused.body.error).toMatchObject({ code: "label_protected", label: "staging" });

    expect((await h.call("DELETE", "/api/v1/protected-labels/prod", { key: admin })).status).toBe(200);
    expect((await h.call("PUT", `/api/v1/prompts/${prompt.name}/labels/prod`, { key: editor, body: { version: 2 } })).status).toBe(200);
    expect((await h.call("PUT", "/api/v1/protected-labels/prod", { key: admin })).status).toBe(200);
    expect((await h.call("DELETE", "/api/v1/protected-labels/staging", { key: admin })).status).toBe(200);
  });

  it("a runner changes no label at all, protected or not", async () => {
    const prompt = await promptWithProd();
    for (const label of ["prod", "staging"]) {
      const result = await h.call("PUT", `/api/v1/prompts/${prompt.name}/labels/${label}`, { key: keys.runner.plaintext, body: { version: 3 } });
      expect(result.status).toBe(403);
      expect(result.body.error).toMatchObject({ code: "forbidden", required_role: "editor", role: "runner" });
    }
  });
});

describe("roles of keys on /api/v1/keys", () => {
  it("creates a key with a role, with admin: true (admin) or with neither (deployer); lists every key's role", async () => {
    const admin = keys.admin.plaintext;
    const create = (body: Record<string, unknown>) => h.call("POST", "/api/v1/keys", { key: admin, body });
    const runner = await create({ name: "app", role: "runner" });
    expect(runner.status).toBe(201);
    expect(runner.body).toMatchObject({ name: "app", role: "runner", admin: false, key: expect.stringMatching(/^pl_/) });
    expect((await create({ name: "legacy-admin", admin: true })).body).toMatchObject({ role: "admin", admin: true });
    expect((await create({ name: "plain" })).body).toMatchObject({ role: "deployer", admin: false });
    expect((await create({ name: "plain-false", admin: false })).body).toMatchObject({ role: "deployer" });
    expect((await create({ name: "both", admin: true, role: "admin" })).body).toMatchObject({ role: "admin" });

    const listed = await h.call("GET", "/api/v1/keys", { key: admin });
    const roleOf = (name: string) => (listed.body.items as { name: string; role: string }[]).find((item) => item.name === name)?.role;
    expect([roleOf("app"), roleOf("legacy-admin"), roleOf("plain"), roleOf("editor-key"), roleOf("admin-key")]).toEqual(["runner", "admin", "deployer", "editor", "admin"]);

    // The new runner key reads but may not publish.
    expect((await h.call("GET", "/api/v1/prompts", { key: runner.body.key })).status).toBe(200);
    expect((await h.call("POST", "/api/v1/prompts", { key: runner.body.key, body: { prompt_name: "nope", ...chatTemplate("x") } })).status).toBe(403);
  });

  it("refuses an unknown role, and admin: true with another role, with a 400 naming the field", async () => {
    const admin = keys.admin.plaintext;
    const unknown = await h.call("POST", "/api/v1/keys", { key: admin, body: { name: "x", role: "owner" } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/role/);
    const contradictory = await h.call("POST", "/api/v1/keys", { key: admin, body: { name: "x", role: "runner", admin: true } });
    expect(contradictory.status).toBe(400);
    expect(contradictory.body.message).toMatch(/role/);
  });
});
