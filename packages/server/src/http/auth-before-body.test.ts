import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRoutes, chatTemplate, createRouteHarness, fillPath, publish, type RouteHarness } from "../routes/route-harness.contract.js";
import { bodyKeyRoutePaths } from "../routes/promptlayer-routes.js";
import { startServer, type RunningServer } from "../start-server.js";
import { TopLevelFieldScanner } from "./body-key-scanner.js";

/**
 * The key is checked before the body is read (issue 13, reproduction 5):
 * unauthenticated bodies are not buffered or parsed, except on PromptLayer's
 * body-key routes, where reading stops at the key (refused at once when
 * wrong) or at `maxBodyBytesBeforeKey`.
 */

const chunkBytes = 64 * 1024;

/** A body of `totalBytes` that counts how much of it was pulled; `prefix` comes first. */
function countingBody(totalBytes: number, prefix = "") {
  const counter = { pulled: 0 };
  const encoder = new TextEncoder();
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= totalBytes) return controller.close();
      const text = sent === 0 ? prefix + " ".repeat(Math.max(0, chunkBytes - prefix.length)) : " ".repeat(chunkBytes);
      const bytes = encoder.encode(text);
      sent += bytes.byteLength;
      counter.pulled += bytes.byteLength;
      controller.enqueue(bytes);
    },
  });
  return { stream, counter };
}

async function send(h: RouteHarness, method: string, path: string, body: ReadableStream<Uint8Array>, headers: Record<string, string> = {}) {
  const response = await h.app.request(path, { method, headers: { "content-type": "application/json", ...headers }, body, duplex: "half" } as RequestInit);
  return { status: response.status, body: (await response.json()) as { message: string } };
}

let h: RouteHarness;
beforeAll(async () => {
  h = await createRouteHarness({ maxBodyBytes: 10 * 1024 * 1024 });
  await publish(h, h.a.adminKey, { prompt_name: "poem", ...chatTemplate("Write about {topic}") });
});
afterAll(() => h.close());

const params = { name: "poem", label: "prod", request_id: "r1", id: 1, identifier: "poem", promptId: 1, labelId: 1 };
const open = new Set(["POST /api/session"]);
const writes = () => appRoutes(h.app).filter((route) => ["POST", "PUT", "PATCH"].includes(route.method) && !open.has(`${route.method} ${route.path}`));

describe("authentication before the body", () => {
  it("every route that takes its key in a header answers 401 to a 10 MiB body without a key, having read none of it", async () => {
    const headerRoutes = writes().filter((route) => !bodyKeyRoutePaths.has(route.path));
    expect(headerRoutes.length).toBeGreaterThan(10);
    for (const route of headerRoutes) {
      const attempts: Record<string, string>[] = [{}, { "x-api-key": "pl_wrong_key_000000000000000" }, { cookie: "promptline_session=forged.token" }];
      for (const headers of attempts) {
        const { stream, counter } = countingBody(10 * 1024 * 1024 - 1024);
        const answer = await send(h, route.method, fillPath(route.path, params), stream, headers);
        expect(answer.status, `${route.method} ${route.path} ${JSON.stringify(headers)}`).toBe(401);
        // At most what the stream's machinery pulled ahead on its own; nothing read by us.
        expect(counter.pulled, `${route.method} ${route.path}`).toBeLessThanOrEqual(2 * chunkBytes);
      }
    }
  });

  it("a body-key route refuses a wrong api_key as soon as it has arrived, without reading the rest", async () => {
    for (const path of ["/track-request", "/library-track-metadata", "/create-group"]) {
      const { stream, counter } = countingBody(10 * 1024 * 1024 - 1024, '{"api_key": "pl_wrong_key_000000000000000", "tags": ["');
      const answer = await send(h, "POST", path, stream);
      expect(answer.status, path).toBe(401);
      expect(counter.pulled).toBeLessThanOrEqual(3 * chunkBytes);
    }
  });

  it("a body-key route reads at most 1 MiB of a body whose key has not come, then answers 413 saying where the key goes", async () => {
    const { stream, counter } = countingBody(10 * 1024 * 1024 - 1024, '{"tags": ["');
    const answer = await send(h, "POST", "/track-request", stream);
    expect(answer.status).toBe(413);
    expect(answer.body.message).toMatch(/1048576 bytes.*api_key.*X-API-KEY/);
    expect(counter.pulled).toBeLessThanOrEqual(1024 * 1024 + 3 * chunkBytes);
  });

  it("a body that is not a JSON object (10,000 nested arrays of NULs) gets a 401 on a body-key route, read no further than its start", async () => {
    const deep = "[".repeat(10_000) + '"\\u0000"' + "]".repeat(10_000);
    for (const route of writes()) {
      const answer = await h.call(route.method, fillPath(route.path, params), { raw: deep });
      expect(answer.status, `${route.method} ${route.path}`).toBe(401);
    }
  });

  it("the official SDKs' bodies still authenticate: key first with a 3 MiB rest (JS), key last (Python), key in a header with any body", async () => {
    const key = h.a.adminKey;
    const big = "x".repeat(3 * 1024 * 1024);
    const js = await h.call("POST", "/track-request", { raw: JSON.stringify({ function_name: "openai.chat.completions.create", api_key: key, request_response: { text: big } }) });
    expect(js.status, js.text.slice(0, 200)).toBe(200);
    const python = await h.call("POST", "/track-request", { raw: JSON.stringify({ function_name: "openai.chat.completions.create", request_response: {}, api_key: key }) });
    expect(python.status, python.text).toBe(200);
    const escaped = await h.call("POST", "/create-group", { raw: `{"api\\u005fkey": ${JSON.stringify(key)}}` });
    expect(escaped.status, escaped.text).toBe(200);
    const header = await h.call("POST", "/track-request", { key, raw: JSON.stringify({ function_name: "x", request_response: { text: big }, api_key: "ignored" }) });
    expect(header.status).toBe(200);
    // Python's key after more than 1 MiB: refused, with the way out in the message.
    const late = await h.call("POST", "/track-request", { raw: JSON.stringify({ function_name: "x", request_response: { text: "y".repeat(1024 * 1024) }, api_key: key }) });
    expect(late.status).toBe(413);
    expect(late.body.message).toMatch(/X-API-KEY/);
  });

  it("sign-in (unauthenticated by nature) reads at most 4 KiB", async () => {
    const { stream, counter } = countingBody(1024 * 1024, '{"api_key": "');
    const answer = await send(h, "POST", "/api/session", stream, { "x-promptline-csrf": "1" });
    expect(answer.status).toBe(413);
    expect(counter.pulled).toBeLessThanOrEqual(2 * chunkBytes);
  });

  it("the limit before the key is configurable (maxBodyBytesBeforeKey)", async () => {
    const small = await createRouteHarness({ maxBodyBytesBeforeKey: 100 });
    try {
      const late = await small.call("POST", "/create-group", { raw: JSON.stringify({ pad: "p".repeat(200), api_key: small.a.adminKey }) });
      expect(late.status).toBe(413);
      const early = await small.call("POST", "/create-group", { raw: JSON.stringify({ api_key: small.a.adminKey, pad: "p".repeat(200) }) });
      expect(early.status).toBe(200);
    } finally {
      await small.close();
    }
  });
});

