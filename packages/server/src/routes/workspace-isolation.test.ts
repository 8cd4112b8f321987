import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  appRoutes,
  chatTemplate,
  createRouteHarness,
  fillPath,
  logRecord,
  publish,
  snapshotWorkspace,
  type CallOptions,
  type Loose,
  type RouteHarness,
} from "./route-harness.contract.js";

/**
 * A key of workspace A can read, write or list nothing of workspace B. Every
 * route of the app (read from `app.routes`, so a new route fails this file
 * until it has a case) is called with A's admin key and B's identifiers; the
 * answer is a 4xx or A's own data, never anything of B's, and B's stored data
 * is unchanged afterwards.
 */

// Only B's content carries this marker; B's identifiers don't (404 messages echo identifiers).
const marker = /b-secret/i;

let h: RouteHarness;
let keyA: string;
const bTraceId = "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0";
/** A PromptLayer span in B's trace (A may send spans with the same ids: they are A's own). */
const bOnlyTraceId = "b9b9b9b9b9b9b9b9b9b9b9b9b9b9b9b9";
const bSpan = (name: string, traceId = bTraceId) => ({ name, context: { trace_id: traceId, span_id: "b1b1b1b1b1b1b1b1" }, kind: "SpanKind.INTERNAL", start_time: "1700000000000000000", end_time: "1700000001000000000", attributes: {} });
const b = { promptName: "only-in-b", promptId: 0, labelId: 0, labelName: "b-only-label", requestId: "only-in-b-req", requestIntId: 0, groupId: 0, keyId: 0 };
const a = { requestId: "a-own-req", requestIntId: 0 };
let before: unknown;

beforeAll(async () => {
  h = await createRouteHarness();
  keyA = h.a.adminKey;
  const keyB = h.b.adminKey;
  const published = await publish(h, keyB, {
    prompt_name: b.promptName,
    ...chatTemplate("B-SECRET template {x}", { system: "b-secret system" }),
    tags: ["b-secret-tag"],
    commit_message: "b-secret commit",
    release_labels: [b.labelName],
  });
  b.promptId = published.id;
  b.labelId = (await h.call("GET", `/prompt-templates/${b.promptName}/labels`, { key: keyB })).body.release_labels[0].release_label_id;
  b.groupId = (await h.call("POST", "/api/v1/groups", { key: keyB })).body.id;
  // Request numbers count per workspace: B logs more than A, so B's last number names no request of A.
  const batch = await h.call("POST", "/api/v1/requests:batch", {
    key: keyB,
    body: {
      records: [
        ...Array.from({ length: 100 }, (_, index) => logRecord(`b-earlier-${index}`)),
        logRecord(b.requestId, { prompt_name: b.promptName, tags: ["b-secret-tag"], metadata: { who: "b-secret" }, group_id: b.groupId }),
      ],
    },
  });
  b.requestIntId = batch.body.results[100].id;
  await h.call("POST", `/api/v1/requests/${b.requestId}/score`, { key: keyB, body: { score: 5, name: "b-secret-score" } });
  b.keyId = (await h.call("POST", "/api/v1/keys", { key: keyB, body: { name: "b-secret-key" } })).body.id;
  await h.call("PUT", "/api/v1/workspace/retention", { key: keyB, body: { days: 7 } });
  const spans = await h.call("POST", "/spans-bulk", { key: keyB, body: { spans: [bSpan("b-secret span"), bSpan("b-secret other", bOnlyTraceId)] } });
  if (spans.body.accepted !== 2) throw new Error(`B's span was not stored: ${spans.text}`);

  // A has data of its own, so its lists are not trivially empty.
  await publish(h, keyA, { prompt_name: "a-own", ...chatTemplate("A's template"), release_labels: ["prod"] });
  a.requestIntId = (await h.call("POST", "/api/v1/requests:batch", { key: keyA, body: { records: [logRecord(a.requestId, { tags: ["a"] })] } })).body.results[0].id;

  before = await snapshotWorkspace(h.storage, h.b.id);
});
afterAll(() => h.close());

interface IsolationCase {
  /** Path parameters; defaults point at B's resources. */
  params?: Record<string, string | number>;
  query?: string;
  options?: CallOptions;
  /** The status A gets. */
  status: number;
  /** More checks on A's answer. */
  check?: (body: Record<string, Loose>) => void | Promise<void>;
}

const bParams = () => ({
  name: b.promptName,
  label: b.labelName,
  request_id: b.requestId,
  id: b.keyId,
  identifier: b.promptName,
  promptId: b.promptId,
  labelId: b.labelId,
  trace_id: bTraceId,
});

const trackBody = () => ({
  function_name: "openai.chat.completions.create",
  kwargs: { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] },
  request_response: {},
  prompt_id: b.promptId,
  prompt_version: 1,
  group_id: b.groupId,
});

