import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiV1Paths, chatTemplate, createRouteHarness, honoPathToOpenApi, logRecord, type Loose, type RouteHarness } from "./route-harness.contract.js";

/** Our own API under /api/v1, for the SDK, the CLI and the dashboard. */

let h: RouteHarness;
let key: string;

beforeAll(async () => {
  h = await createRouteHarness();
  key = h.a.adminKey;
});
afterAll(() => h.close());

const publishV1 = (name: string, text: string, extra: Record<string, unknown> = {}, as = key) =>
  h.call("POST", "/api/v1/prompts", { key: as, body: { prompt_name: name, ...chatTemplate(text), ...extra } });

describe("prompts and versions", () => {
  beforeAll(async () => {
    expect((await publishV1("greet", "Hello {name}", { tags: ["a"], commit_message: "one", release_labels: ["prod"] })).status).toBe(201);
    expect((await publishV1("greet", "Hi {name}!", { commit_message: "two" })).status).toBe(201);
    expect((await publishV1("other", "Other", { tags: ["b"] })).status).toBe(201);
  });

  it("POST /api/v1/prompts answers 201 with {created, prompt, version, labels}, and 200 created:false when skip_if_unchanged finds no change", async () => {
    const created = await publishV1("pushed", "Same");
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ created: true, prompt: { name: "pushed", latest_version: 1 }, version: { version: 1, author_key_id: h.a.adminKeyId }, labels: [] });
    const again = await publishV1("pushed", "Same", { skip_if_unchanged: true, release_labels: ["prod"] });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: false, version: { version: 1 } });
    expect(again.body.labels.map((label: { name: string }) => label.name)).toEqual(["prod"]);
  });

  it("GET /api/v1/prompts lists with the latest version, labels, last use and request count; filters by search, tag and label", async () => {
    const all = await h.call("GET", "/api/v1/prompts", { key });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ page: 1, per_page: 30 });
    const greet = all.body.items.find((item: { name: string }) => item.name === "greet");
    expect(greet).toMatchObject({ name: "greet", tags: ["a"], version: { version: 2 }, labels: [{ name: "prod", version: 1 }], last_used_at: null, request_count: 0 });
    const names = async (query: string) =>
      ((await h.call("GET", `/api/v1/prompts?${query}`, { key })).body.items as { name: string }[]).map((item) => item.name).sort();
    expect(await names("search=GRE")).toEqual(["greet"]);
    expect(await names("tag=b")).toEqual(["other"]);
    expect(await names("label=prod")).toEqual(["greet", "pushed"]);
  });

  it("GET /api/v1/prompts/{name} gives the prompt, its versions newest first and its labels", async () => {
    const result = await h.call("GET", "/api/v1/prompts/greet", { key });
    expect(result.status).toBe(200);
    expect(result.body.prompt).toMatchObject({ name: "greet", latest_version: 2 });
    expect(result.body.versions.map((version: { version: number; commit_message: string }) => [version.version, version.commit_message])).toEqual([
      [2, "two"],
      [1, "one"],
    ]);
    expect(result.body.labels).toMatchObject([{ name: "prod", prompt_version_number: 1 }]);
  });

  it("GET /api/v1/prompts/{name}/versions lists newest first", async () => {
    const result = await h.call("GET", "/api/v1/prompts/greet/versions", { key });
    expect(result.status).toBe(200);
    expect(result.body.items.map((version: { version: number }) => version.version)).toEqual([2, 1]);
  });

  it("GET /api/v1/prompts/{name}/template picks the newest, a number, or a label (the label winning), unrendered", async () => {
    const cases: [string, number][] = [
      ["", 2],
      ["?version=1", 1],
      ["?label=prod", 1],
      ["?version=2&label=prod", 1],
    ];
    for (const [query, version] of cases) {
      const result = await h.call("GET", `/api/v1/prompts/greet/template${query}`, { key });
      expect(result.status, query).toBe(200);
      expect(result.body.version.version, query).toBe(version);
      expect(JSON.stringify(result.body.version.prompt_template)).toContain("{name}");
    }
    const labelled = await h.call("GET", "/api/v1/prompts/greet/template?label=prod", { key });
    expect(labelled.body.labels).toEqual(["prod"]);
  });

  it("finds a name with '/' or '?' when it is URL-encoded (as our SDK sends it)", async () => {
    for (const name of ["team/a", "why?", "x#y"]) {
      await publishV1(name, "n");
      const result = await h.call("GET", `/api/v1/prompts/${encodeURIComponent(name)}/template`, { key });
      expect(result.status, name).toBe(200);
      expect(result.body.prompt.name).toBe(name);
    }
  });

  it("GET /api/v1/prompts/{name}/diff lists leaf changes between two versions", async () => {
    const result = await h.call("GET", "/api/v1/prompts/greet/diff?from=1&to=2", { key });
    expect(result.status).toBe(200);
    expect(result.body.from.version).toBe(1);
    expect(result.body.to.version).toBe(2);
    expect(result.body.changes).toEqual([
      { path: "prompt_template.messages[0].content[0].text", kind: "changed", before: "Hello {name}", after: "Hi {name}!" },
      { path: "commit_message", kind: "changed", before: "one", after: "two" },
    ]);
    const same = await h.call("GET", "/api/v1/prompts/greet/diff?from=2&to=2", { key });
    expect(same.body.changes).toEqual([]);
    const missing = await h.call("GET", "/api/v1/prompts/greet/diff?from=1&to=7", { key });
    expect(missing.status).toBe(404);
    expect(missing.body.message).toContain("version 7");
    const noQuery = await h.call("GET", "/api/v1/prompts/greet/diff", { key });
    expect(noQuery.status).toBe(400);
    expect(noQuery.body.message).toMatch(/from/);
  });

  it("answers 404 with a message for an unknown prompt on every per-prompt route", async () => {
    for (const path of ["", "/versions", "/template", "/diff?from=1&to=2", "/labels", "/labels/history"]) {
      const result = await h.call("GET", `/api/v1/prompts/ghost${path}`, { key });
      expect(result.status, path).toBe(404);
      expect(result.body.message, path).toContain('"ghost"');
    }
    expect((await h.call("GET", "/api/v1/prompts/greet/template?version=9", { key })).status).toBe(404);
    expect((await h.call("GET", "/api/v1/prompts/greet/template?label=nope", { key })).status).toBe(404);
  });
});

