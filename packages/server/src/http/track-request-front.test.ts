import { Agent, type Server } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type BuiltApp } from "../app.js";
import { chatTemplate, callApp, createWorkspace, publish, type TestWorkspace } from "../routes/route-harness.contract.js";
import { createTrackRequest } from "../services/track-request.js";
import { appListener } from "../start-server.js";
import { createStorage, type Storage } from "../storage/index.js";
import { listen, send, type Answer } from "./node-front-harness.contract.js";
import { createTrackRequestFront } from "./track-request-front.js";

/**
 * `/track-request`'s node:http front (decision 0032) must answer exactly as
 * the Hono app does: every case below is sent to two listeners of the same
 * app, one behind the front and one without it, and the status, the raw
 * headers (Date aside) and the body must be the same, the request number
 * aside (each request logs a new one); what was stored for the two must be
 * the same too, ids and times aside. The front's counts say which cases it
 * answered itself, so a front that handed everything to Hono fails.
 */

let storage: Storage;
let built: BuiltApp;
let fronted: Server;
let plain: Server;
let a: TestWorkspace;
let promptId: number;
const maxBodyBytes = 64 * 1024;
const maxBodyBytesBeforeKey = 4 * 1024;

const harnessOf = (app: BuiltApp) => ({ call: (method: string, path: string, options?: object) => callApp(app.app, method, path, options) });

beforeAll(async () => {
  storage = await createStorage("sqlite::memory:");
  built = buildApp({ storage, renderWorkers: 0, maxBodyBytes, maxBodyBytesBeforeKey, keyThrottle: { maxFailures: 8 }, logError: () => undefined });
  fronted = await listen(appListener(built, { hostname: "127.0.0.1", templateFront: true }));
  plain = await listen(appListener(built, { hostname: "127.0.0.1", templateFront: false }));
  a = await createWorkspace(storage);
  await publish(harnessOf(built), a.adminKey, { prompt_name: "greeting", ...chatTemplate("Hello {name}."), release_labels: ["prod"] });
  promptId = (await storage.prompts.get(a.id, { identifier: "greeting" }))!.id;
});

afterAll(async () => {
  await Promise.all([fronted, plain].map((server) => new Promise((resolve) => server.close(resolve))));
  await storage.close();
});

/** The answer with the logged request's number and the length it changes blanked; the length is checked against the body first. */
function comparable(answer: Answer) {
  const length = answer.headers[answer.headers.indexOf("Content-Length") + 1];
  expect(Number(length)).toBe(Buffer.byteLength(answer.body));
  return {
    status: answer.status,
    headers: answer.headers.map((value, index) => (answer.headers[index - 1] === "Content-Length" ? "<length>" : value)),
    body: answer.body.replace(/"request_id":\d+/, '"request_id":<number>'),
  };
}

/** A stored request without what differs between two logs of one body: ids and the time it was stored. */
async function stored(workspaceId: number, number: number) {
  const row = await storage.requests.get(workspaceId, number);
  expect(row).toBeDefined();
  const { id: _id, request_id: _requestId, created_at: _createdAt, ...rest } = row!;
  return rest;
}

/** Sends the same request to both listeners (Hono's first) and expects the same answer and the same stored record. */
async function same(body: string, headers: Record<string, string> = {}, path = "/track-request", workspaceId = a.id) {
  const before = { ...built.trackFront.counts };
  const viaHono = await send(plain, path, { body, headers });
  const viaFront = await send(fronted, path, { body, headers });
  expect(comparable(viaFront)).toEqual(comparable(viaHono));
  const counts = built.trackFront.counts;
  const json = JSON.parse(viaHono.body) as Record<string, unknown>;
  if (viaHono.status === 200) {
    const frontNumber = (JSON.parse(viaFront.body) as { request_id: number }).request_id;
    expect(frontNumber).not.toBe(json.request_id);
    expect(await stored(workspaceId, frontNumber)).toEqual(await stored(workspaceId, json.request_id as number));
  }
  return {
    answer: viaHono,
    json,
    answeredByFront: counts.answered - before.answered === 1,
    handedOnAfterBody: counts.handedOnAfterBody - before.handedOnAfterBody === 1,
  };
}

const completion = {
  id: "chatcmpl-1",
  object: "chat.completion",
  model: "gpt-4o-mini",
  choices: [{ index: 0, message: { role: "assistant", content: "Hello Ada." }, finish_reason: "stop" }],
  usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
};

