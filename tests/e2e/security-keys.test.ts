/**
 * API keys and secrets, end to end: keys are stored hashed (the database
 * files hold no plaintext key), a revoked key stops working at once (for our
 * SDK's fetches and its log shipping), a wrong key learns nothing, and
 * provider credentials passed in a request's kwargs never reach a stored
 * record, a log line or an error message.
 *
 * (The route suites cover the 401 on every route and revocation in process:
 * packages/server/src/routes/bad-input.test.ts › keys and
 * api-v1-routes.test.ts › API keys.)
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, type RunningServer } from "@promptline/server";
import { startFakeProviders, type FakeProviders } from "@promptline/testkit";
import { Promptline, UnauthorizedError } from "promptline";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const seedKey = "pl_test_key_security_keys_seed_0123456789";

let folder: string;
let fakes: FakeProviders;
let server: RunningServer;
/** Everything the server reported through `logError`. */
const serverLog: string[] = [];

async function call(method: string, path: string, options: { key?: string; body?: unknown } = {}): Promise<{ status: number; text: string; json: Record<string, unknown> }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(options.key && { "x-api-key": options.key }), ...(options.body !== undefined && { "content-type": "application/json" }) },
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Every byte of the database's files (main file, WAL, shared memory) as one latin1 string, so any UTF-8 text shows. */
function databaseBytes(): string {
  return readdirSync(folder)
    .filter((file) => file.startsWith("promptline.db"))
    .map((file) => readFileSync(join(folder, file)).toString("latin1"))
    .join("\n");
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "promptline-keys-"));
  fakes = await startFakeProviders();
  server = await startServer({
    database: `sqlite:${join(folder, "promptline.db")}`,
    port: 0,
    apiKey: seedKey,
    logError: (error) => serverLog.push(error instanceof Error ? `${error.message}\n${error.stack}` : String(error)),
  });
  await call("POST", "/api/v1/prompts", {
    key: seedKey,
    body: {
      prompt_name: "hello",
      prompt_template: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Hello {who}" }] }] },
      metadata: { model: { provider: "openai", name: "gpt-4o-mini", api_type: "chat-completions", parameters: {} } },
    },
  });
});