/** A's names in a list: its own seed among them, none of B's. */
const expectOnlyA = (names: string[]) => {
  expect(names.some((name) => name === "a-own" || name === a.requestId)).toBe(true);
  expect(names).not.toContain(b.promptName);
  expect(names).not.toContain(b.requestId);
};

/** One case per route, keyed `METHOD path` as Hono registered it. */
const cases = (): Record<string, IsolationCase[]> => ({
  "GET /healthz": [{ status: 200 }],
  "GET /api/v1/openapi.json": [{ status: 200 }],
  "GET /api/v1/prompts": [{ status: 200, check: (body) => expectOnlyA(body.items.map((item: { name: string }) => item.name)) }],
  "POST /api/v1/prompts": [{ status: 201, options: { body: { prompt_name: "a-new", ...chatTemplate("a") } } }],
  "GET /api/v1/prompts/:name": [{ status: 404 }],
  "GET /api/v1/prompts/:name/versions": [{ status: 404 }],
  "GET /api/v1/prompts/:name/template": [{ status: 404 }, { status: 404, query: `?label=${b.labelName}` }],
  "GET /api/v1/prompts/:name/diff": [{ status: 404, query: "?from=1&to=1" }],
  "GET /api/v1/prompts/:name/labels": [{ status: 404 }],
  "GET /api/v1/prompts/:name/labels/history": [{ status: 404 }],
  "PUT /api/v1/prompts/:name/labels/:label": [{ status: 404, options: { body: { version: 1 } } }],
  "DELETE /api/v1/prompts/:name/labels/:label": [{ status: 404 }],
  "POST /api/v1/prompts/:name/labels/:label/rollback": [{ status: 404 }],
  "GET /api/v1/prompts/:name/labels/:label/compare": [{ status: 404 }],
  "POST /api/v1/prompts/:name/archive": [{ status: 404 }],
  "POST /api/v1/prompts/:name/unarchive": [{ status: 404 }],
  "GET /api/v1/registry/revision": [
    { status: 200, check: async (body) => expect(body.revision).toBe(await h.storage.workspaces.registryRevision(h.a.id)) },
  ],
  "GET /api/v1/requests": [
    { status: 200, check: (body) => expectOnlyA(body.items.map((item: { request_id: string }) => item.request_id)) },
    { status: 200, query: `?prompt=${b.promptName}`, check: (body) => expect(body.items).toEqual([]) },
    { status: 200, query: `?group_id=${b.groupId}`, check: (body) => expect(body.items).toEqual([]) },
  ],
  "POST /api/v1/:segment{requests:batch}": [
    { status: 200, options: { body: { records: [logRecord("a-batch-own")] } }, check: (body) => expect(body).toMatchObject({ accepted: 1, duplicates: 0 }) },
    { status: 400, options: { body: { records: [logRecord("a-with-b-group", { group_id: b.groupId })] } } },
  ],
  "GET /api/v1/requests/:request_id": [{ status: 404 }, { status: 404, params: { request_id: b.requestIntId } }],
  "POST /api/v1/requests/:request_id/metadata": [{ status: 404, options: { body: { metadata: { k: "v" } } } }],
  "POST /api/v1/requests/:request_id/score": [{ status: 404, options: { body: { score: 1 } } }, { status: 404, params: { request_id: b.requestIntId }, options: { body: { score: 1 } } }],
  "POST /api/v1/requests/:request_id/prompt": [
    { status: 404, options: { body: { prompt_name: "a-own" } } },
    // A's own request, linked to B's prompt: unknown in A.
    { status: 404, params: { request_id: a.requestId }, options: { body: { prompt_name: b.promptName } } },
  ],
  "POST /api/v1/requests/:request_id/group": [
    // The group is checked first: B's group is unknown in A.
    { status: 400, options: { body: { group_id: b.groupId } } },
    { status: 400, params: { request_id: a.requestId }, options: { body: { group_id: b.groupId } } },
  ],
  "POST /api/v1/groups": [{ status: 201 }],
  // Protection is per workspace: A protecting or unprotecting a name B uses changes only A's list.
  "GET /api/v1/protected-labels": [{ status: 200, check: (body) => expect(body.labels).toEqual(["prod"]) }],
  "PUT /api/v1/protected-labels/:label": [{ status: 200, check: (body) => expect(body.labels).toEqual([b.labelName, "prod"]) }],
  "DELETE /api/v1/protected-labels/:label": [{ status: 200, check: (body) => expect(body.labels).toEqual(["prod"]) }],
  // Retention is per workspace: A sees and sets its own, B keeps its 7 days (the snapshot checks).
  "GET /api/v1/workspace/retention": [{ status: 200, check: (body) => expect(body).toEqual({ days: null, source: "none", workspace_days: null, server_days: null }) }],
  "PUT /api/v1/workspace/retention": [{ status: 200, options: { body: { days: 30 } }, check: (body) => expect(body).toMatchObject({ days: 30, workspace_days: 30 }) }],
  "GET /api/v1/keys": [{ status: 200, check: (body) => expect(body.items.every((item: { workspace_id: number }) => item.workspace_id === h.a.id)).toBe(true) }],
  "POST /api/v1/keys": [{ status: 201, options: { body: { name: "a-new-key" } } }],
  "DELETE /api/v1/keys/:id{[0-9]+}": [{ status: 404 }],
  "POST /prompt-templates/:identifier{.+}": [{ status: 404 }, { status: 404, params: { identifier: b.promptId } }, { status: 404, params: { identifier: "a-own" }, options: { body: { label: b.labelName } } }],
  "GET /prompt-templates/:identifier{.+}/labels": [{ status: 404 }, { status: 404, params: { identifier: b.promptId } }],
  "GET /prompt-templates": [{ status: 200, check: (body) => expectOnlyA(body.items.map((item: { prompt_name: string }) => item.prompt_name)) }],
  "POST /rest/prompt-templates": [{ status: 201, options: { body: { prompt_template: { prompt_name: "a-rest", ...chatTemplate("a") } } } }],
  "POST /prompts/:promptId{[0-9]+}/label": [{ status: 404, options: { body: { prompt_version_number: 1, name: "stolen" } } }],
  "PATCH /prompt-labels/:labelId{[0-9]+}": [{ status: 404, options: { body: { prompt_version_number: 1 } } }],
  "DELETE /prompt-labels/:labelId{[0-9]+}": [{ status: 404 }],
  "POST /track-request": [
    // B's prompt id and group id mean nothing in A: the log is A's, linked to neither (kept: see the route).
    {
      status: 200,
      options: { auth: "body", body: trackBody() },
      check: async (body) => {
        const stored = await h.call("GET", `/api/v1/requests/${body.request_id}`, { key: keyA });
        expect(stored.body).toMatchObject({ prompt_name: null, group_id: null });
      },
    },
  ],
  "POST /log-request": [
    {
      status: 201,
      options: {
        body: {
          provider: "openai",
          model: "gpt-4o",
          input: { type: "chat", messages: [] },
          output: { type: "chat", messages: [] },
          prompt_id: b.promptId,
          prompt_name: b.promptName,
        },
      },
      check: (body) => expect(body).toMatchObject({ prompt_id: null }),
    },
    {
      status: 400,
      options: { body: { provider: "openai", model: "gpt-4o", input: { type: "chat", messages: [] }, output: { type: "chat", messages: [] }, group_id: b.groupId } },
    },
  ],
  ...Object.fromEntries(
    ["/library-track-metadata", "/rest/track-metadata"].map((path) => [`POST ${path}`, [{ status: 404, options: { auth: "body", body: { request_id: b.requestIntId, metadata: { k: "v" } } } }]]),
  ),
  ...Object.fromEntries(
    ["/library-track-score", "/rest/track-score"].map((path) => [`POST ${path}`, [{ status: 404, options: { auth: "body", body: { request_id: b.requestIntId, score: 1 } } }]]),
  ),
  ...Object.fromEntries(
    ["/library-track-prompt", "/rest/track-prompt"].map((path) => [
      `POST ${path}`,
      [
        { status: 404, options: { auth: "body", body: { request_id: b.requestIntId, prompt_name: "a-own" } } },
        { status: 404, options: { auth: "body", body: { request_id: a.requestIntId, prompt_name: b.promptName } } },
      ],
    ]),
  ),
  ...Object.fromEntries(
    ["/track-group", "/rest/track-group"].map((path) => [
      `POST ${path}`,
      [
        { status: 400, options: { auth: "body", body: { request_id: b.requestIntId, group_id: b.groupId } } },
        { status: 400, options: { auth: "body", body: { request_id: a.requestIntId, group_id: b.groupId } } },
      ],
    ]),
  ),
  "POST /create-group": [{ status: 200, options: { auth: "body" } }],
  // The dashboard's session routes hold no workspace data; sign-in with A's key is A's session.
  "POST /api/session": [{ status: 200, options: { auth: "none", headers: { "x-promptline-csrf": "1" }, body: { api_key: "" } }, check: (body) => expect(body.workspace_id ?? h.a.id).toBe(h.a.id) }],
  "GET /api/session": [{ status: 401, options: { auth: "none" } }],
  "DELETE /api/session": [{ status: 204, options: { auth: "none" } }],
  "GET /api/v1/requests/stats": [
    {
      status: 200,
      check: (body) => expect((body.buckets as { count: number }[]).reduce((sum, bucket) => sum + bucket.count, 0)).toBeLessThanOrEqual(5),
    },
  ],
  // A trace only B has (A posts spans into bTraceId below, which makes that one A's too).
  "GET /api/v1/traces": [
    { status: 200, check: (body) => expect(body.traces.map((trace: { trace_id: string }) => trace.trace_id)).not.toContain(bOnlyTraceId) },
    { status: 200, query: "?name=b-secret", check: (body) => expect(body.traces).toEqual([]) },
  ],
  "GET /api/v1/traces/:trace_id": [{ status: 404, params: { trace_id: bOnlyTraceId } }],
  // Spans with B's trace and span ids are A's own spans: stored in A, B's unchanged (checked after the table).
  "POST /spans-bulk": [
    {
      status: 200,
      options: { body: { spans: [bSpan("a's span")] } },
      check: async (body) => {
        expect(body).toMatchObject({ accepted: 1, duplicates: 0 });
        const own = await h.call("GET", `/api/v1/traces/${bTraceId}`, { key: keyA });
        const names = own.body.spans.map((span: { name: string }) => span.name);
        expect(names).toContain("a's span");
        expect(names).not.toContain("b-secret span");
      },
    },
  ],
  "POST /v1/traces": [
    {
      status: 200,
      options: {
        body: { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: bTraceId, spanId: "b2b2b2b2b2b2b2b2", name: "a's otlp span", startTimeUnixNano: "1700000000000000000", endTimeUnixNano: "1700000000000000001" }] }] }] },
      },
      check: (body) => expect(body).toEqual({}),
    },
  ],
  "POST /api/v1/playground/run": [{ status: 501, options: { body: { prompt_name: b.promptName } } }],
});

