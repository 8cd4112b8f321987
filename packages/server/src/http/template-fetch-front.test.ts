import { Agent, type Server } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type BuiltApp } from "../app.js";
import { chatTemplate, createWorkspace, publish, type TestWorkspace } from "../routes/route-harness.contract.js";
import { callApp } from "../routes/route-harness.contract.js";
import { createTemplateFetch } from "../services/template-response.js";
import { appListener } from "../start-server.js";
import { createStorage, type Storage } from "../storage/index.js";
import { listen, send } from "./node-front-harness.contract.js";
import { createTemplateFetchFront } from "./template-fetch-front.js";

/**
 * The template fetch's node:http front (decision 0031) must answer exactly as
 * the Hono app does: every case below is sent to two listeners of the same
 * app, one behind the front and one without it, and the status, the raw
 * headers (Date aside) and the body must be the same. The front's counts say
 * which cases it answered itself, so a front that handed everything to Hono
 * would fail too.
 */

let storage: Storage;
let built: BuiltApp;
let fronted: Server;
let plain: Server;
let a: TestWorkspace;
const maxBodyBytes = 64 * 1024;

beforeAll(async () => {
  storage = await createStorage("sqlite::memory:");
  built = buildApp({ storage, renderWorkers: 0, maxBodyBytes, keyThrottle: { maxFailures: 8 }, logError: () => undefined });
  fronted = await listen(appListener(built, { hostname: "127.0.0.1", templateFront: true }));
  plain = await listen(appListener(built, { hostname: "127.0.0.1", templateFront: false }));
  a = await createWorkspace(storage);
  const harness = { call: (method: string, path: string, options?: object) => callApp(built.app, method, path, options) };
  await publish(harness, a.adminKey, { prompt_name: "greeting", ...chatTemplate("Hello {name}, you are {age}."), release_labels: ["prod"] });
  await publish(harness, a.adminKey, { prompt_name: "team/greeting", ...chatTemplate("Hi {name} from the team."), release_labels: ["prod"] });
});

afterAll(async () => {
  await Promise.all([fronted, plain].map((server) => new Promise((resolve) => server.close(resolve))));
  await storage.close();
});

/** Sends the same request to both listeners (Hono's first) and expects the same answer; returns it and what the front did. */
async function same(path: string, options: { body?: string; headers?: Record<string, string> } = {}) {
  const before = { ...built.templateFront.counts };
  const viaHono = await send(plain, path, options);
  const viaFront = await send(fronted, path, options);
  expect(viaFront.status).toBe(viaHono.status);
  expect(viaFront.headers).toEqual(viaHono.headers);
  expect(viaFront.body).toBe(viaHono.body);
  const counts = built.templateFront.counts;
  return {
    answer: viaHono,
    json: JSON.parse(viaHono.body) as Record<string, unknown>,
    answeredByFront: counts.answered - before.answered === 1,
    handedOnAfterBody: counts.handedOnAfterBody - before.handedOnAfterBody === 1,
  };
}

const fetchBody = (fields: Record<string, unknown>) => JSON.stringify({ label: "prod", ...fields });
const keyHeader = () => ({ "x-api-key": a.userKey });

