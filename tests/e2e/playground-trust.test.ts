/**
 * The server's playground (`POST /api/v1/playground/run`) as `promptline
 * serve` wires it (`sdkPlayground`): it runs in the signed-in key's
 * workspace and logs there, it follows a template's `base_url` only to a
 * trusted origin with the server's provider keys (the SSRF of issue 16: a
 * listener at `http://127.0.0.1:<port>/v1` receives nothing), and its
 * errors are 4xx answers that say what to do, never "Internal server error.".
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sdkPlayground } from "@promptline/cli";
import { startServer, type RunningServer } from "@promptline/server";
import { startFakeProviders, type FakeProviders } from "@promptline/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const adminKey = "pl_playground_trust_admin_0123456789";
let fakes: FakeProviders;
let server: RunningServer;
let listener: Server;
let listenerURL: string;
let received = 0;
let teamKey: string;
let teamRunnerKey: string;

/** The fields of the answers these tests read. */
interface Answer {
  message?: string;
  error?: { code: string };
  items?: unknown[];
  [field: string]: unknown;
}

const textTemplate = (text: string) => ({ type: "chat", messages: [{ role: "user", content: [{ type: "text", text }] }] });

async function call(method: string, path: string, key: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { "x-api-key": key, "content-type": "application/json", ...headers },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) as Answer };
}

async function publish(key: string, name: string, text: string, model: Record<string, unknown>) {
  const result = await call("POST", "/api/v1/prompts", key, { prompt_name: name, prompt_template: textTemplate(text), metadata: { model } });
  expect(result.status, result.text).toBeLessThan(300);
}