/** PromptLayer's JS SDK's `_trackRequest` body (contract §3.2). */
const trackBody = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({
    function_name: "openai.chat.completions.create",
    provider_type: "openai",
    args: [],
    kwargs: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello Ada." }], temperature: 0.2, apiKey: "sk-secret" },
    request_response: completion,
    request_start_time: "2026-01-01T00:00:00.000Z",
    request_end_time: "2026-01-01T00:00:00.420Z",
    tags: ["a", "b", "a"],
    metadata: { user: "u1", n: 5, nested: { x: 1 }, gone: null },
    prompt_id: promptId,
    prompt_version: 1,
    prompt_input_variables: { name: "Ada" },
    return_prompt_blueprint: true,
    span_id: "0000000000000000",
    api_key: a.userKey,
    ...fields,
  });

describe("the /track-request node:http front answers as the Hono app does", () => {
  it("logs PromptLayer's tracked request itself, with the key in the body, and stores what Hono stores", async () => {
    const result = await same(trackBody());
    expect(result.answer.status).toBe(200);
    expect(result.answeredByFront).toBe(true);
    expect(result.json.success).toBe(true);
    expect(result.json.prompt_blueprint).not.toBeNull();
    expect(JSON.stringify(result.json)).not.toContain("sk-secret");
  });

  it("answers the other shapes of a tracked request itself", async () => {
    const group = await storage.groups.create(a.id);
    const bodies = [
      trackBody({ return_prompt_blueprint: false }),
      trackBody({ return_prompt_blueprint: undefined, prompt_id: undefined, prompt_version: undefined }),
      trackBody({ prompt_id: "greeting" }),
      trackBody({ prompt_id: "no-such-prompt" }),
      trackBody({ prompt_id: String(promptId) }),
      trackBody({ prompt_id: 999_999 }),
      trackBody({ group_id: group.id }),
      trackBody({ group_id: 999_999 }),
      trackBody({ request_response: {}, status: "ERROR", error_type: "PROVIDER_AUTH_ERROR", error_message: "401 Incorrect API key provided" }),
      trackBody({ function_name: "someone.else.entirely", provider_type: undefined }),
      trackBody({ function_name: "openai.OpenAI.chat.completions.create", request_start_time: 1767225600.25, request_end_time: "1767225600.5" }),
      trackBody({ span_id: "00F067AA0BA902B7" }),
      trackBody({ kwargs: null, request_response: undefined, tags: null, metadata: null, prompt_input_variables: null }),
      trackBody({ unknown_field: { deep: [1, 2, 3] }, return_pl_id: true }),
      '{"api_key":"' + a.userKey + '","api_key":"pl_not_this_one","function_name":"openai.chat.completions.create"}',
      JSON.stringify({ api_key: `  ${a.userKey} ` }),
      "{}".replace("{}", JSON.stringify({ api_key: a.userKey, kwargs: { messages: [{ role: "user", content: "é ☃ \ud83d\ude00 \\u0041" }] } })),
    ];
    for (const body of bodies) {
      const result = await same(body);
      expect(result.answer.status, body).toBe(200);
      expect(result.answeredByFront, body).toBe(true);
    }
    // The key in a header (the REST twin's way), and as a Bearer token: the body's key is then not read.
    for (const headers of [{ "x-api-key": a.userKey }, { authorization: `Bearer ${a.userKey}` }] as Record<string, string>[]) {
      const result = await same(trackBody({ api_key: "pl_ignored" }), headers);
      expect(result.answer.status).toBe(200);
      expect(result.answeredByFront).toBe(true);
    }
  });

  it("answers odd bodies (prototype keys, edge numbers and times, limits, credentials in kwargs) as Hono does, and stores the same record", async () => {
    const bodies = [
      trackBody({ extra: { __proto__: 1 }, constructor: "x", toString: 5 }),
      trackBody().replace("{", '{"__proto__":{"admin":true},'),
      trackBody({ metadata: { ["__proto__"]: "x" } }).replace('"metadata":{}', '"metadata":{"__proto__":"x"}'),
      trackBody({ kwargs: JSON.parse('{"__proto__":{"model":"evil"},"model":"gpt-4o-mini"}') as unknown }),
      trackBody({ prompt_input_variables: JSON.parse('{"__proto__":"x","name":"Ada"}') as unknown }),
      trackBody({ group_id: 2 ** 53, prompt_version: 2 ** 53 }),
      trackBody({ group_id: -0, prompt_id: -0 }),
      trackBody({ prompt_id: 1e300 }),
      trackBody({ prompt_id: 1.5 }),
      trackBody({ prompt_id: "" }),
      trackBody({ prompt_id: " greeting " }),
      trackBody({ request_start_time: "2026-02-29T00:00:00.000Z", request_end_time: "2026-01-01T24:00:00.000Z" }),
      trackBody({ request_start_time: "2026-01-01T00:00:60.000Z", request_end_time: "+002026-01-01T00:00:00.000Z" }),
      trackBody({ request_start_time: "2026-01-01", request_end_time: "2026-01-01T00:00:00Z" }),
      trackBody({ request_start_time: 1e11, request_end_time: -1 }),
      trackBody({ request_start_time: 9e15, request_end_time: 0 }),
      trackBody({ metadata: { big: 1e308, neg: -1e-308, t: true, f: false, s: "😀".repeat(5000) } }),
      trackBody({ metadata: { s: "😀".repeat(5001) } }),
      trackBody({ metadata: { ["k".repeat(257)]: "v" } }),
      trackBody({ tags: Array.from({ length: 101 }, () => "t") }),
      trackBody({ tags: ["😀".repeat(129)] }),
      trackBody({ tags: ["😀".repeat(128)] }),
      trackBody({ status: "CANCELLED", error_type: "CANCELLED" }),
      trackBody({ status: "ERROR", error_type: "NOT_A_TYPE" }),
      trackBody({ function_name: null }),
      trackBody({ function_name: 5 }),
      trackBody({ return_prompt_blueprint: "true" }),
      trackBody({ span_id: "0".repeat(10_000) }),
      trackBody({ args: { 0: "a", length: 1 } }),
      trackBody({ kwargs: { model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }], api_key: "sk-leak-0123456789", baseURL: "http://internal" } }),
    ];
    // The key in a header: the bodies past the bytes read before a body's key reach the front too.
    let answeredByFront = 0;
    for (const body of bodies) {
      const result = await same(body, { "x-api-key": a.userKey });
      if (result.answeredByFront) answeredByFront++;
      // Never a 500: a time past what a Date holds was toISOString's RangeError on both paths.
      expect([200, 400], body.slice(0, 300)).toContain(result.answer.status);
    }
    expect(answeredByFront).toBeGreaterThan(bodies.length / 2);
  });

  it("hands missing, wrong and revoked keys to Hono, which refuses them", async () => {
    const key = await storage.apiKeys.create(a.id, { name: "soon revoked", role: "runner" });
    expect((await same(trackBody({ api_key: key.plaintext }))).answeredByFront).toBe(true);
    await storage.apiKeys.revoke(a.id, key.key.id);
    const cases: [string, Record<string, string>][] = [
      [trackBody({ api_key: key.plaintext }), {}],
      [trackBody({ api_key: undefined }), {}],
      [trackBody({ api_key: "" }), {}],
      [trackBody({ api_key: 5 }), {}],
      [trackBody({ api_key: "pl_wrong" }), {}],
      [trackBody(), { "x-api-key": "pl_wrong" }],
      [`[${trackBody()}]`, {}],
    ];
    for (const [body, headers] of cases) {
      const result = await same(body, headers);
      expect(result.answer.status, body).toBe(401);
      expect(result.answeredByFront).toBe(false);
    }
  });

  it("hands bad bodies to Hono, which refuses them, and keeps the connection", async () => {
    const bad = [
      `${trackBody()} trailing`,
      trackBody({ tags: "not a list" }),
      trackBody({ status: "MAYBE" }),
      trackBody({ prompt_version: 1.5 }),
      trackBody({ request_start_time: "not a time" }),
      trackBody({ kwargs: { deep: JSON.parse("[".repeat(120) + "]".repeat(120)) as unknown } }),
      trackBody({ error_message: "nul \u0000 here" }),
    ];
    for (const body of bad) {
      const result = await same(body);
      expect(result.answer.status, body).toBe(400);
      expect(result.handedOnAfterBody, body).toBe(true);
    }
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const refused = await send(fronted, "/track-request", { body: trackBody({ status: "MAYBE" }), agent });
      const next = await send(fronted, "/track-request", { body: trackBody(), agent });
      expect([refused.status, next.status]).toEqual([400, 200]);
      expect(next.reusedSocket).toBe(true);
    } finally {
      agent.destroy();
    }
  });

  it("leaves queries, paths Hono normalises, session cookies and bodies over a limit to Hono, unread", async () => {
    const large = { kwargs: { messages: [{ role: "user", content: "x".repeat(maxBodyBytesBeforeKey) }] } };
    const cases: [string, string, Record<string, string>][] = [
      ["/track-request?x=1", trackBody(), {}],
      ["/track-request/", trackBody(), {}],
      ["/./track-request", trackBody(), {}],
      ["/track-request", trackBody(), { cookie: "promptline_session=nonsense" }],
      // Past the bytes read before a body's key: Hono's (which reads on, since the key comes first).
      ["/track-request", JSON.stringify({ api_key: a.userKey, ...JSON.parse(trackBody(large)) }), {}],
      ["/track-request", trackBody({ kwargs: { messages: [{ role: "user", content: "x".repeat(maxBodyBytes) }] } }), { "x-api-key": a.userKey }],
    ];
    for (const [path, body, headers] of cases) {
      const result = await same(body, headers, path);
      expect(result.answeredByFront, path).toBe(false);
      expect(result.handedOnAfterBody, path).toBe(false);
    }
    // With the key in a header, a body past that bound is the front's.
    const headerKey = await same(trackBody(large), { "x-api-key": a.userKey });
    expect(headerKey.answer.status).toBe(200);
    expect(headerKey.answeredByFront).toBe(true);
  });

  it("shares the app's throttle of wrong keys: a held-back address gets Hono's 429", async () => {
    for (let attempt = 0; attempt < 8; attempt++) await send(plain, "/track-request", { body: trackBody({ api_key: `pl_guess_${attempt}` }) });
    const held = await same(trackBody({ api_key: "pl_guess_next" }));
    expect(held.answer.status).toBe(429);
    expect(held.answeredByFront).toBe(false);
    // A key that worked from this address before keeps working, through the front too.
    expect((await same(trackBody())).answeredByFront).toBe(true);
  });
});