describe("workspace isolation", () => {
  it("has a case for every route of the app", () => {
    const table = cases();
    const missing = appRoutes(h.app)
      .map((route) => `${route.method} ${route.path}`)
      .filter((route) => !(route in table));
    expect(missing, "routes without an isolation case").toEqual([]);
  });

  it("a key of workspace A gets a 4xx or its own data from every route, never B's, and B is unchanged", async () => {
    const table = cases();
    for (const route of appRoutes(h.app)) {
      const label = `${route.method} ${route.path}`;
      for (const testCase of table[label] ?? []) {
        const path = fillPath(route.path, { ...bParams(), ...testCase.params }) + (testCase.query ?? "");
        const options: CallOptions = { key: keyA, ...testCase.options };
        if (label === "POST /api/session") options.body = { api_key: keyA };
        const result = await h.call(route.method, path, options);
        const where = `${route.method} ${path} ${JSON.stringify(testCase.options?.body ?? null)}`;
        expect(result.status, `${where}: ${result.text}`).toBe(testCase.status);
        expect(result.text, where).not.toMatch(marker);
        if (result.status >= 400) expect(result.body.message, where).toEqual(expect.any(String));
        await testCase.check?.(result.body);
      }
    }
    expect(await snapshotWorkspace(h.storage, h.b.id)).toEqual(before);
  });

  it("keeps same-named prompts in two workspaces apart", async () => {
    const local = await createRouteHarness();
    try {
      await publish(local, local.b.adminKey, { prompt_name: "same", ...chatTemplate("b-secret one"), release_labels: ["prod"] });
      await publish(local, local.b.adminKey, { prompt_name: "same", ...chatTemplate("b-secret two") });
      const snapshot = await snapshotWorkspace(local.storage, local.b.id);
      const mine = await publish(local, local.a.adminKey, { prompt_name: "same", ...chatTemplate("mine"), release_labels: ["prod"] });
      expect(mine.version_number).toBe(1);
      const fetched = await local.call("POST", "/prompt-templates/same", { key: local.a.adminKey, body: { label: "prod" } });
      expect(fetched.text).not.toMatch(marker);
      expect(fetched.body.version).toBe(1);
      // The same client request id in another workspace is another request, not a duplicate of B's.
      const record = logRecord("same-id", { tags: ["x"] });
      expect((await local.call("POST", "/api/v1/requests:batch", { key: local.b.adminKey, body: { records: [{ ...record, tags: ["b-secret"] }] } })).body.accepted).toBe(1);
      const snapshotWithRequest = await snapshotWorkspace(local.storage, local.b.id);
      expect((await local.call("POST", "/api/v1/requests:batch", { key: local.a.adminKey, body: { records: [record] } })).body).toMatchObject({ accepted: 1, duplicates: 0 });
      const own = await local.call("GET", "/api/v1/requests/same-id", { key: local.a.adminKey });
      expect(own.body.tags).toEqual(["x"]);
      expect(snapshotWithRequest).not.toEqual(snapshot);
      expect(await snapshotWorkspace(local.storage, local.b.id)).toEqual(snapshotWithRequest);
    } finally {
      await local.close();
    }
  });
});