afterAll(async () => {
  await server?.close();
  await fakes?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe("API keys", () => {
  it("are stored hashed: no plaintext key, nor its secret part, anywhere in the database files", async () => {
    const created: string[] = [];
    for (const name of ["ci", "app", "reader"]) {
      const answer = await call("POST", "/api/v1/keys", { key: seedKey, body: { name } });
      expect(answer.status).toBe(201);
      created.push(answer.json.key as string);
    }
    // The keys work, so they are really in there.
    for (const key of created) expect((await call("GET", "/api/v1/prompts", { key })).status).toBe(200);
    const listed = await call("GET", "/api/v1/keys", { key: seedKey });
    for (const key of [seedKey, ...created]) expect(listed.text).not.toContain(key);

    for (const bytes of [databaseBytes(), await closedDatabaseBytes()]) {
      // The check can fail: the prompt published above is in the bytes.
      expect(bytes).toContain("Hello {who}");
      for (const key of [seedKey, ...created]) {
        expect(bytes).not.toContain(key);
        // Only a short display prefix is kept; the rest of the key appears nowhere.
        expect(bytes).not.toContain(key.slice(11));
      }
    }
  });

  it("a revoked key stops working at once: fetches get UnauthorizedError, queued logs are refused and counted, nothing is stored", async () => {
    const created = await call("POST", "/api/v1/keys", { key: seedKey, body: { name: "to-revoke" } });
    const key = created.json.key as string;
    const sdk = new Promptline({ apiKey: key, baseURL: server.url, env: fakes.env, flushOnExit: false, onError: () => {}, logging: { flushIntervalMs: 600_000 } });
    try {
      const before = await sdk.run({ promptName: "hello", inputVariables: { who: "before" } });
      expect(await sdk.flush()).toEqual({ pending: 0, dropped: 0 });
      expect((await call("GET", `/api/v1/requests/${before.request_id}`, { key: seedKey })).status).toBe(200);

      const queued = await sdk.run({ promptName: "hello", inputVariables: { who: "queued" } }); // served from the cache
      expect((await call("DELETE", `/api/v1/keys/${created.json.id as number}`, { key: seedKey })).status).toBe(204);

      await expect(sdk.templates.get("hello")).rejects.toBeInstanceOf(UnauthorizedError);
      expect((await call("GET", "/api/v1/prompts", { key })).status).toBe(401);
      // PromptLayer's routes, key in the body.
      expect((await call("POST", "/track-request", { body: { api_key: key, function_name: "openai.chat.completions.create", kwargs: {}, request_response: {} } })).status).toBe(401);
      expect(await sdk.flush()).toEqual({ pending: 0, dropped: 1 });
      expect((await call("GET", `/api/v1/requests/${queued.request_id}`, { key: seedKey })).status).toBe(404);
    } finally {
      await sdk.close({ timeoutMs: 0 });
    }
  });

  it("a wrong or missing key gets the same 401, which names no key; the SDK's error neither", async () => {
    const answers = await Promise.all([
      call("GET", "/api/v1/prompts"),
      call("GET", "/api/v1/prompts", { key: "pl_wrong_key_0000000000000000" }),
      call("GET", "/api/v1/prompts", { key: seedKey.slice(0, -1) }),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401]);
    const bodies = answers.map((answer) => answer.text);
    for (const body of bodies) {
      expect(body).not.toContain("pl_wrong_key");
      expect(body).not.toContain(seedKey.slice(0, 11)); // not even the display prefix of a real key
    }
    const sdk = new Promptline({ apiKey: "pl_wrong_key_0000000000000000", baseURL: server.url, flushOnExit: false, onError: () => {} });
    const error = await sdk.templates.get("hello").catch((caught: unknown) => caught);
    await sdk.close({ timeoutMs: 0 });
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain("pl_wrong_key_0000000000000000");
    expect(String(error)).not.toContain(seedKey.slice(0, 11));
  });
});

describe("provider credentials in a request's kwargs", () => {
  const secret = "sk-proj-SECRETSECRETSECRET0123456789";
  const awsSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY";
  const endpoint = "https://secret-gateway.internal.example";
  const credentials = {
    apiKey: secret,
    api_key: secret,
    baseURL: endpoint,
    base_url: endpoint,
    organization: "org-secret",
    aws_secret_key: awsSecret,
    awsSecretKey: awsSecret,
  };

  /** `where: which secret` for every secret found in these texts, with the JSON path when the text is JSON. */
  function leaks(sources: Record<string, string>): string[] {
    const found: string[] = [];
    for (const [where, text] of Object.entries(sources)) {
      for (const value of [secret, awsSecret, endpoint, "org-secret"]) {
        if (!text.includes(value)) continue;
        let path = "";
        try {
          path = ` at ${jsonPaths(JSON.parse(text), value).join(", ")}`;
        } catch {
          // Not JSON (a log line, the database file).
        }
        found.push(`${where}: ${value}${path}`);
      }
    }
    return found;
  }

  it("never reach a stored record, a server log line or an error message, on every ingestion route", async () => {
    const printed: string[] = [];
    const spies = (["log", "warn", "error", "info", "debug"] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(" "))),
    );
    const answers: string[] = [];
    try {
      const tracked = await call("POST", "/track-request", {
        body: {
          api_key: seedKey,
          function_name: "openai.chat.completions.create",
          provider_type: "openai",
          kwargs: { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], ...credentials },
          request_response: { id: "x", object: "chat.completion", model: "gpt-4o-mini", choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }] },
          request_start_time: new Date().toISOString(),
          request_end_time: new Date().toISOString(),
          tags: ["kwargs-secrets"],
        },
      });
      answers.push(tracked.text);
      expect(tracked.status).toBe(200);

      const logged = await call("POST", "/log-request", {
        key: seedKey,
        body: {
          provider: "openai",
          model: "gpt-4o-mini",
          input: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }] },
          output: { type: "chat", messages: [{ role: "assistant", content: [{ type: "text", text: "ok" }] }] },
          parameters: { temperature: 0, ...credentials },
          tags: ["kwargs-secrets"],
        },
      });
      answers.push(logged.text);
      expect(logged.status).toBe(201);

      const batch = await call("POST", "/api/v1/requests:batch", {
        key: seedKey,
        body: {
          records: [
            {
              request_id: `kwargs-secrets-${Date.now()}`,
              status: "SUCCESS",
              provider: "openai",
              model: "gpt-4o-mini",
              tags: ["kwargs-secrets"],
              request: { model: "gpt-4o-mini", messages: [], ...credentials },
              response: { choices: [] },
            },
          ],
        },
      });
      answers.push(batch.text);
      expect(batch.status).toBe(200);

      // Refused bodies don't echo them either.
      for (const [path, body] of [
        ["/track-request", { api_key: seedKey, function_name: "openai.chat.completions.create", kwargs: credentials, tags: "not-a-list" }],
        ["/log-request", { provider: "openai", parameters: credentials }],
        ["/api/v1/requests:batch", { records: [{ request_id: "x", request: credentials }] }],
      ] as const) {
        const refused = await call("POST", path, { key: seedKey, body });
        expect(refused.status, refused.text).toBe(400);
        answers.push(refused.text);
      }

      const stored = await call("GET", "/api/v1/requests?tag=kwargs-secrets&limit=10", { key: seedKey });
      expect((stored.json.items as unknown[]).length).toBe(3);
      const sources = { stored: stored.text, answers: answers.join("\n"), console: printed.join("\n"), serverLog: serverLog.join("\n"), databaseFile: databaseBytes() };
      expect(sources.stored).toContain("gpt-4o-mini"); // the check can fail
      expect(leaks(sources)).toEqual([]);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it("passed to our SDK's run() as parameter overrides, are kept out of the stored record", async () => {
    const sdk = new Promptline({ apiKey: seedKey, baseURL: server.url, env: fakes.env, flushOnExit: false, onError: () => {} });
    try {
      const result = await sdk.run({ promptName: "hello", inputVariables: { who: "overrides" }, modelParameterOverrides: { ...credentials, temperature: 0.3 } });
      expect(await sdk.flush()).toEqual({ pending: 0, dropped: 0 });
      const stored = await call("GET", `/api/v1/requests/${result.request_id}`, { key: seedKey });
      expect(stored.json.request).toMatchObject({ temperature: 0.3 });
      expect(leaks({ stored: stored.text })).toEqual([]);
    } finally {
      await sdk.close({ timeoutMs: 0 });
    }
  });
});

/** The database files after a clean close (WAL checkpointed into the main file), then the server restarted on them. */
async function closedDatabaseBytes(): Promise<string> {
  await server.close();
  const bytes = databaseBytes();
  server = await startServer({ database: `sqlite:${join(folder, "promptline.db")}`, port: 0, apiKey: seedKey, logError: (error) => serverLog.push(String(error)) });
  return bytes;
}

/** The paths of the strings holding `needle` in a JSON value. */
function jsonPaths(value: unknown, needle: string, path = "$"): string[] {
  if (typeof value === "string") return value.includes(needle) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => jsonPaths(item, needle, `${path}[${index}]`));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([key, item]) => jsonPaths(item, needle, `${path}.${key}`));
  return [];
}
