import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { InvalidRequestError, PromptNotFoundError, RegistryError, UnauthorizedError, UnexpectedResponseError } from "@promptline/core";
import { afterEach, describe, expect, it } from "vitest";
import { isTransientRegistryError, RegistryClient } from "./registry-client.js";

function client(fetch: typeof globalThis.fetch, timeoutMs = 5000) {
  return new RegistryClient({ baseURL: "http://registry.test", apiKey: "pl_key", fetch, timeoutMs });
}

const answer = (status: number, body: unknown) => async () => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** A `GET /api/v1/prompts/{name}/template` answer as the server sends it. */
function storedAnswer() {
  const at = "2026-12-05T10:00:00.000Z";
  return {
    prompt: { id: 1, workspace_id: 1, name: "a", tags: [], latest_version: 3, created_at: at, updated_at: at },
    version: {
      id: 3,
      prompt_id: 1,
      prompt_name: "a",
      version: 3,
      prompt_template: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] },
      metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: {} } },
      commit_message: null,
      author_key_id: 1,
      created_at: at,
      snippets: [],
    },
    labels: ["prod"],
    registry_revision: 7,
  };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error,
  );
}

describe("RegistryClient", () => {
  it("fetches a version by label or number, with the API key, the name encoded", async () => {
    const seen: { url: string; headers: Headers }[] = [];
    const registry = client(async (input, init) => {
      seen.push({ url: String(input), headers: new Headers(init?.headers) });
      return new Response(JSON.stringify(storedAnswer()));
    });
    await registry.getVersion("a b/c", { label: "3" });
    await registry.getVersion("a", { version: 3 });
    await registry.getVersion("a", {});
    expect(seen.map((request) => request.url)).toEqual([
      "http://registry.test/api/v1/prompts/a%20b%2Fc/template?label=3&expand_snippets=true",
      "http://registry.test/api/v1/prompts/a/template?version=3&expand_snippets=true",
      "http://registry.test/api/v1/prompts/a/template?expand_snippets=true",
    ]);
    expect(seen[0]?.headers.get("x-api-key")).toBe("pl_key");
  });

  it("maps statuses to the error family", async () => {
    const notFound = await failure(client(answer(404, { message: "no such prompt" })).getVersion("a", { label: "prod" }));
    expect(notFound).toBeInstanceOf(PromptNotFoundError);
    expect(await failure(client(answer(401, { message: "bad key" })).getVersion("a", {}))).toBeInstanceOf(UnauthorizedError);
    expect(await failure(client(answer(403, {})).getVersion("a", {}))).toBeInstanceOf(UnauthorizedError);
    const invalid = await failure(client(answer(400, { error: { message: "records.0.status: bad" } })).sendBatch([]));
    expect(invalid).toBeInstanceOf(InvalidRequestError);
    expect((invalid as Error).message).toBe("records.0.status: bad");
    for (const status of [408, 429, 500, 502, 503]) {
      const error = await failure(client(answer(status, {})).sendBatch([]));
      expect(error).toBeInstanceOf(RegistryError);
      expect(isTransientRegistryError(error)).toBe(true);
    }
  });

  it("turns a refused connection into a retryable RegistryError that says what to check", async () => {
    const error = await failure(
      client(async () => {
        throw new TypeError("fetch failed");
      }).getVersion("a", {}),
    );
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).isRetryable).toBe(true);
    expect((error as Error).message).toMatch(/PROMPTLINE_BASE_URL/);
  });

  it("times out a registry that doesn't answer", async () => {
    const hung: typeof fetch = (_input, init) =>
      new Promise((_, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal?.reason as Error)));
    const error = await failure(client(hung, 20).getVersion("a", {}));
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).isRetryable).toBe(true);
    expect((error as Error).message).toMatch(/did not answer within 20 ms/);
  });

  it("treats a body cut off mid-way as transient, not as a refusal", async () => {
    const cut: typeof fetch = async () =>
      new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"results":'));
            controller.error(new DOMException("The operation was aborted.", "AbortError"));
          },
        }),
      );
    const error = await failure(client(cut).sendBatch([]));
    expect(error).toBeInstanceOf(RegistryError);
    expect(isTransientRegistryError(error)).toBe(true);
  });

  it("passes the caller's abort signal to fetch", async () => {
    const controller = new AbortController();
    const hung: typeof fetch = (_input, init) =>
      new Promise((_, reject) => init?.signal?.addEventListener("abort", () => reject(new Error("aborted"))));
    const pending = failure(client(hung).getVersion("a", {}, controller.signal));
    controller.abort();
    expect(await pending).toBeInstanceOf(RegistryError);
  });
});

describe("isTransientRegistryError", () => {
  it("retries what may pass on its own and nothing else", () => {
    expect(isTransientRegistryError(new RegistryError("down", { status: 503 }))).toBe(true);
    expect(isTransientRegistryError(new RegistryError("gone", { status: 501, isRetryable: false }))).toBe(false);
    expect(isTransientRegistryError(new TypeError("fetch failed"))).toBe(true);
    expect(isTransientRegistryError(new DOMException("timeout", "TimeoutError"))).toBe(true);
    expect(isTransientRegistryError(new PromptNotFoundError("a"))).toBe(false);
    expect(isTransientRegistryError(new UnauthorizedError())).toBe(false);
    expect(isTransientRegistryError(new InvalidRequestError("bad"))).toBe(false);
  });
});

describe("RegistryClient reading answers through the wire contract", () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  /** A real HTTP server answering every request with `body` (200, JSON). */
  async function serverAnswering(body: unknown): Promise<RegistryClient> {
    server = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return new RegistryClient({ baseURL: `http://127.0.0.1:${port}`, apiKey: "pl_key", fetch, timeoutMs: 5000 });
  }

  it("lets unknown fields through", async () => {
    const registry = await serverAnswering({ ...storedAnswer(), from_a_newer_server: { x: 1 }, version: { ...storedAnswer().version, shiny: true } });
    const found = await registry.getVersion("a", { label: "prod" });
    expect(found.version.version).toBe(3);
    expect(found).toMatchObject({ from_a_newer_server: { x: 1 }, version: { shiny: true } });
  });

  it("refuses a malformed answer with one UnexpectedResponseError naming the route and the field, not retryable", async () => {
    const registry = await serverAnswering({ ...storedAnswer(), version: { ...storedAnswer().version, version: "3" } });
    const error = await failure(registry.getVersion("a", { label: "prod" }));
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(error).toMatchObject({ code: "unexpected_response", route: "GET /api/v1/prompts/{name}/template", path: "version.version" });
    expect((error as Error).message).toMatch(/GET \/api\/v1\/prompts\/\{name\}\/template.*version\.version/);
    expect(isTransientRegistryError(error)).toBe(false);
  });

  it("refuses an answer that is not the route's at all (a proxy's page, another service's JSON)", async () => {
    const error = await failure((await serverAnswering({ ok: true })).sendBatch([]));
    expect(error).toMatchObject({ code: "unexpected_response", route: "POST /api/v1/requests:batch", path: "results" });
  });
});
