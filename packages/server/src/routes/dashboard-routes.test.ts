import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { logRecordSchema, MissingProviderKeyError, type PromptBlueprint, type PromptTemplate } from "@promptline/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../app.js";
import { createSessions } from "../http/session.js";
import { createStorage, type Storage } from "../storage/index.js";
import type { PlaygroundChunk, PlaygroundRunInput, PlaygroundRunner } from "./dashboard-routes.js";

const chat = (text: string, role: "user" | "assistant" = "assistant"): PromptBlueprint => ({
  prompt_template: { type: "chat", messages: [{ role, content: [{ type: "text", text }] }] },
  metadata: {},
});

describe("dashboard routes", () => {
  let storage: Storage;
  let dashboardDir: string;
  let key: string;
  let keyId: number;
  let workspaceId: number;
  const runs: PlaygroundRunInput[] = [];
  let flushes = 0;
  const playground: PlaygroundRunner = {
    async run(input) {
      runs.push(input);
      if (input.prompt_name === "missing") throw Object.assign(new Error("no such prompt"), {});
      async function* chunks(): AsyncGenerator<PlaygroundChunk> {
        yield { request_id: "r-1", prompt_blueprint: chat("Echo: "), done: false };
        yield { request_id: "r-1", prompt_blueprint: chat("hi"), done: false };
        yield { request_id: "r-1", prompt_blueprint: { ...chat("Echo: hi"), prompt_template: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }, { role: "assistant", content: [{ type: "text", text: "Echo: hi" }] }] } }, done: true };
      }
      return chunks();
    },
    flush: async () => void flushes++,
  };
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    storage = await createStorage("sqlite::memory:");
    const workspace = await storage.workspaces.ensureDefault();
    workspaceId = workspace.id;
    const created = await storage.apiKeys.create(workspace.id, { name: "dash", admin: true });
    key = created.plaintext;
    keyId = created.key.id;
    dashboardDir = mkdtempSync(join(tmpdir(), "promptline-dist-"));
    mkdirSync(join(dashboardDir, "assets"));
    writeFileSync(join(dashboardDir, "index.html"), "<!doctype html><div id=root></div>");
    writeFileSync(join(dashboardDir, "assets", "index-abc123.js"), "console.log(1)");
    writeFileSync(join(dashboardDir, "favicon.svg"), "<svg/>");
    app = createApp({ storage, dashboardDir, playground, sessionSecret: "test-secret" });
  });
  afterAll(async () => {
    await storage.close();
    rmSync(dashboardDir, { recursive: true, force: true });
  });

  const signIn = async (apiKey = key) => {
    const response = await app.request("/api/session", {
      method: "POST",
      headers: { "content-type": "application/json", "x-promptline-csrf": "1" },
      body: JSON.stringify({ api_key: apiKey }),
    });
    const cookie = response.headers.get("set-cookie") ?? "";
    return { response, cookie, pair: cookie.split(";")[0] ?? "" };
  };

  describe("sessions", () => {
    it("signs in with an API key into an httpOnly, SameSite=Strict cookie that holds no key", async () => {
      const { response, cookie, pair } = await signIn();
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ key: { id: keyId, name: "dash", role: "admin", admin: true }, workspace_id: workspaceId });
      expect(cookie).toMatch(/^promptline_session=/);
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Strict/i);
      expect(cookie).toMatch(/Path=\//);
      expect(cookie).not.toContain(key);
      const session = await app.request("/api/session", { headers: { cookie: pair } });
      expect(session.status).toBe(200);
      expect(await session.json()).toMatchObject({ key: { id: keyId } });
    });

    it("refuses a wrong key and a sign-in without the CSRF header", async () => {
      expect((await signIn("pl_not_a_key")).response.status).toBe(401);
      const noHeader = await app.request("/api/session", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ api_key: key }) });
      expect(noHeader.status).toBe(401);
      expect(noHeader.headers.get("set-cookie")).toBeNull();
    });

    it("authenticates API reads by cookie, and writes only with the CSRF header", async () => {
      const { pair } = await signIn();
      expect((await app.request("/api/v1/prompts", { headers: { cookie: pair } })).status).toBe(200);
      expect((await app.request("/api/v1/prompts")).status).toBe(401);
      const body = JSON.stringify({ prompt_name: "p", prompt_template: { type: "chat", messages: [] } });
      const forged = await app.request("/api/v1/prompts", { method: "POST", headers: { cookie: pair, "content-type": "application/json" }, body });
      expect(forged.status).toBe(401);
      const allowed = await app.request("/api/v1/prompts", { method: "POST", headers: { cookie: pair, "content-type": "application/json", "x-promptline-csrf": "1" }, body });
      expect(allowed.status).toBe(201);
    });

    it("rejects tampered, foreign, expired and revoked sessions", async () => {
      const { pair } = await signIn();
      const [name, token = ""] = pair.split("=");
      const [payload = "", signature = ""] = token.split(".");
      const tampered = `${name}=${Buffer.from(JSON.stringify({ k: keyId + 1, w: workspaceId, e: 9_999_999_999 })).toString("base64url")}.${signature}`;
      expect((await app.request("/api/session", { headers: { cookie: tampered } })).status).toBe(401);
      expect((await app.request("/api/session", { headers: { cookie: `${name}=${payload}.${signature.slice(0, -2)}AA` } })).status).toBe(401);
      // Another server secret does not accept our tokens.
      const other = createApp({ storage, sessionSecret: "another-secret" });
      expect((await other.request("/api/session", { headers: { cookie: pair } })).status).toBe(401);

      const key = await storage.apiKeys.findByPlaintext((await storage.apiKeys.create(workspaceId, { name: "short-lived" })).plaintext);
      const later = createSessions({ storage, secret: "s", now: () => Date.now() + 8 * 86_400_000 });
      const now = createSessions({ storage, secret: "s" });
      const token2 = now.issue(key!);
      expect(await now.verify(token2)).toMatchObject({ id: key!.id });
      expect(await later.verify(token2)).toBeUndefined();
      await storage.apiKeys.revoke(workspaceId, key!.id);
      expect(await now.verify(token2)).toBeUndefined();
    });

    it("signs out by clearing the cookie", async () => {
      const response = await app.request("/api/session", { method: "DELETE" });
      expect(response.status).toBe(204);
      expect(response.headers.get("set-cookie")).toMatch(/promptline_session=;.*Max-Age=0/);
    });

    it("signing out revokes the token: the old cookie is refused afterwards, here and by another instance on the database", async () => {
      const { pair } = await signIn();
      const { pair: otherSession } = await signIn();
      const twin = createApp({ storage, sessionSecret: "test-secret" });
      expect((await twin.request("/api/v1/prompts", { headers: { cookie: pair } })).status).toBe(200);
      expect((await app.request("/api/session", { method: "DELETE", headers: { cookie: pair } })).status).toBe(204);
      for (const instance of [app, twin]) {
        expect((await instance.request("/api/session", { headers: { cookie: pair } })).status).toBe(401);
        expect((await instance.request("/api/v1/prompts", { headers: { cookie: pair } })).status).toBe(401);
      }
      // Another sign-in of the same key is a session of its own.
      expect((await app.request("/api/v1/prompts", { headers: { cookie: otherSession } })).status).toBe(200);
    });
  });

  describe("static files", () => {
    it("serves index.html for the dashboard's routes and hashed assets with a long cache", async () => {
      for (const path of ["/", "/prompts", "/prompts/my%20prompt", "/requests/abc", "/playground", "/login"]) {
        const response = await app.request(path);
        expect(response.status, path).toBe(200);
        expect(response.headers.get("content-type")).toContain("text/html");
        expect(response.headers.get("cache-control")).toBe("no-cache");
        expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
      }
      const asset = await app.request("/assets/index-abc123.js");
      expect(asset.status).toBe(200);
      expect(asset.headers.get("content-type")).toContain("text/javascript");
      expect(asset.headers.get("cache-control")).toContain("immutable");
      expect((await app.request("/favicon.svg")).headers.get("content-type")).toBe("image/svg+xml");
    });

    it("leaves API routes alone and never serves files outside the directory", async () => {
      expect((await app.request("/assets/missing.js")).status).toBe(404);
      expect((await app.request("/assets/..%2F..%2Fetc%2Fpasswd")).status).toBe(404);
      expect((await app.request("/prompt-templates")).status).toBe(401);
      expect((await app.request("/api/v1/nothing", { headers: { "x-api-key": key } })).status).toBe(404);
      const withoutDashboard = createApp({ storage });
      expect((await withoutDashboard.request("/prompts")).status).toBe(404);
    });
  });

  describe("stats", () => {
    it("answers per-bucket counts with the log's filters", async () => {
      const log = (request_id: string, extra: Record<string, unknown>) => logRecordSchema.parse({ request_id, provider: "openai", model: "m", status: "SUCCESS", ...extra });
      await storage.requests.insertMany(workspaceId, [
        log("st-1", { tags: ["x"], latency_ms: 10, cost_usd: 1 }),
        log("st-2", { tags: ["x"], status: "ERROR", latency_ms: 30 }),
        log("st-3", { tags: ["y"] }),
      ]);
      const response = await app.request("/api/v1/requests/stats?bucket=day&tag=x", { headers: { "x-api-key": key } });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        bucket: "day",
        buckets: [expect.objectContaining({ count: 2, errors: 1, avg_latency_ms: 20, cost_usd: 1 })],
      });
      expect((await app.request("/api/v1/requests/stats?bucket=year", { headers: { "x-api-key": key } })).status).toBe(400);
      expect((await app.request("/api/v1/requests/stats")).status).toBe(401);
    });
  });

  describe("playground", () => {
    it("streams the runner's deltas as server-sent events, flushing the log before the last one", async () => {
      const response = await app.request("/api/v1/playground/run", {
        method: "POST",
        headers: { "x-api-key": key, "content-type": "application/json" },
        body: JSON.stringify({ prompt_name: "p", label: "prod", input_variables: { topic: "x" }, model: "other", parameters: { temperature: 0 } }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/event-stream");
      const text = await response.text();
      const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n/g)].map((match) => [match[1], JSON.parse(match[2]!)]);
      expect(events).toEqual([
        ["delta", { request_id: "r-1", text: "Echo: " }],
        ["delta", { request_id: "r-1", text: "hi" }],
        ["done", expect.objectContaining({ request_id: "r-1", text: "Echo: hi" })],
      ]);
      expect(runs.at(-1)).toEqual({ prompt_name: "p", label: "prod", input_variables: { topic: "x" }, model: "other", parameters: { temperature: 0 }, tags: ["playground"], metadata: {} });
      expect(flushes).toBeGreaterThan(0);
    });

    it("runs a draft: the runner's registry serves the draft, the run is logged without a version, and done carries tokens, cost and latency", async () => {
      const served: PromptTemplate[] = [];
      const drafting: PlaygroundRunner = {
        async run(input, { registry }) {
          const answer = (await (await registry.fetch(`${registry.baseURL}/api/v1/prompts/${input.prompt_name}/template?version=${input.version}&expand_snippets=true`)).json()) as { version: { prompt_template: PromptTemplate; version: number } };
          served.push(answer.version.prompt_template);
          const record = { request_id: "draft-1", prompt_name: input.prompt_name, prompt_version: answer.version.version, metadata: input.metadata, tags: input.tags, provider: "openai", model: "gpt-4o-mini", status: "SUCCESS", usage: { input_tokens: 12, output_tokens: 5 }, cost_usd: 0.00002, latency_ms: 321 };
          const shipped = await registry.fetch(`${registry.baseURL}/api/v1/requests:batch`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ records: [record] }) });
          expect(shipped.status).toBe(200);
          return (async function* () {
            yield { request_id: "draft-1", prompt_blueprint: chat("drafted"), done: true };
          })();
        },
      };
      const draftApp = createApp({ storage, playground: drafting, sessionSecret: "test-secret" });
      const headers = { "x-api-key": key, "content-type": "application/json" };
      const stored = { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Stored {topic}" }] }] };
      const published = await draftApp.request("/api/v1/prompts", { method: "POST", headers, body: JSON.stringify({ prompt_name: "drafted", prompt_template: stored, metadata: { model: { provider: "openai", name: "gpt-4o-mini" } } }) });
      expect(published.status).toBe(201);
      const draft: PromptTemplate = { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Edited {topic}" }] }] };
      const response = await draftApp.request("/api/v1/playground/run", {
        method: "POST",
        headers,
        body: JSON.stringify({ prompt_name: "drafted", version: 1, input_variables: { topic: "x" }, draft: { prompt_template: draft, metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 0 } } } } }),
      });
      expect(response.status).toBe(200);
      const events = [...(await response.text()).matchAll(/event: (\w+)\ndata: (.*)\n/g)].map((match) => [match[1], JSON.parse(match[2]!)]);
      expect(served).toEqual([draft]);
      expect(events).toEqual([["done", expect.objectContaining({ request_id: "draft-1", provider: "openai", model: "gpt-4o-mini", usage: { input_tokens: 12, output_tokens: 5 }, cost_usd: 0.00002, latency_ms: 321, prompt_version: null })]]);
      expect(await storage.requests.get(workspaceId, "draft-1")).toMatchObject({ prompt_name: "drafted", prompt_version: null, metadata: { playground_draft_of: "v1" } });
      // The stored version is untouched.
      const template = (await (await draftApp.request("/api/v1/prompts/drafted/template?version=1", { headers })).json()) as { version: { prompt_template: unknown } };
      expect(template.version.prompt_template).toEqual(stored);
    });

    it("refuses a draft that could never run, as publishing would", async () => {
      const response = await app.request("/api/v1/playground/run", {
        method: "POST",
        headers: { "x-api-key": key, "content-type": "application/json" },
        body: JSON.stringify({ prompt_name: "p", input_variables: {}, draft: { prompt_template: { type: "chat", messages: [] }, metadata: { model: { provider: "openia", name: "gpt-4o" } } } }),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string }).message).toContain("openia");
    });

    it("names the missing provider key's variables and the server process", async () => {
      const keyless: PlaygroundRunner = {
        run: async () => {
          throw new MissingProviderKeyError("anthropic", ["ANTHROPIC_API_KEY"]);
        },
      };
      const keylessApp = createApp({ storage, playground: keyless, sessionSecret: "test-secret" });
      const response = await keylessApp.request("/api/v1/playground/run", { method: "POST", headers: { "x-api-key": key, "content-type": "application/json" }, body: JSON.stringify({ prompt_name: "p" }) });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { message: string; error: Record<string, unknown> };
      expect(body.message).toContain("Set ANTHROPIC_API_KEY in the environment of the server process");
      expect(body.message).toContain(`pid ${process.pid}`);
      expect(body.error).toMatchObject({ code: "missing_provider_key", provider: "anthropic", env_vars: ["ANTHROPIC_API_KEY"], server_pid: process.pid });
    });

    it("answers a bad request as JSON, and 501 when no runner is configured", async () => {
      const bad = await app.request("/api/v1/playground/run", { method: "POST", headers: { "x-api-key": key, "content-type": "application/json" }, body: JSON.stringify({ input_variables: {} }) });
      expect(bad.status).toBe(400);
      const off = createApp({ storage });
      const response = await off.request("/api/v1/playground/run", { method: "POST", headers: { "x-api-key": key, "content-type": "application/json" }, body: JSON.stringify({ prompt_name: "p" }) });
      expect(response.status).toBe(501);
    });
  });
});