describe("the template fetch's node:http front answers as the Hono app does", () => {
  it("answers a fetch by label with variables itself, byte for byte as Hono does", async () => {
    const result = await same("/prompt-templates/greeting", { body: fetchBody({ input_variables: { name: "Ada", age: 36 } }), headers: keyHeader() });
    expect(result.answer.status).toBe(200);
    expect(result.answeredByFront).toBe(true);
    expect(JSON.stringify(result.json.llm_kwargs)).toContain("Hello Ada, you are 36.");
    // A repeated fetch (the kept answer) too.
    expect((await same("/prompt-templates/greeting", { body: fetchBody({ input_variables: { name: "Ada", age: 36 } }), headers: keyHeader() })).answeredByFront).toBe(true);
  });

  it("renders other variables, `10.0` as Python wrote it, a name with a slash and a Bearer key", async () => {
    const other = await same("/prompt-templates/greeting", { body: fetchBody({ input_variables: { name: "Grace", age: 10.0 } }), headers: keyHeader() });
    expect(other.answeredByFront).toBe(true);
    const float = await same("/prompt-templates/greeting", { body: '{"label":"prod","input_variables":{"name":"Grace","age":10.0}}', headers: keyHeader() });
    expect(float.answeredByFront).toBe(true);
    // Again: the body's text is known to the front now (parsed once, `10.0` kept).
    expect((await same("/prompt-templates/greeting", { body: '{"label":"prod","input_variables":{"name":"Grace","age":10.0}}', headers: keyHeader() })).answer.body).toBe(float.answer.body);
    expect(JSON.stringify(float.json.llm_kwargs)).toContain("you are 10.0.");
    expect(JSON.stringify(other.json.llm_kwargs)).toContain("you are 10.");
    expect(float.answer.body).not.toBe(other.answer.body);
    const slash = await same("/prompt-templates/team/greeting", { body: fetchBody({ input_variables: { name: "Lin" } }), headers: { authorization: `Bearer ${a.userKey}` } });
    expect(slash.answeredByFront).toBe(true);
    expect(JSON.stringify(slash.json.llm_kwargs)).toContain("Hi Lin from the team.");
    const empty = await same("/prompt-templates/greeting", { headers: keyHeader() });
    expect(empty.answer.status).toBe(200);
    expect(empty.answeredByFront).toBe(true);
  });

  it("follows a label moved to a new version at once", async () => {
    const before = await same("/prompt-templates/greeting", { body: fetchBody({ input_variables: { name: "Ada" } }), headers: keyHeader() });
    const harness = { call: (method: string, path: string, options?: object) => callApp(built.app, method, path, options) };
    await publish(harness, a.adminKey, { prompt_name: "greeting", ...chatTemplate("Welcome back, {name}."), release_labels: ["prod"] });
    const after = await same("/prompt-templates/greeting", { body: fetchBody({ input_variables: { name: "Ada" } }), headers: keyHeader() });
    expect(after.answeredByFront).toBe(true);
    expect(after.json.version).toBe((before.json.version as number) + 1);
    expect(JSON.stringify(after.json.llm_kwargs)).toContain("Welcome back, Ada.");
  });

  it("hands bad bodies to Hono, which refuses them, and keeps the connection", async () => {
    for (const body of ["not json", '{"label":5}', '{"input_variables":[1]}', '{"version":-1}', "[".repeat(200) + "]".repeat(200), '{"label":"prod","input_variables":{"x":"\\u0000"}}']) {
      const result = await same("/prompt-templates/greeting", { body, headers: keyHeader() });
      expect(result.answer.status).toBe(400);
      expect(result.handedOnAfterBody).toBe(true);
    }
    // A refusal after the front read the body leaves the connection usable (nothing left for the adapter to drain).
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const refused = await send(fronted, "/prompt-templates/greeting", { body: "not json", headers: keyHeader(), agent });
      const next = await send(fronted, "/prompt-templates/greeting", { body: fetchBody({}), headers: keyHeader(), agent });
      expect([refused.status, next.status]).toEqual([400, 200]);
      expect(next.reusedSocket).toBe(true);
    } finally {
      agent.destroy();
    }
  });

  it("hands unknown prompts, labels and versions, and archived prompts, to Hono", async () => {
    expect((await same("/prompt-templates/nothing-here", { body: fetchBody({}), headers: keyHeader() })).answer.status).toBe(404);
    // No body at all (PromptLayer's JS SDK with no parameters): handed on, ended, without waiting for an end already past.
    const noBody = await same("/prompt-templates/nothing-here", { headers: keyHeader() });
    expect(noBody.answer.status).toBe(404);
    expect(noBody.handedOnAfterBody).toBe(true);
    expect((await same("/prompt-templates/greeting", { body: fetchBody({ label: "prdo" }), headers: keyHeader() })).answer.status).toBe(404);
    expect((await same("/prompt-templates/greeting", { body: JSON.stringify({ version: 99 }), headers: keyHeader() })).handedOnAfterBody).toBe(true);
    const harness = { call: (method: string, path: string, options?: object) => callApp(built.app, method, path, options) };
    await publish(harness, a.adminKey, { prompt_name: "retired", ...chatTemplate("Old."), release_labels: ["prod"] });
    await storage.prompts.setArchived(a.id, { name: "retired" }, true);
    const archived = await same("/prompt-templates/retired", { body: fetchBody({}), headers: keyHeader() });
    expect(archived.answer.status).toBe(410);
    expect(archived.handedOnAfterBody).toBe(true);
  });

  it("refuses a revoked key at once, and never answers without a key it accepts", async () => {
    const key = await storage.apiKeys.create(a.id, { name: "soon revoked", role: "runner" });
    const ok = await same("/prompt-templates/greeting", { body: fetchBody({}), headers: { "x-api-key": key.plaintext } });
    expect(ok.answeredByFront).toBe(true);
    await storage.apiKeys.revoke(a.id, key.key.id);
    const revoked = await same("/prompt-templates/greeting", { body: fetchBody({}), headers: { "x-api-key": key.plaintext } });
    expect(revoked.answer.status).toBe(401);
    expect(revoked.answeredByFront).toBe(false);
    for (const headers of [{}, { "x-api-key": "" }, { "x-api-key": "pl_wrong" }] as Record<string, string>[]) {
      const refused = await same("/prompt-templates/greeting", { body: fetchBody({}), headers });
      expect(refused.answer.status).toBe(401);
      expect(refused.answeredByFront).toBe(false);
    }
    // The key in the body (PromptLayer's Python SDK) is Hono's to read.
    const bodyKey = await same("/prompt-templates/greeting", { body: fetchBody({ api_key: a.userKey }) });
    expect(bodyKey.answer.status).toBe(200);
    expect(bodyKey.answeredByFront).toBe(false);
  });

  it("leaves paths Hono would decode or normalise, queries, and oversized bodies to Hono", async () => {
    const cases: [string, { body?: string; headers?: Record<string, string> }][] = [
      ["/prompt-templates/team%2Fgreeting", { body: fetchBody({}), headers: keyHeader() }],
      ["/prompt-templates/greeting?x=1", { body: fetchBody({}), headers: keyHeader() }],
      ["/prompt-templates/./greeting", { body: fetchBody({}), headers: keyHeader() }],
      ["/prompt-templates/greeting/", { body: fetchBody({}), headers: keyHeader() }],
      ["/prompt-templates/greeting", { body: fetchBody({ input_variables: { name: "x".repeat(maxBodyBytes) } }), headers: keyHeader() }],
    ];
    for (const [path, options] of cases) {
      const result = await same(path, options);
      expect(result.answeredByFront).toBe(false);
    }
  });

  it("shares the app's throttle of wrong keys: a held-back address gets Hono's 429", async () => {
    // Whatever allowance the cases above left: at most 8 wrong keys empty it.
    for (let attempt = 0; attempt < 8; attempt++) await send(plain, "/prompt-templates/greeting", { body: fetchBody({}), headers: { "x-api-key": `pl_guess_${attempt}` } });
    const held = await same("/prompt-templates/greeting", { body: fetchBody({}), headers: { "x-api-key": "pl_guess_next" } });
    expect(held.answer.status).toBe(429);
    // A key that worked from this address before keeps working, through the front too.
    expect((await same("/prompt-templates/greeting", { body: fetchBody({}), headers: keyHeader() })).answeredByFront).toBe(true);
  });
});