/** Signs in like the dashboard does and runs the playground with the session cookie only. */
async function runSignedIn(key: string, body: unknown) {
  const signIn = await fetch(`${server.url}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-promptline-csrf": "1" },
    body: JSON.stringify({ api_key: key }),
  });
  expect(signIn.status).toBe(200);
  const cookie = signIn.headers.get("set-cookie")!.split(";")[0]!;
  const response = await fetch(`${server.url}/api/v1/playground/run`, {
    method: "POST",
    headers: { cookie, "x-promptline-csrf": "1", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

beforeAll(async () => {
  fakes = await startFakeProviders();
  listener = createServer((_request, response) => {
    received += 1;
    response.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  listenerURL = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  // The server's own key is in the environment, as with `promptline serve`: the playground must not use it.
  const { MISTRAL_API_KEY: _mistral, ...env } = fakes.env;
  server = await startServer({
    database: "sqlite::memory:",
    port: 0,
    apiKey: adminKey,
    playground: sdkPlayground({ env: { ...env, PROMPTLINE_API_KEY: adminKey } }),
  });
  const team = await server.storage.workspaces.create({ slug: "team-b" });
  teamKey = (await server.storage.apiKeys.create(team.id, { name: "team-b" })).plaintext;
  teamRunnerKey = (await server.storage.apiKeys.create(team.id, { name: "team-b-runner", role: "runner" })).plaintext;
});
afterAll(async () => {
  await new Promise((resolve) => listener.close(resolve));
  await server.close();
  await fakes.close();
});

describe("the playground runs as the signed-in key", () => {
  it("reads the template from, and logs the run into, the signed-in key's workspace", async () => {
    const openai = { provider: "openai", name: "gpt-4o-mini", parameters: {} };
    await publish(adminKey, "greet", "Hello from the default workspace", openai);
    await publish(teamKey, "greet", "Hello from team B", openai);
    const before = fakes.requestsFor("openai").length;

    const result = await runSignedIn(teamKey, { prompt_name: "greet", tags: ["playground", "team-b-run"] });
    expect(result.status, result.text).toBe(200);
    expect(result.text).toContain("event: done");
    const requestId = /"request_id":"([^"]+)"/.exec(result.text)![1]!;

    // The provider got team B's template.
    expect(fakes.requestsFor("openai").length).toBe(before + 1);
    expect(JSON.stringify(fakes.lastRequest("openai")!.body)).toContain("Hello from team B");
    // The log is in team B's workspace, at once (flushed before `done`), and not in the default one.
    const mine = await call("GET", `/api/v1/requests/${requestId}`, teamKey);
    expect(mine.status, mine.text).toBe(200);
    expect(mine.json()).toMatchObject({ prompt_name: "greet", status: "SUCCESS", tags: ["playground", "team-b-run"] });
    expect((await call("GET", `/api/v1/requests/${requestId}`, adminKey)).status).toBe(404);
    const adminRuns = await call("GET", "/api/v1/requests?tag=team-b-run", adminKey);
    expect(adminRuns.json().items).toEqual([]);
  });

  it("a prompt only another workspace has is a 404 that names it, not a run of the other's", async () => {
    await publish(adminKey, "admin-only", "secret admin prompt", { provider: "openai", name: "gpt-4o-mini", parameters: {} });
    const result = await runSignedIn(teamKey, { prompt_name: "admin-only" });
    expect(result.status, result.text).toBe(404);
    expect(JSON.parse(result.text).error.code).toBe("prompt_not_found");
    expect(result.text).not.toContain("secret admin prompt");
  });
});

describe("the playground follows a template's base_url only to a trusted origin (issue 16's SSRF)", () => {
  const models: Record<string, Record<string, unknown>> = {
    openai: { provider: "openai", name: "gpt-4o-mini", parameters: {} },
    anthropic: { provider: "anthropic", name: "claude-3-5-haiku-latest", parameters: { max_tokens: 64 } },
    google: { provider: "google", name: "gemini-2.0-flash", parameters: {} },
    bedrock: { provider: "amazon.bedrock", name: "amazon.nova-lite-v1:0", parameters: {} },
    openrouter: { provider: "openrouter", name: "openai/gpt-4o-mini", parameters: {} },
  };

  it.each(Object.keys(models))("%s: a base_url at a local listener is refused with 400 untrusted_base_url; the listener receives nothing", async (id) => {
    // Published by a key that is not an admin: anyone who may publish could try this.
    const name = `ssrf-${id}`;
    await publish(teamKey, name, "Hi", { ...models[id], base_url: `${listenerURL}/v1` });
    const fakeRequests = fakes.requests.length;

    for (const run of [() => runSignedIn(teamKey, { prompt_name: name }), () => call("POST", "/api/v1/playground/run", teamKey, { prompt_name: name })]) {
      const result = await run();
      expect(result.status, result.text).toBe(400);
      const body = JSON.parse(result.text);
      expect(body.error.code).toBe("untrusted_base_url");
      expect(body.message).toContain(listenerURL);
      expect(body.message).toContain("PROMPTLINE_ALLOWED_BASE_URLS");
    }
    expect(received, "requests the listener received").toBe(0);
    expect(fakes.requests.length).toBe(fakeRequests);
    // Nothing was logged either: the run never started.
    expect((await call("GET", `/api/v1/requests?prompt=${name}`, teamKey)).json().items).toEqual([]);
  });
});

describe("a draft run by a runner key is held to the same rules (decision 0021)", () => {
  const openai = { provider: "openai", name: "gpt-4o-mini", parameters: {} };

  it("a draft's base_url at a local listener is refused with 400 untrusted_base_url; the listener receives nothing", async () => {
    await publish(teamKey, "draftable", "Hi", openai);
    const fakeRequests = fakes.requests.length;
    const result = await runSignedIn(teamRunnerKey, {
      prompt_name: "draftable",
      version: 1,
      draft: { prompt_template: textTemplate("Hi from a draft"), metadata: { model: { ...openai, base_url: `${listenerURL}/v1` } } },
    });
    expect(result.status, result.text).toBe(400);
    expect(JSON.parse(result.text).error.code).toBe("untrusted_base_url");
    expect(received, "requests the listener received").toBe(0);
    expect(fakes.requests.length).toBe(fakeRequests);
  });

  it("a draft runs in the signed-in key's workspace only: another workspace's prompt is a 404", async () => {
    const result = await runSignedIn(teamRunnerKey, { prompt_name: "admin-only", version: 1, draft: { prompt_template: textTemplate("Hi"), metadata: { model: openai } } });
    expect(result.status, result.text).toBe(404);
    expect(result.text).not.toContain("secret admin prompt");
  });

  it("a runner's draft runs and is logged without a version; publishing it is refused", async () => {
    const result = await runSignedIn(teamRunnerKey, { prompt_name: "draftable", version: 1, draft: { prompt_template: textTemplate("Hi from a runner's draft"), metadata: { model: openai } } });
    expect(result.status, result.text).toBe(200);
    expect(JSON.stringify(fakes.lastRequest("openai")!.body)).toContain("Hi from a runner's draft");
    const requestId = /"request_id":"([^"]+)"/.exec(result.text)![1]!;
    expect((await call("GET", `/api/v1/requests/${requestId}`, teamKey)).json()).toMatchObject({ prompt_name: "draftable", prompt_version: null, metadata: { playground_draft_of: "v1" } });
    const publish = await call("POST", "/api/v1/prompts", teamRunnerKey, { prompt_name: "draftable", prompt_template: textTemplate("Hi from a runner's draft"), metadata: { model: openai } });
    expect(publish.status).toBe(403);
  });
});

describe("the playground's errors say what to do", () => {
  it("a provider key missing from the server's environment is a 400 naming the variable", async () => {
    await publish(teamKey, "mistral-hi", "Hi", { provider: "mistral", name: "mistral-small-latest", parameters: {} });
    const result = await runSignedIn(teamKey, { prompt_name: "mistral-hi" });
    expect(result.status, result.text).toBe(400);
    const body = JSON.parse(result.text);
    expect(body.error.code).toBe("missing_provider_key");
    expect(body.message).toContain("MISTRAL_API_KEY");
  });

  it("missing input variables are a 400 listing them", async () => {
    await publish(teamKey, "needs-name", "Hello {name}", { provider: "openai", name: "gpt-4o-mini", parameters: {} });
    const result = await runSignedIn(teamKey, { prompt_name: "needs-name" });
    expect(result.status, result.text).toBe(400);
    expect(JSON.parse(result.text).message).toContain('"name"');
  });
});