describe("labels and their history", () => {
  it("PUT sets and moves a label, DELETE removes it (204), and the history records every move with its actor", async () => {
    await publishV1("rollout", "one");
    await publishV1("rollout", "two");
    const set = await h.call("PUT", "/api/v1/prompts/rollout/labels/prod", { key, body: { version: 1 } });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ name: "prod", prompt_version_number: 1 });
    const moved = await h.call("PUT", "/api/v1/prompts/rollout/labels/prod", { key: h.a.userKey, body: { version: 2 } });
    expect(moved.body).toMatchObject({ id: set.body.id, prompt_version_number: 2 });
    await h.call("PUT", "/api/v1/prompts/rollout/labels/canary", { key, body: { version: 2 } });
    // Setting a label where it already points records nothing.
    await h.call("PUT", "/api/v1/prompts/rollout/labels/prod", { key, body: { version: 2 } });

    const labels = await h.call("GET", "/api/v1/prompts/rollout/labels", { key });
    expect(labels.body.items.map((label: { name: string; prompt_version_number: number }) => [label.name, label.prompt_version_number])).toEqual([
      ["canary", 2],
      ["prod", 2],
    ]);
    expect((await h.call("DELETE", "/api/v1/prompts/rollout/labels/canary", { key })).status).toBe(204);

    const history = await h.call("GET", "/api/v1/prompts/rollout/labels/history", { key });
    expect(history.status).toBe(200);
    const rows = history.body.items.map((row: Record<string, unknown>) => [row.label_name, row.from_version, row.to_version, row.actor_key_id]);
    expect(rows).toEqual([
      ["prod", null, 1, h.a.adminKeyId],
      ["prod", 1, 2, h.a.userKeyId],
      ["canary", null, 2, h.a.adminKeyId],
      ["canary", 2, null, h.a.adminKeyId],
    ]);
    for (const row of history.body.items) expect(Date.parse(row.created_at)).not.toBeNaN();
    const prodOnly = await h.call("GET", "/api/v1/prompts/rollout/labels/history?label=prod", { key });
    expect(prodOnly.body.items).toHaveLength(2);
  });

  it("answers 404 for a label on an unknown version, and for deleting an unknown label; nothing changes", async () => {
    await publishV1("rollout-2", "one");
    const before = await h.call("GET", "/api/v1/prompts/rollout-2/labels/history", { key });
    const badVersion = await h.call("PUT", "/api/v1/prompts/rollout-2/labels/prod", { key, body: { version: 3 } });
    expect(badVersion.status).toBe(404);
    expect(badVersion.body.message).toContain("version 3");
    const badLabel = await h.call("DELETE", "/api/v1/prompts/rollout-2/labels/nope", { key });
    expect(badLabel.status).toBe(404);
    expect(badLabel.body.message).toContain('"nope"');
    expect((await h.call("GET", "/api/v1/prompts/rollout-2/labels/history", { key })).body).toEqual(before.body);
  });
});