describe("what the front records when it answers", () => {
  let ownStorage: Storage;
  afterEach(async () => ownStorage?.close());

  it("records the key's last use, as the auth middleware does", async () => {
    ownStorage = await createStorage("sqlite::memory:");
    const own = buildApp({ storage: ownStorage, renderWorkers: 0 });
    const workspace = await createWorkspace(ownStorage);
    await publish({ call: (method, path, options) => callApp(own.app, method, path, options) }, workspace.adminKey, { prompt_name: "p", ...chatTemplate("Hi."), release_labels: ["prod"] });
    const server = await listen(appListener(own, { hostname: "127.0.0.1", templateFront: true }));
    try {
      const answer = await send(server, "/prompt-templates/p", { body: fetchBody({}), headers: { "x-api-key": workspace.userKey } });
      expect(answer.status).toBe(200);
      expect(own.templateFront.counts.answered).toBe(1);
      await expect.poll(async () => (await ownStorage.apiKeys.list(workspace.id)).find((key) => key.id === workspace.userKeyId)?.last_used_at ?? null).not.toBeNull();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("hands a key whose role is below the route's to Hono, before reading the body", async () => {
    ownStorage = await createStorage("sqlite::memory:");
    const workspace = await createWorkspace(ownStorage);
    const runner = await ownStorage.apiKeys.create(workspace.id, { name: "runner", role: "runner" });
    const handed: string[] = [];
    const front = createTemplateFetchFront({
      storage: ownStorage,
      templateFetch: createTemplateFetch(ownStorage, { limits: {}, render: async () => { throw new Error("not reached"); }, close: async () => undefined } as never),
      role: "admin",
      maxBodyBytes,
      throttle: undefined,
      onAuthenticated: () => handed.push("recorded a use"),
    });
    const server = await listen(
      front.listener(
        (incoming, outgoing) => {
          handed.push(`before body: ${incoming.readableDidRead}`);
          outgoing.writeHead(403).end();
        },
        (_incoming, outgoing) => {
          handed.push("after body");
          outgoing.writeHead(500).end();
        },
      ),
    );
    try {
      const answer = await send(server, "/prompt-templates/p", { body: fetchBody({}), headers: { "x-api-key": runner.plaintext } });
      expect(answer.status).toBe(403);
      expect(handed).toEqual(["before body: false"]);
      expect(front.counts).toEqual({ answered: 0, handedOnAfterBody: 0 });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
