/**
 * Two server instances on one PostgreSQL database, as a team that outgrew one
 * machine runs them behind a load balancer: real HTTP to both, no shared
 * process state. Concurrent publishes get distinct consecutive versions, a
 * label moved through one is served by the other at once, and ingestion of
 * the same batches through both stores each record exactly once.
 *
 * Fails in CI when PostgreSQL is unreachable; skips with a message elsewhere.
 */
import { randomUUID } from "node:crypto";
import type { LogRecordInput } from "@promptline/core";
import { startServer, type RunningServer } from "@promptline/server";
import { Promptline, type PublishBody } from "promptline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshSchemaName, pgQuery, reachablePostgres } from "../../packages/server/src/testing/postgres-target.js";

const apiKey = "pl_test_key_two_instances_0123456789";
const postgres = await reachablePostgres();

async function call(server: RunningServer, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { "x-api-key": apiKey, ...(body !== undefined && { "content-type": "application/json" }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

function publishBody(name: string, text: string): PublishBody {
  return {
    prompt_name: name,
    prompt_template: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text }] }] },
    metadata: { model: { provider: "openai", name: "gpt-4o-mini", api_type: "chat-completions", parameters: {} } },
  };
}

function record(tag: string, index: number): LogRecordInput {
  return {
    request_id: randomUUID(),
    tags: [tag],
    metadata: { index: String(index) },
    status: "SUCCESS",
    provider: "openai",
    model: "gpt-4o-mini",
    usage: { input_tokens: 5, output_tokens: 2 },
    request: { model: "gpt-4o-mini", messages: [{ role: "user", content: `record ${index}` }] },
    response: { choices: [{ message: { role: "assistant", content: "ok" } }] },
  };
}