describe("request log", () => {
  let q: RouteHarness;
  let qKey: string;
  let tick = 0;
  const start = Date.parse("2026-01-01T00:00:00.000Z");

  beforeAll(async () => {
    // One second per stored row, so time-range filters have something to cut.
    q = await createRouteHarness({ now: () => new Date(start + 1000 * tick++) });
    qKey = q.a.adminKey;
    await q.call("POST", "/api/v1/prompts", { key: qKey, body: { prompt_name: "p", ...chatTemplate("x") } });
    const records = Array.from({ length: 23 }, (_, index) =>
      logRecord(`req-${String(index).padStart(2, "0")}`, {
        prompt_name: index % 2 === 0 ? "p" : "q",
        prompt_version: (index % 3) + 1,
        prompt_label: index % 4 === 0 ? "prod" : null,
        tags: index % 5 === 0 ? ["five", "all"] : ["all"],
        metadata: { user: `u${index % 3}`, lane: "x" },
        status: index % 7 === 0 ? "ERROR" : "SUCCESS",
        provider: index % 2 === 0 ? "openai" : "anthropic",
        model: index % 2 === 0 ? "gpt-4o-mini" : "claude-sonnet-4-5",
        ...(index % 7 === 0 && { error_type: "PROVIDER_ERROR", error_message: "boom" }),
      }),
    );
    // One record per batch, so each gets its own created_at tick.
    for (const record of records) {
      const result = await q.call("POST", "/api/v1/requests:batch", { key: qKey, body: { records: [record] } });
      expect(result.status).toBe(200);
    }
  });
  afterAll(() => q.close());

  const ids = async (query: string) => {
    const result = await q.call("GET", `/api/v1/requests?${query}`, { key: qKey });
    expect(result.status, query).toBe(200);
    return (result.body.items as { request_id: string }[]).map((item) => Number(item.request_id.slice(4)));
  };
  const expected = (keep: (index: number) => boolean) =>
    Array.from({ length: 23 }, (_, index) => index)
      .filter(keep)
      .reverse();

  it.each([
    ["", () => true],
    ["prompt=p", (i: number) => i % 2 === 0],
    ["version=2", (i: number) => i % 3 === 1],
    ["label=prod", (i: number) => i % 4 === 0],
    ["tag=five", (i: number) => i % 5 === 0],
    ["tag=five&tag=all", (i: number) => i % 5 === 0],
    ["metadata=user:u1", (i: number) => i % 3 === 1],
    ["metadata=user:u1&metadata=lane:x", (i: number) => i % 3 === 1],
    ["status=ERROR", (i: number) => i % 7 === 0],
    ["provider=anthropic", (i: number) => i % 2 === 1],
    ["model=gpt-4o-mini", (i: number) => i % 2 === 0],
    ["prompt=q&status=SUCCESS&tag=five", (i: number) => i % 2 === 1 && i % 7 !== 0 && i % 5 === 0],
  ])("GET /api/v1/requests?%s filters, newest first", async (query, keep) => {
    expect(await ids(`${query}&limit=500`)).toEqual(expected(keep));
  });

  it("filters by time range: from inclusive, to exclusive", async () => {
    const createdAt = async (index: number) =>
      (await q.call("GET", `/api/v1/requests/req-${String(index).padStart(2, "0")}`, { key: qKey })).body.created_at as string;
    const [from, to] = [await createdAt(4), await createdAt(9)];
    expect(from < to).toBe(true);
    expect(await ids(`from=${from}&to=${to}`)).toEqual([8, 7, 6, 5, 4]);
    expect(await ids(`from=${to}&limit=500`)).toEqual(expected((i) => i >= 9));
  });

  it("pages with a cursor, visiting every row once, newest first", async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const result: { body: Record<string, Loose> } = await q.call("GET", `/api/v1/requests?limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { key: qKey });
      seen.push(...(result.body.items as { request_id: string }[]).map((item) => Number(item.request_id.slice(4))));
      cursor = result.body.next_cursor;
      pages++;
    } while (cursor && pages < 50);
    expect(pages).toBe(5);
    expect(seen).toEqual(expected(() => true));
  });

  it("pages a filtered query with a cursor too", async () => {
    const first = await q.call("GET", "/api/v1/requests?provider=openai&limit=4", { key: qKey });
    const second = await q.call("GET", `/api/v1/requests?provider=openai&limit=4&cursor=${encodeURIComponent(first.body.next_cursor)}`, { key: qKey });
    const both = [...first.body.items, ...second.body.items].map((item: { request_id: string }) => Number(item.request_id.slice(4)));
    expect(both).toEqual(expected((i) => i % 2 === 0).slice(0, 8));
  });

  it("refuses bad filters with 400 and a message naming the field", async () => {
    const cases: [string, RegExp][] = [
      ["status=DONE", /status/],
      ["limit=0", /limit/],
      ["limit=501", /limit/],
      ["from=yesterday", /from/],
      ["metadata=nokey", /key:value/],
      ["version=abc", /version/],
      ["cursor=not-a-cursor", /cursor/],
    ];
    for (const [query, named] of cases) {
      const result = await q.call("GET", `/api/v1/requests?${query}`, { key: qKey });
      expect(result.status, query).toBe(400);
      expect(result.body.message, query).toMatch(named);
    }
  });

  it("GET /api/v1/requests/{request_id} returns DESIGN.md's fields, by client id or integer id; 404 otherwise", async () => {
    const byClientId = await q.call("GET", "/api/v1/requests/req-07", { key: qKey });
    expect(byClientId.status).toBe(200);
    const designFields = [
      "request_id",
      "prompt_name",
      "prompt_version",
      "tags",
      "metadata",
      "group_id",
      "input_variables",
      "status",
      "provider",
      "model",
      "usage",
      "cost_usd",
      "latency_ms",
      "request",
      "response",
      "prompt_blueprint",
      "error_type",
      "error_message",
    ];
    expect(Object.keys(byClientId.body)).toEqual(expect.arrayContaining(designFields));
    expect(byClientId.body).toMatchObject({ request_id: "req-07", status: "ERROR", error_type: "PROVIDER_ERROR", error_message: "boom", cost_usd: null });
    const byId = await q.call("GET", `/api/v1/requests/${byClientId.body.id}`, { key: qKey });
    expect(byId.body.request_id).toBe("req-07");
    const missing = await q.call("GET", "/api/v1/requests/req-99", { key: qKey });
    expect(missing.status).toBe(404);
    expect(missing.body.message).toContain("req-99");
  });
});

describe("POST /api/v1/requests:batch", () => {
  it("is idempotent on request_id: the same records twice are all duplicates the second time, and stored once", async () => {
    const local = await createRouteHarness();
    try {
      const k = local.a.adminKey;
      const records = [logRecord("b-1", { tags: ["x"] }), logRecord("b-2"), logRecord("b-3", { status: "ERROR", error_type: "PROVIDER_TIMEOUT" })];
      const first = await local.call("POST", "/api/v1/requests:batch", { key: k, body: { records } });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ accepted: 3, duplicates: 0 });
      expect(first.body.results.map((result: { request_id: string; created: boolean }) => [result.request_id, result.created])).toEqual([
        ["b-1", true],
        ["b-2", true],
        ["b-3", true],
      ]);
      const second = await local.call("POST", "/api/v1/requests:batch", { key: k, body: { records } });
      expect(second.body).toMatchObject({ accepted: 0, duplicates: 3 });
      expect(second.body.results.map((result: { id: number }) => result.id)).toEqual(first.body.results.map((result: { id: number }) => result.id));
      const mixed = await local.call("POST", "/api/v1/requests:batch", { key: k, body: { records: [logRecord("b-4"), records[0]] } });
      expect(mixed.body).toMatchObject({ accepted: 1, duplicates: 1 });
      const listed = await local.call("GET", "/api/v1/requests", { key: k });
      expect(listed.body.items.map((item: { request_id: string }) => item.request_id).sort()).toEqual(["b-1", "b-2", "b-3", "b-4"]);
    } finally {
      await local.close();
    }
  });
  it("builds its records as /track-request and /log-request do (one builder): a long error cut, an untyped error typed, latency and cost derived", async () => {
    const local = await createRouteHarness();
    try {
      const k = local.a.adminKey;
      const longError = `503 upstream ${"x".repeat(10_000)}`;
      const record = logRecord("drift-1", {
        status: "ERROR",
        error_type: null,
        error_message: longError,
        usage: { input_tokens: 1000, output_tokens: 10 },
        request_start_time: "2026-01-01T00:00:00.000Z",
        request_end_time: "2026-01-01T00:00:00.250Z",
      });
      delete (record as Record<string, unknown>).latency_ms;
      delete (record as Record<string, unknown>).cost_usd;
      const batch = await local.call("POST", "/api/v1/requests:batch", { key: k, body: { records: [record] } });
      expect(batch.status, batch.text).toBe(200);
      const viaBatch = (await local.call("GET", "/api/v1/requests/drift-1", { key: k })).body;
      const tracked = await local.call("POST", "/track-request", {
        key: k,
        body: {
          function_name: "openai.chat.completions.create",
          kwargs: { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] },
          request_response: {},
          status: "ERROR",
          error_message: longError,
          request_start_time: "2026-01-01T00:00:00.000Z",
          request_end_time: "2026-01-01T00:00:00.250Z",
        },
      });
      expect(tracked.status, tracked.text).toBe(200);
      const viaTrack = (await local.call("GET", `/api/v1/requests/${tracked.body.request_id}`, { key: k })).body;
      for (const stored of [viaBatch, viaTrack]) {
        expect(stored).toMatchObject({ status: "ERROR", error_type: "UNKNOWN_ERROR", latency_ms: 250 });
        expect(stored.error_message).toBe(longError.slice(0, 4096));
      }
      expect(viaBatch.cost_usd).toBeGreaterThan(0);
    } finally {
      await local.close();
    }
  });
});

describe("track helpers on a request", () => {
  it("metadata, score, prompt and group answer 200 and change the request; an unknown request is 404", async () => {
    await h.call("POST", "/api/v1/requests:batch", { key, body: { records: [logRecord("t-1")] } });
    const group = await h.call("POST", "/api/v1/groups", { key });
    expect(group.status).toBe(201);
    expect(group.body).toMatchObject({ id: expect.any(Number), workspace_id: h.a.id });
    const steps: [string, Record<string, unknown>][] = [
      ["metadata", { metadata: { k: "v" } }],
      ["score", { score: 42, name: "quality" }],
      ["prompt", { prompt_name: "greet", version: 1, input_variables: { name: "Ann" } }],
      ["group", { group_id: group.body.id }],
    ];
    for (const [route, body] of steps) {
      const result = await h.call("POST", `/api/v1/requests/t-1/${route}`, { key, body });
      expect(result.status, route).toBe(200);
      expect(result.body.success).toBe(true);
      const missing = await h.call("POST", `/api/v1/requests/t-404/${route}`, { key, body });
      expect(missing.status, route).toBe(404);
      expect(missing.body.message).toContain("t-404");
    }
    const stored = await h.call("GET", "/api/v1/requests/t-1", { key });
    expect(stored.body).toMatchObject({ metadata: { k: "v" }, scores: { quality: 42 }, prompt_name: "greet", prompt_version: 1, input_variables: { name: "Ann" }, group_id: group.body.id });
    const unknownPrompt = await h.call("POST", "/api/v1/requests/t-1/prompt", { key, body: { prompt_name: "ghost" } });
    expect(unknownPrompt.status).toBe(404);
  });
});

describe("API keys", () => {
  it("an admin creates (201, key shown once), lists (no secrets) and revokes (204) keys; revocation holds on the next request", async () => {
    const local = await createRouteHarness();
    try {
      const admin = local.a.adminKey;
      const created = await local.call("POST", "/api/v1/keys", { key: admin, body: { name: "ci" } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id: expect.any(Number), name: "ci", admin: false, revoked_at: null, key: expect.any(String) });
      const newKey = created.body.key as string;
      expect(newKey.startsWith(created.body.prefix)).toBe(true);
      expect((await local.call("GET", "/api/v1/prompts", { key: newKey })).status).toBe(200);

      const listed = await local.call("GET", "/api/v1/keys", { key: admin });
      expect(listed.status).toBe(200);
      expect(listed.body.items.map((item: { name: string }) => item.name).sort()).toEqual(["admin", "ci", "user"]);
      expect(listed.text).not.toContain(newKey);
      expect(listed.text).not.toContain(admin);

      expect((await local.call("DELETE", `/api/v1/keys/${created.body.id}`, { key: admin })).status).toBe(204);
      const refused = await local.call("GET", "/api/v1/prompts", { key: newKey });
      expect(refused.status).toBe(401);
      expect(refused.text).not.toContain(newKey);
      expect(refused.text).not.toContain(created.body.prefix);
      const again = await local.call("DELETE", `/api/v1/keys/${created.body.id}`, { key: admin });
      expect(again.status).toBe(404);
      const listedAfter = await local.call("GET", "/api/v1/keys", { key: admin });
      expect(listedAfter.body.items.find((item: { id: number }) => item.id === created.body.id).revoked_at).toEqual(expect.any(String));

      const adminKey = await local.call("POST", "/api/v1/keys", { key: admin, body: { name: "ops", admin: true } });
      expect((await local.call("GET", "/api/v1/keys", { key: adminKey.body.key })).status).toBe(200);
    } finally {
      await local.close();
    }
  });

  it("refuses a non-admin key on every key route with 403, changing nothing", async () => {
    const before = await h.call("GET", "/api/v1/keys", { key });
    for (const [method, path, body] of [
      ["GET", "/api/v1/keys", undefined],
      ["POST", "/api/v1/keys", { name: "sneaky", admin: true }],
      ["DELETE", `/api/v1/keys/${h.a.adminKeyId}`, undefined],
    ] as const) {
      const result = await h.call(method, path, { key: h.a.userKey, body });
      expect(result.status, `${method} ${path}`).toBe(403);
      expect(result.body.message).toMatch(/admin/);
    }
    expect((await h.call("GET", "/api/v1/keys", { key })).body).toEqual(before.body);
  });

  it("answers a wrong, missing or revoked key with the same 401 that names no key", async () => {
    const wrong = "pl_wrongwrongwrongwrong123456";
    const results = [
      await h.call("GET", "/api/v1/prompts", { key: wrong }),
      await h.call("GET", "/api/v1/prompts"),
      await h.call("POST", "/track-request", { key: wrong, auth: "body", body: { function_name: "x" } }),
      await h.call("POST", "/prompt-templates/greet", { key: "" }),
    ];
    for (const result of results) {
      expect(result.status).toBe(401);
      expect(result.body).toMatchObject({ success: false, message: expect.stringMatching(/API key/) });
      expect(result.text).not.toContain(wrong);
      expect(result.text).not.toContain("pl_");
    }
    expect(results[0]!.body).toEqual(results[1]!.body);
  });
});

describe("workspace retention", () => {
  it("GET shows the server's default, PUT sets the workspace's own (validated), null goes back to the default", async () => {
    const local = await createRouteHarness({ retentionDays: 90 });
    try {
      const admin = local.a.adminKey;
      const get = () => local.call("GET", "/api/v1/workspace/retention", { key: admin });
      expect((await get()).body).toEqual({ days: 90, source: "server", workspace_days: null, server_days: 90 });
      const set = await local.call("PUT", "/api/v1/workspace/retention", { key: admin, body: { days: 14 } });
      expect(set.status).toBe(200);
      expect(set.body).toEqual({ days: 14, source: "workspace", workspace_days: 14, server_days: 90 });
      expect(await local.storage.retention.get(local.a.id)).toBe(14);
      for (const body of [{ days: 0 }, { days: 36_501 }, { days: 1.5 }, { days: "14" }, {}, { days: 14, keep: "forever" }]) {
        const refused = await local.call("PUT", "/api/v1/workspace/retention", { key: admin, body });
        expect(refused.status, JSON.stringify(body)).toBe(400);
      }
      expect((await get()).body.days).toBe(14);
      expect((await local.call("PUT", "/api/v1/workspace/retention", { key: admin, body: { days: null } })).body).toEqual({
        days: 90,
        source: "server",
        workspace_days: null,
        server_days: 90,
      });
    } finally {
      await local.close();
    }
    // Without --retention-days and without a setting of its own, nothing is ever deleted.
    expect((await h.call("GET", "/api/v1/workspace/retention", { key })).body).toEqual({ days: null, source: "none", workspace_days: null, server_days: null });
  });

  it("the OpenAPI document describes the PUT body", async () => {
    const doc = (await h.call("GET", "/api/v1/openapi.json")).body;
    const schema = doc.paths["/api/v1/workspace/retention"].put.requestBody.content["application/json"].schema;
    expect(schema.required).toEqual(["days"]);
    expect(JSON.stringify(schema.properties.days)).toContain("36500");
  });
});

describe("health and OpenAPI", () => {
  it("GET /healthz answers 200 without a key", async () => {
    const result = await h.call("GET", "/healthz");
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ ok: true, database: "sqlite", version: expect.any(String) });
  });

  it("GET /api/v1/openapi.json is an OpenAPI 3.1 document listing every /api/v1 route of the app, and no other", async () => {
    const result = await h.call("GET", "/api/v1/openapi.json");
    expect(result.status).toBe(200);
    const doc = result.body;
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: "apiKey", in: "header", name: "X-API-KEY" });

    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(apiV1Paths(h.app).sort());

    for (const [path, operations] of Object.entries(doc.paths as Record<string, Record<string, Record<string, Loose>>>)) {
      expect(path.startsWith("/api/v1/")).toBe(true);
      const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      for (const [method, operation] of Object.entries(operations)) {
        expect(["get", "post", "put", "patch", "delete"]).toContain(method);
        expect(operation.summary, `${method} ${path}`).toEqual(expect.any(String));
        expect(Object.keys(operation.responses).some((status) => /^[23]\d\d$/.test(status))).toBe(true);
        const declared = (operation.parameters as { in: string; name: string; required: boolean }[]).filter((p) => p.in === "path");
        expect(declared.map((p) => p.name).sort()).toEqual([...pathParams].sort());
        expect(declared.every((p) => p.required)).toBe(true);
        if (operation.requestBody) expect(operation.requestBody.content["application/json"].schema).toEqual(expect.any(Object));
      }
    }
    // The schemas that validate the routes are in it.
    expect(doc.paths["/api/v1/prompts"].post.requestBody.content["application/json"].schema.required).toEqual(
      expect.arrayContaining(["prompt_name", "prompt_template"]),
    );
    expect(doc.paths["/api/v1/requests:batch"].post.requestBody.content["application/json"].schema.properties.records).toBeDefined();
  });

  it("converts Hono paths to OpenAPI paths", () => {
    expect(honoPathToOpenApi("/api/v1/keys/:id{[0-9]+}")).toBe("/api/v1/keys/{id}");
    expect(honoPathToOpenApi("/api/v1/:segment{requests:batch}")).toBe("/api/v1/requests:batch");
    expect(honoPathToOpenApi("/api/v1/prompts/:name/labels/:label")).toBe("/api/v1/prompts/{name}/labels/{label}");
  });
});