describe("what the front records, and the write's own failure", () => {
  let ownStorage: Storage;
  afterEach(async () => ownStorage?.close());

  it("records the key's last use, as the auth middleware does", async () => {
    ownStorage = await createStorage("sqlite::memory:");
    const own = buildApp({ storage: ownStorage, renderWorkers: 0 });
    const workspace = await createWorkspace(ownStorage);
    const server = await listen(appListener(own, { hostname: "127.0.0.1", templateFront: true }));
    try {
      const answer = await send(server, "/track-request", { body: JSON.stringify({ function_name: "openai.chat.completions.create", api_key: workspace.userKey }) });
      expect(answer.status).toBe(200);
      expect(own.trackFront.counts.answered).toBe(1);
      await expect.poll(async () => (await ownStorage.apiKeys.list(workspace.id)).find((key) => key.id === workspace.userKeyId)?.last_used_at ?? null).not.toBeNull();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("answers a failed write itself, as the app's error handler does, and writes nothing twice", async () => {
    ownStorage = await createStorage("sqlite::memory:");
    const writes: number[] = [];
    const logged: unknown[] = [];
    const failing: Storage = {
      ...ownStorage,
      requests: {
        ...ownStorage.requests,
        insertMany: (workspaceId) => {
          writes.push(workspaceId);
          return Promise.reject(new Error("disk gone"));
        },
      },
    };
    const own = buildApp({ storage: failing, renderWorkers: 0, logError: (error) => logged.push(error) });
    const workspace = await createWorkspace(ownStorage);
    const servers = await Promise.all([true, false].map((front) => listen(appListener(own, { hostname: "127.0.0.1", templateFront: front }))));
    try {
      const body = JSON.stringify({ function_name: "openai.chat.completions.create", api_key: workspace.userKey });
      const [viaFront, viaHono] = await Promise.all(servers.map((server) => send(server, "/track-request", { body })));
      expect(viaFront!.status).toBe(500);
      expect(comparable(viaFront!)).toEqual(comparable(viaHono!));
      expect(own.trackFront.counts).toEqual({ answered: 1, handedOnAfterBody: 0 });
      expect(writes).toEqual([workspace.id, workspace.id]);
      expect(logged).toHaveLength(2);
    } finally {
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    }
  });

  it("hands a key whose role is below the route's to Hono, with the body it read", async () => {
    ownStorage = await createStorage("sqlite::memory:");
    const workspace = await createWorkspace(ownStorage);
    const handed: string[] = [];
    const front = createTrackRequestFront({
      storage: ownStorage,
      trackRequest: createTrackRequest(ownStorage, () => "not-minted"),
      role: "admin",
      maxBodyBytes,
      maxBytesBeforeKey: maxBodyBytesBeforeKey,
      throttle: undefined,
      onAuthenticated: () => handed.push("recorded a use"),
    });
    const server = await listen(
      front.listener(
        (_incoming, outgoing) => {
          handed.push("before body");
          outgoing.writeHead(500).end();
        },
        (incoming, outgoing) => {
          handed.push(`after body: ${String((incoming as { rawBody?: Buffer }).rawBody)}`);
          outgoing.writeHead(403).end();
        },
      ),
    );
    try {
      const body = JSON.stringify({ api_key: workspace.userKey });
      const answer = await send(server, "/track-request", { body });
      expect(answer.status).toBe(403);
      expect(handed).toEqual([`after body: ${body}`]);
      expect(front.counts).toEqual({ answered: 0, handedOnAfterBody: 1 });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