if ("url" in postgres) {
  const { url } = postgres;
  const schema = freshSchemaName("promptline_two");
  let a: RunningServer;
  let b: RunningServer;

  describe("two server instances on one PostgreSQL database", () => {
    // No session secret configured: both sign with the one the first kept in the database.
    beforeAll(async () => {
      a = await startServer({ database: url, schema, port: 0, apiKey, logError: () => undefined });
      b = await startServer({ database: url, schema, port: 0, apiKey, logError: () => undefined });
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
      await pgQuery(url, `drop schema if exists "${schema}" cascade`);
    });

    it("a dashboard session signed out through one instance is refused by the other at once", async () => {
      const signIn = await fetch(`${a.url}/api/session`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-promptline-csrf": "1" },
        body: JSON.stringify({ api_key: apiKey }),
      });
      const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0]!;
      expect((await fetch(`${b.url}/api/session`, { headers: { cookie } })).status).toBe(200);
      expect((await fetch(`${b.url}/api/session`, { method: "DELETE", headers: { cookie } })).status).toBe(204);
      expect((await fetch(`${a.url}/api/session`, { headers: { cookie } })).status).toBe(401);
      expect((await fetch(`${a.url}/api/v1/prompts`, { headers: { cookie } })).status).toBe(401);
    });

    it("requests tracked through both at once get distinct numbers of their workspace", async () => {
      const tracked = await Promise.all(
        Array.from({ length: 30 }, (_, n) =>
          fetch(`${(n % 2 ? a : b).url}/track-request`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ api_key: apiKey, function_name: "openai.chat.completions.create", kwargs: { model: "m" }, request_response: {}, tags: ["numbers"] }),
          }).then(async (response) => ((await response.json()) as { request_id: number }).request_id),
        ),
      );
      expect(new Set(tracked).size).toBe(30);
      expect(tracked.every((id) => Number.isSafeInteger(id) && id > 0)).toBe(true);
    });

    it("concurrent publishes of one prompt through both get distinct consecutive versions", async () => {
      const clients = [a, b].map((server) => new Promptline({ apiKey, baseURL: server.url, flushOnExit: false }));
      try {
        const published = await Promise.all(
          Array.from({ length: 40 }, (_, n) => clients[n % 2]!.templates.publish(publishBody("shared-prompt", `version from publish ${n}`))),
        );
        const versions = published.map((result) => result.version_number).sort((x, y) => x - y);
        expect(versions).toEqual(Array.from({ length: 40 }, (_, n) => n + 1));
        // Each version holds the text of the publish that got it.
        for (const [n, result] of published.entries()) {
          const fetched = await call(n % 2 ? a : b, "GET", `/api/v1/prompts/shared-prompt/template?version=${result.version_number}`);
          expect(JSON.stringify(fetched.json)).toContain(`version from publish ${n}"`);
        }
        const rows = await pgQuery<{ version: number }>(url, `select v.version from "${schema}".prompt_version v join "${schema}".prompt p on p.id = v.prompt_id where p.name = $1`, ["shared-prompt"]);
        expect(rows.map((row) => Number(row.version)).sort((x, y) => x - y)).toEqual(versions);
      } finally {
        await Promise.all(clients.map((client) => client.close()));
      }
    });

    it("a label moved through one instance is served by the other at once", async () => {
      for (let n = 1; n <= 4; n++) expect((await call(a, "POST", "/api/v1/prompts", publishBody("labelled", `text of version ${n}`))).status).toBe(201);
      const moves = [2, 4, 1, 3, 2, 4];
      for (const [index, version] of moves.entries()) {
        const [mover, reader] = index % 2 === 0 ? [a, b] : [b, a];
        const moved = await call(mover, "PUT", "/api/v1/prompts/labelled/labels/prod", { version });
        expect(moved.status, JSON.stringify(moved.json)).toBe(200);
        // PromptLayer's route (what the official SDK asks) and ours (what our SDK's cache asks).
        const served = await call(reader, "POST", "/prompt-templates/labelled", { label: "prod" });
        expect(served.status).toBe(200);
        expect(served.json.version).toBe(version);
        expect(JSON.stringify(served.json.prompt_template)).toContain(`text of version ${version}`);
        const template = await call(reader, "GET", "/api/v1/prompts/labelled/template?label=prod");
        expect((template.json.version as { version: number }).version).toBe(version);
      }
      const history = await call(b, "GET", "/api/v1/prompts/labelled/labels/history");
      expect(history.status).toBe(200);
      // Every move is recorded once, whichever instance made it.
      expect(history.json.items).toHaveLength(moves.length);
    });

    it("the same batches sent through both instances at once are stored exactly once", async () => {
      const tag = `two-instances-${randomUUID().slice(0, 8)}`;
      const batches = Array.from({ length: 30 }, (_, batch) => Array.from({ length: 10 }, (_, index) => record(tag, batch * 10 + index)));
      const answers = await Promise.all(
        batches.flatMap((records) => [a, b].map((server) => call(server, "POST", "/api/v1/requests:batch", { records }))),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(answers.length).fill(200));
      const accepted = answers.reduce((sum, answer) => sum + (answer.json.accepted as number), 0);
      const duplicates = answers.reduce((sum, answer) => sum + (answer.json.duplicates as number), 0);
      expect(accepted).toBe(300);
      expect(duplicates).toBe(300);
      // Every answer names every record of its batch, created or not.
      for (const [n, answer] of answers.entries()) {
        expect((answer.json.results as { request_id: string }[]).map((result) => result.request_id)).toEqual(batches[Math.floor(n / 2)]!.map((each) => each.request_id));
      }

      const sent = batches.flat().map((each) => each.request_id).sort();
      const rows = await pgQuery<{ request_id: string }>(url, `select request_id from "${schema}".request_log where request_id = any($1)`, [sent]);
      expect(rows.map((row) => row.request_id).sort()).toEqual(sent);
      // Either instance lists all of them.
      for (const server of [a, b]) {
        const listed = await call(server, "GET", `/api/v1/requests?tag=${tag}&limit=500`);
        expect((listed.json.items as { request_id: string }[]).map((item) => item.request_id).sort()).toEqual(sent);
      }
    });

    it("a key revoked through one instance is refused by the other at once", async () => {
      const created = await call(a, "POST", "/api/v1/keys", { name: "short-lived" });
      expect(created.status).toBe(201);
      const key = created.json.key as string;
      const withKey = (server: RunningServer) => fetch(`${server.url}/api/v1/prompts`, { headers: { "x-api-key": key } }).then((response) => response.status);
      expect([await withKey(a), await withKey(b)]).toEqual([200, 200]);
      expect((await call(b, "DELETE", `/api/v1/keys/${created.json.id as number}`)).status).toBe(204);
      expect([await withKey(a), await withKey(b)]).toEqual([401, 401]);
    });

    it("our SDK, shipping through one instance, is read back through the other", async () => {
      const sdk = new Promptline({ apiKey, baseURL: a.url, flushOnExit: false });
      try {
        const tag = `via-a-${randomUUID().slice(0, 8)}`;
        const logged = await Promise.all(
          Array.from({ length: 20 }, (_, n) =>
            sdk.logRequest({
              provider: "openai",
              model: "gpt-4o-mini",
              input: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: `hello ${n}` }] }] },
              output: { type: "chat", messages: [{ role: "assistant", content: [{ type: "text", text: "hi" }] }] },
              request_start_time: Date.now() - 10,
              request_end_time: Date.now(),
              tags: [tag],
            }),
          ),
        );
        expect(logged).toHaveLength(20);
        const listed = await call(b, "GET", `/api/v1/requests?tag=${tag}&limit=100`);
        expect(listed.json.items as unknown[]).toHaveLength(20);
      } finally {
        await sdk.close();
      }
    });
  });
} else if (process.env.CI) {
  describe("two server instances on one PostgreSQL database", () => {
    it("reaches PostgreSQL (required in CI)", () => {
      throw new Error(`PostgreSQL is unreachable, and CI must not skip the multi-instance tests: ${postgres.error}`);
    });
  });
} else {
  console.warn(`Skipping the two-instance PostgreSQL tests: ${postgres.error}. Start PostgreSQL or set PROMPTLINE_TEST_POSTGRES_URL.`);
  describe.skip("two server instances on one PostgreSQL database", () => {
    it("needs PostgreSQL", () => undefined);
  });
}