describe("over a socket (Node's IncomingMessage)", () => {
  const apiKey = "pl_auth_before_body_key_000000000000";
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ database: "sqlite::memory:", port: 0, apiKey, logError: () => undefined });
  });
  afterAll(() => server.close());

  /** Starts a POST whose body never ends; resolves with the answer the server sends anyway. */
  function endlessPost(path: string, start: string, headers: Record<string, string> = {}) {
    return new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on("error", (error) => ((error as NodeJS.ErrnoException).code === "ECONNRESET" ? undefined : reject(error)));
      req.write(start);
      const more = setInterval(() => (req.destroyed ? clearInterval(more) : req.write(" ".repeat(1024))), 5);
      req.on("close", () => clearInterval(more));
    });
  }

  it("answers 401 to a header-key route while the body is still coming", async () => {
    expect(await endlessPost("/api/v1/prompts", '{"prompt_name": "')).toBe(401);
    expect(await endlessPost("/log-request", "{", { "x-api-key": "pl_wrong_key_000000000000000" })).toBe(401);
  });

  it("answers 401 to a body-key route as soon as a wrong key has come", async () => {
    expect(await endlessPost("/track-request", '{"api_key": "pl_wrong_key_000000000000000", "kwargs": {"pad": "')).toBe(401);
  });
});

describe("TopLevelFieldScanner", () => {
  const scan = (parts: string[]) => {
    const scanner = new TopLevelFieldScanner("api_key");
    for (const part of parts) scanner.feed(part);
    return scanner;
  };

  it("finds the top-level field's string value, across pieces and escapes", () => {
    expect(scan(['{"a": 1, "api_key": "k1"}']).value).toBe("k1");
    expect(scan(['{"a": {"api_key": "inner"}, "b": ["api_key", "x"], "api_key"', ' : "o', 'uter\\"q"}']).value).toBe('outer"q');
    expect(scan(['{"api\\u005fkey": "k2"}']).value).toBe("k2");
    expect(scan(['{"x": "api_key", "y": "k3"}']).value).toBeUndefined();
  });

  it("gives up on what can't hold it: not an object, a non-string value, the end of the object", () => {
    const notObject = scan(['["api_key", "k"]']);
    expect([notObject.done, notObject.value]).toEqual([true, undefined]);
    expect(scan(['{"api_key": 12}']).value).toBeUndefined();
    const ended = scan(['{"a": "b"} ']);
    expect([ended.done, ended.value]).toEqual([true, undefined]);
  });
});
