/**
 * Bad input that reaches storage, over real HTTP, on SQLite and on
 * PostgreSQL: any unicode (control characters and NUL included) in prompt
 * names, tags, commit messages, metadata and log records either round-trips
 * exactly or is refused with a clear 4xx, never a 5xx and never a partial
 * write; SQL in a search field is just text.
 *
 * (The in-process route suite, packages/server/src/routes/bad-input.test.ts,
 * covers malformed JSON, wrong types, unknown ids and body limits on every
 * route; this file adds the databases' own quirks, end to end.)
 */
import { randomUUID } from "node:crypto";
import type { LogRecordInput } from "@promptline/core";
import { startServer, type RunningServer } from "@promptline/server";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshSchemaName, pgQuery, reachablePostgres } from "../../packages/server/src/testing/postgres-target.js";

const apiKey = "pl_test_key_stored_input_0123456789";
const postgres = await reachablePostgres();

interface Answer {
  status: number;
  text: string;
  json: Record<string, unknown>;
}

async function call(server: RunningServer, method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { "x-api-key": apiKey, ...(body !== undefined && { "content-type": "application/json" }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    // Left empty: the assertions on `json.message` then fail with the text in view.
  }
  return { status: response.status, text, json };
}

/** Strings that probe the edges: control characters, NUL, URL and LIKE metacharacters, SQL, any code point. */
const hostile = fc.oneof(
  fc.string({ unit: "binary", minLength: 1, maxLength: 24 }),
  fc.string({ unit: fc.constantFrom("\u0000", "\u0001", "\u001b", "\u007f", "\u0085", "\u2028", "\u200b", "\ufeff", "\ud83d\ude00", "e\u0301", "\ud800", "\udfff"), minLength: 1, maxLength: 8 }),
  fc.string({ unit: fc.constantFrom("/", "?", "#", "%", "_", "\\", "'", '"', ";", "-", " ", "&", "=", "+", "."), minLength: 1, maxLength: 12 }),
  fc.constantFrom("'; DROP TABLE prompt; --", "\" OR 1=1 --", "%", "_", "%%", "\\", "../..", "a/b?c#d", "{{ x }}", "{x}", "\u0000"),
);

function chat(text: string) {
  return { type: "chat", messages: [{ role: "user", content: [{ type: "text", text }] }] };
}
const model = { provider: "openai", name: "gpt-4o-mini", api_type: "chat-completions", parameters: {} };

async function promptCount(server: RunningServer): Promise<number> {
  const listed = await call(server, "GET", "/api/v1/prompts?per_page=1");
  expect(listed.status).toBe(200);
  return listed.json.total as number;
}

function logRecord(requestId: string, fields: Partial<LogRecordInput> = {}): LogRecordInput {
  return {
    request_id: requestId,
    status: "SUCCESS",
    provider: "openai",
    model: "gpt-4o-mini",
    usage: { input_tokens: 1, output_tokens: 1 },
    request: { model: "gpt-4o-mini", messages: [] },
    response: { choices: [] },
    ...fields,
  };
}

function storedInputSuite(database: () => { database: string; schema?: string }) {
  let server: RunningServer;
  let counter = 0;

  beforeAll(async () => {
    server = await startServer({ ...database(), port: 0, apiKey, logError: () => undefined });
  });
  afterAll(() => server?.close());

  it("a publish with any unicode in name, tags, commit message and metadata round-trips exactly, or is a 4xx that stores nothing", async () => {
    await fc.assert(
      fc.asyncProperty(hostile, fc.array(hostile, { maxLength: 3 }), hostile, fc.dictionary(hostile, hostile, { maxKeys: 3 }), hostile, async (name, tags, commit, extra, text) => {
        const promptName = `${name}~${counter++}`;
        const before = await promptCount(server);
        const metadata = { ...extra, model };
        const published = await call(server, "POST", "/api/v1/prompts", { prompt_name: promptName, prompt_template: chat(text), metadata, tags, commit_message: commit });
        expect(published.status, published.text).toBeLessThan(500);
        if (published.status !== 201) {
          expect(published.status).toBeGreaterThanOrEqual(400);
          expect(published.json.message, published.text).toEqual(expect.any(String));
          expect(await promptCount(server)).toBe(before);
          return;
        }
        expect(await promptCount(server)).toBe(before + 1);
        const fetched = await call(server, "GET", `/api/v1/prompts/${encodeURIComponent(promptName)}/template`);
        expect(fetched.status, fetched.text).toBe(200);
        const { prompt, version } = fetched.json as { prompt: { name: string; tags: string[] }; version: { prompt_template: unknown; metadata: Record<string, unknown>; commit_message: string } };
        expect(prompt.name).toBe(promptName);
        expect([...prompt.tags].sort()).toEqual([...new Set(tags)].sort());
        expect(version.commit_message).toBe(commit);
        expect(version.prompt_template).toEqual(chat(text));
        for (const [key, value] of Object.entries(extra)) if (key !== "model") expect(version.metadata[key]).toEqual(value);
        // PromptLayer's route finds it by the same (encoded) name.
        const viaPromptLayer = await call(server, "POST", `/prompt-templates/${encodeURIComponent(promptName)}`, { skip_input_variable_rendering: true });
        expect(viaPromptLayer.status, viaPromptLayer.text).toBe(200);
        expect(viaPromptLayer.json.prompt_name).toBe(promptName);
      }),
      { numRuns: 80 },
    );
  });

  it("a log record with any unicode in tags, metadata, variables and error text round-trips exactly, or is a 4xx that stores nothing", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostile, { maxLength: 3 }), fc.dictionary(hostile, hostile, { maxKeys: 3 }), hostile, hostile, async (tags, metadata, variable, message) => {
        const requestId = `${randomUUID()}`;
        const sent = logRecord(requestId, {
          tags,
          metadata,
          input_variables: { [variable]: message },
          status: "ERROR",
          error_type: "PROVIDER_ERROR",
          error_message: message,
          prompt_name: variable,
        });
        const answer = await call(server, "POST", "/api/v1/requests:batch", { records: [sent] });
        expect(answer.status, answer.text).toBeLessThan(500);
        const stored = await call(server, "GET", `/api/v1/requests/${requestId}`);
        if (answer.status !== 200) {
          expect(answer.status).toBeGreaterThanOrEqual(400);
          expect(answer.json.message, answer.text).toEqual(expect.any(String));
          expect(stored.status).toBe(404);
          return;
        }
        expect(stored.status, stored.text).toBe(200);
        expect([...(stored.json.tags as string[])].sort()).toEqual([...new Set(tags)].sort());
        expect(stored.json.metadata).toEqual(metadata);
        expect(stored.json.input_variables).toEqual({ [variable]: message });
        expect(stored.json.error_message).toBe(message);
        expect(stored.json.prompt_name).toBe(variable);
        // And the tag filter finds it by its exact text.
        for (const tag of tags) {
          const found = await call(server, "GET", `/api/v1/requests?${new URLSearchParams({ tag, limit: "500" })}`);
          expect(found.status, found.text).toBe(200);
          expect((found.json.items as { request_id: string }[]).map((item) => item.request_id)).toContain(requestId);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("a batch with one bad record stores none of it", async () => {
    const good = logRecord(randomUUID(), { tags: ["all-or-nothing"] });
    const bad = logRecord(randomUUID(), { usage: { input_tokens: -5, output_tokens: 0 } });
    const answer = await call(server, "POST", "/api/v1/requests:batch", { records: [good, bad] });
    expect(answer.status).toBe(400);
    expect(answer.json.message).toMatch(/input_tokens/);
    expect((await call(server, "GET", `/api/v1/requests/${good.request_id}`)).status).toBe(404);
  });

  it("a NUL in a URL's path or query is a 400 naming the problem, on every database", async () => {
    for (const path of ["/api/v1/prompts/a%00b/template", "/api/v1/prompts?search=%00", "/api/v1/requests?tag=x%00", "/prompt-templates/a%00b"]) {
      const answer = await call(server, path.startsWith("/prompt-templates") ? "POST" : "GET", path, path.startsWith("/prompt-templates") ? {} : undefined);
      expect(answer.status, `${path}: ${answer.text}`).toBe(400);
      expect(answer.json.message).toMatch(/NUL character/);
    }
  });

  describe("SQL in a search field is just text", () => {
    const probes = ["'; DROP TABLE prompt; --", "' OR '1'='1", "%", "_", "\\", "%' OR 1=1 --", "x'); DELETE FROM request_log; --"];

    beforeAll(async () => {
      for (const name of ["alpha", "beta_1", "gamma%2", "it's", ...probes]) {
        expect((await call(server, "POST", "/api/v1/prompts", { prompt_name: `sql-named ${name}`, prompt_template: chat("x"), metadata: { model }, tags: [`tag ${name}`] })).status).toBe(201);
      }
      const records = probes.map((probe, index) => logRecord(`sql-probe-${index}-${randomUUID()}`, { tags: [`tag ${probe}`], metadata: { note: probe }, prompt_name: `sql-named ${probe}` }));
      expect((await call(server, "POST", "/api/v1/requests:batch", { records: [...records, logRecord(`sql-plain-${randomUUID()}`, { tags: ["plain"], metadata: { note: "plain" } })] })).status).toBe(200);
    });

    it("prompt search, tag and label filters match the literal text, and every table is still there", async () => {
      const total = await promptCount(server);
      for (const probe of probes) {
        const searched = await call(server, "GET", `/api/v1/prompts?${new URLSearchParams({ search: probe, per_page: "100" })}`);
        expect(searched.status, searched.text).toBe(200);
        const names = (searched.json.items as { name: string }[]).map((item) => item.name);
        expect(names.length, probe).toBeGreaterThan(0);
        for (const name of names) expect(name.toLowerCase(), probe).toContain(probe.toLowerCase());
        const tagged = await call(server, "GET", `/api/v1/prompts?${new URLSearchParams({ tag: `tag ${probe}` })}`);
        expect(tagged.status).toBe(200);
        expect((tagged.json.items as { name: string }[]).map((item) => item.name), probe).toEqual([`sql-named ${probe}`]);
        const labelled = await call(server, "GET", `/api/v1/prompts?${new URLSearchParams({ label: probe })}`);
        expect(labelled.status).toBe(200);
        expect(labelled.json.items).toEqual([]);
      }
      expect(await promptCount(server)).toBe(total);
    });

    it("request filters (tag, metadata, prompt, model) match the literal text", async () => {
      for (const probe of probes) {
        const queries: Record<string, string>[] = [{ tag: `tag ${probe}` }, { metadata: `note:${probe}` }, { prompt: `sql-named ${probe}` }];
        for (const query of queries) {
          const found = await call(server, "GET", `/api/v1/requests?${new URLSearchParams(query)}`);
          expect(found.status, found.text).toBe(200);
          expect((found.json.items as { tags: string[] }[]).map((item) => item.tags), JSON.stringify(query)).toEqual([[`tag ${probe}`]]);
        }
        const byModel = await call(server, "GET", `/api/v1/requests?${new URLSearchParams({ model: probe })}`);
        expect(byModel.status).toBe(200);
        expect(byModel.json.items).toEqual([]);
      }
      // The plain record is still there: no DELETE ran.
      expect(((await call(server, "GET", "/api/v1/requests?tag=plain")).json.items as unknown[]).length).toBe(1);
    });
  });
}

describe("stored input on SQLite", () => {
  storedInputSuite(() => ({ database: "sqlite::memory:" }));
});

if ("url" in postgres) {
  const schema = freshSchemaName("promptline_input");
  describe("stored input on PostgreSQL", () => {
    afterAll(() => pgQuery(postgres.url, `drop schema if exists "${schema}" cascade`));
    storedInputSuite(() => ({ database: postgres.url, schema }));
  });
} else if (process.env.CI) {
  describe("stored input on PostgreSQL", () => {
    it("reaches PostgreSQL (required in CI)", () => {
      throw new Error(`PostgreSQL is unreachable, and CI must not skip the stored-input tests: ${postgres.error}`);
    });
  });
} else {
  console.warn(`Skipping the stored-input tests on PostgreSQL: ${postgres.error}. Start PostgreSQL or set PROMPTLINE_TEST_POSTGRES_URL.`);
  describe.skip("stored input on PostgreSQL", () => {
    it("needs PostgreSQL", () => undefined);
  });
}
