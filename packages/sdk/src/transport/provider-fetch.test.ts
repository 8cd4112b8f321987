import { readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { ProviderError } from "@promptline/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bedrockEventMessage, encodeAwsEventStreamMessage } from "./__fixtures__/aws-event-stream-encoder.js";
import { sendJson, startLocalServer, writePieces, type LocalHandler, type LocalServer } from "./__fixtures__/local-server.js";
import { ProviderAbortError } from "./provider-abort-error.js";
import { resolveProviderEndpoint, type ProviderEndpoint } from "./provider-endpoints.js";
import { fetchHttpClient, type HttpClient } from "./http-client.js";
import { sendProviderRequest, type ProviderResponse, type ProviderRetryInfo, type SendProviderRequestArgs } from "./provider-fetch.js";

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8");
const apiKey = "sk-test-secret-key-0123456789";

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(handler: LocalHandler): Promise<LocalServer> {
  server = await startLocalServer(handler);
  return server;
}

/** A server that answers request N with `responses[N]` (the last one repeats). */
function scripted(responses: readonly ((response: ServerResponse) => void)[]): LocalHandler {
  return (_request, response, { index }) => responses[Math.min(index, responses.length - 1)]!(response);
}

function openaiEndpoint(baseURL: string): ProviderEndpoint {
  return resolveProviderEndpoint("openai", { OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: baseURL });
}

/** Every test runs over both clients: the transport must behave the same whichever carries the bytes. */
const transports: [string, () => HttpClient | undefined][] = [
  ["the default client (undici)", () => undefined],
  ["an injected fetch", () => fetchHttpClient()],
];
let http: HttpClient | undefined;

/** sendProviderRequest with a recorded, instant `sleep`. */
async function send(baseURL: string, overrides: Partial<SendProviderRequestArgs> = {}) {
  const sleeps: number[] = [];
  const retries: ProviderRetryInfo[] = [];
  const run = sendProviderRequest({
    endpoint: openaiEndpoint(baseURL),
    path: "/chat/completions",
    body: { model: "gpt-test", messages: [] },
    stream: false,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0,
    onRetry: (info) => retries.push(info),
    ...(http && { http }),
    ...overrides,
  });
  const outcome = await run.then(
    (response) => ({ response, error: undefined }),
    (error: unknown) => ({ response: undefined, error: error as ProviderError }),
  );
  return { ...outcome, sleeps, retries };
}

const ok = (response: ServerResponse) => sendJson(response, 200, { id: "chatcmpl-1", choices: [] });
const status = (code: number, body: unknown = { error: { message: `status ${code}` } }, headers: Record<string, string> = {}) => (response: ServerResponse) =>
  sendJson(response, code, body, headers);

async function collect(response: ProviderResponse | undefined): Promise<unknown[]> {
  if (response?.kind !== "stream") throw new Error(`expected a stream, got ${response?.kind}`);
  const events: unknown[] = [];
  for await (const event of response.events) events.push(event);
  return events;
}

describe.each(transports)("over %s", (_name, client) => {
  beforeEach(() => {
    http = client();
  });

  describe("sendProviderRequest: JSON responses and retries", () => {
    it("returns the JSON body, status and headers", async () => {
      const { baseURL } = await serve(scripted([ok]));
      const { response } = await send(baseURL);
      expect(response).toMatchObject({ kind: "json", status: 200, body: { id: "chatcmpl-1", choices: [] } });
      expect(response?.headers["content-type"]).toBe("application/json");
    });

    it("waits what retry-after asks (1 s) after a 429, then succeeds", async () => {
      const local = await serve(scripted([status(429, { error: { message: "Rate limit reached" } }, { "retry-after": "1" }), ok]));
      const { response, sleeps, retries } = await send(local.baseURL);
      expect(response?.kind).toBe("json");
      expect(sleeps).toEqual([1000]);
      expect(local.requests).toHaveLength(2);
      expect(retries[0]).toMatchObject({ retryNumber: 1, delayMs: 1000 });
      expect(retries[0]?.error).toMatchObject({ status: 429, errorType: "PROVIDER_RATE_LIMIT", retryAfterMs: 1000 });
    });

    it.each([
      ["retry-after-ms", { "retry-after-ms": "250", "retry-after": "9" }, 250],
      ["an HTTP-date retry-after", { "retry-after": "Thu, 01 Jan 2026 00:00:03 GMT" }, 3000],
      ["a retry-after above 60 s (ignored: backoff)", { "retry-after": "120" }, 500],
    ])("honours %s", async (_, headers, expected) => {
      const local = await serve(scripted([status(429, {}, headers), ok]));
      const { sleeps } = await send(local.baseURL, { now: () => Date.parse("2026-01-01T00:00:00Z") });
      expect(sleeps).toEqual([expected]);
    });

    it("honours Google's RetryInfo in the body", async () => {
      const local = await serve(scripted([status(429, JSON.parse(fixture("google-429-retry-info.json"))), ok]));
      const { sleeps, retries } = await send(local.baseURL, { retryBudgetMs: 60_000 });
      expect(sleeps).toEqual([34400]);
      expect(retries[0]?.error.errorType).toBe("PROVIDER_QUOTA_LIMIT");
    });

    it("retries 500 twice with exponential backoff, then succeeds", async () => {
      const local = await serve(scripted([status(500), status(500), ok]));
      const { response, sleeps } = await send(local.baseURL);
      expect(response?.kind).toBe("json");
      expect(local.requests).toHaveLength(3);
      expect(sleeps).toEqual([500, 1000]);
    });

    it("backs off with jitter of up to a quarter, capped at 8 s", async () => {
      const local = await serve(scripted([status(503)]));
      const { sleeps } = await send(local.baseURL, { maxRetries: 6, retryBudgetMs: 1_000_000, random: () => 0.999 });
      expect(sleeps).toHaveLength(6);
      [500, 1000, 2000, 4000, 8000, 8000].forEach((base, index) => {
        expect(sleeps[index]).toBeLessThanOrEqual(base);
        expect(sleeps[index]).toBeGreaterThan(base * 0.75 - 1);
      });
    });

    it.each([408, 409, 502, 529])("retries %i", async (code) => {
      const local = await serve(scripted([status(code), ok]));
      const { response } = await send(local.baseURL);
      expect(response?.kind).toBe("json");
      expect(local.requests).toHaveLength(2);
    });

    it("gives up after maxRetries with the last error", async () => {
      const local = await serve(scripted([status(529, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } })]));
      const { error } = await send(local.baseURL);
      expect(local.requests).toHaveLength(3);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ status: 529, isRetryable: true, providerMessage: "Overloaded", errorType: "PROVIDER_ERROR" });
    });

    it.each([
      [400, "PROVIDER_ERROR"],
      [401, "PROVIDER_AUTH_ERROR"],
      [403, "PROVIDER_AUTH_ERROR"],
      [404, "PROVIDER_ERROR"],
    ])("does not retry %i", async (code, errorType) => {
      const local = await serve(scripted([status(code), ok]));
      const { error, sleeps } = await send(local.baseURL);
      expect(local.requests).toHaveLength(1);
      expect(sleeps).toEqual([]);
      expect(error).toMatchObject({ status: code, isRetryable: false, errorType, providerMessage: `status ${code}` });
    });

    it("follows x-should-retry over the status", async () => {
      const local = await serve(scripted([status(500, {}, { "x-should-retry": "false" }), ok]));
      const { error } = await send(local.baseURL);
      expect(local.requests).toHaveLength(1);
      expect(error?.isRetryable).toBe(false);
    });

    it("stops retrying when the next wait would exceed the retry budget", async () => {
      const local = await serve(scripted([status(429, {}, { "retry-after": "20" })]));
      const { error, sleeps } = await send(local.baseURL, { maxRetries: 5, retryBudgetMs: 30_000 });
      expect(sleeps).toEqual([20_000]);
      expect(local.requests).toHaveLength(2);
      expect(error).toMatchObject({ status: 429, retryAfterMs: 20_000 });
    });

    it("times out on a hung server with PROVIDER_TIMEOUT, and retries the timeout", async () => {
      const local = await serve(() => {
        /* never answers */
      });
      const { error } = await send(local.baseURL, { timeoutMs: 50, maxRetries: 1 });
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ errorType: "PROVIDER_TIMEOUT", isRetryable: true, status: undefined });
      expect(local.requests).toHaveLength(2);
    });

    it("aborts with a ProviderAbortError and does not retry", async () => {
      const controller = new AbortController();
      const local = await serve(() => controller.abort(new Error("user cancelled")));
      const { error } = await send(local.baseURL, { signal: controller.signal });
      expect(error).toBeInstanceOf(ProviderAbortError);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error?.name).toBe("AbortError");
      expect(error?.isRetryable).toBe(false);
      expect(local.requests).toHaveLength(1);
    });

    it("aborts during the wait between retries", async () => {
      const controller = new AbortController();
      const local = await serve(scripted([status(503), ok]));
      const { error } = await send(local.baseURL, {
        signal: controller.signal,
        sleep: undefined,
        onRetry: () => controller.abort(),
      });
      expect(error).toBeInstanceOf(ProviderAbortError);
      expect(local.requests).toHaveLength(1);
    });

    it("does not send at all with an already aborted signal", async () => {
      const local = await serve(scripted([ok]));
      const { error } = await send(local.baseURL, { signal: AbortSignal.abort() });
      expect(error).toBeInstanceOf(ProviderAbortError);
      expect(local.requests).toHaveLength(0);
    });

    it("turns network errors into retryable ProviderErrors", async () => {
      const local = await serve((_request, response, { index }) => {
        if (index === 0) response.socket?.destroy();
        else ok(response);
      });
      const { response, retries } = await send(local.baseURL);
      expect(response?.kind).toBe("json");
      expect(retries[0]?.error).toMatchObject({ status: undefined, isRetryable: true });
      expect(retries[0]?.error.providerMessage).toContain("connection error");
    });

    it("gives a clean error for an HTML 502 page", async () => {
      const local = await serve((_request, response) => {
        response.writeHead(502, "Bad Gateway", { "content-type": "text/html" });
        response.end("<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>");
      });
      const { error } = await send(local.baseURL, { maxRetries: 0 });
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ status: 502, isRetryable: true, errorType: "PROVIDER_ERROR", providerMessage: "Bad Gateway (non-JSON response)" });
      expect(error?.message).toBe("openai error: 502 Bad Gateway (non-JSON response)");
      expect(error?.responseBody).toContain("nginx");
    });

    it("fails a 200 whose body is not JSON without retrying", async () => {
      const local = await serve((_request, response) => {
        response.writeHead(200, { "content-type": "text/plain" });
        response.end("hello");
      });
      const { error } = await send(local.baseURL);
      expect(error).toMatchObject({ status: 200, isRetryable: false, errorType: "PROVIDER_ERROR" });
      expect(local.requests).toHaveLength(1);
    });

    it.each([
      ["OpenAI", JSON.parse(fixture("reasoning-model-legacy-parameter-error.json")), "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead."],
      ["Anthropic", { type: "error", error: { type: "invalid_request_error", message: "max_tokens: Field required" } }, "max_tokens: Field required"],
      ["Google", { error: { code: 400, message: "API key not valid.", status: "INVALID_ARGUMENT" } }, "API key not valid."],
      ["Google (array)", [{ error: { code: 400, message: "Invalid JSON payload" } }], "Invalid JSON payload"],
      ["Mistral", { object: "error", message: "Invalid model: nope", type: "invalid_request_error" }, "Invalid model: nope"],
      [
        "Mistral (validation)",
        { object: "error", message: { detail: [{ type: "missing", loc: ["body", "model"], msg: "Field required" }] }, type: "invalid_request_message_error" },
        "body.model: Field required",
      ],
      ["Mistral (detail)", { detail: "Unauthorized" }, "Unauthorized"],
      ["Bedrock", { message: "The provided model identifier is invalid." }, "The provided model identifier is invalid."],
      ["Bedrock (Message)", { Message: "Malformed input request" }, "Malformed input request"],
    ])("extracts the provider's message from a %s error body", async (_, body, message) => {
      const local = await serve(scripted([status(400, body)]));
      const { error } = await send(local.baseURL);
      expect(error?.providerMessage).toBe(message);
      expect(error?.responseBody).toEqual(body);
    });

    it("keeps the key out of errors even when the provider echoes it", async () => {
      const local = await serve(scripted([status(401, { error: { message: `Incorrect API key provided: ${apiKey}` }, echoed: apiKey })]));
      const { error } = await send(local.baseURL);
      expect(error).toMatchObject({ status: 401, errorType: "PROVIDER_AUTH_ERROR" });
      expect(error?.providerMessage).toBe("Incorrect API key provided: [redacted]");
      for (const text of [String(error), JSON.stringify(error), error?.message, JSON.stringify(error?.responseBody)]) {
        expect(text).not.toContain(apiKey);
      }
    });
  });

  describe("sendProviderRequest: streams", () => {
    const sse = fixture("anthropic-fallback-tool-call.sse");
    const expected = sse
      .split("\n\n")
      .map((block) => block.replace(/^data: /, "").trim())
      .filter((data) => data && data !== "[DONE]")
      .map((data) => JSON.parse(data) as unknown);

    function sseHead(response: ServerResponse) {
      response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    }

    it("parses SSE arriving in separate TCP writes split at awkward byte boundaries", async () => {
      const body = Buffer.from(`: ping\n\n${sse.replace('"content":"Reading"', '"content":"Réading 👋"')}`);
      const emoji = body.indexOf(0xf0);
      const cuts = [3, 9, 10, 57, emoji + 1, emoji + 3, body.indexOf("\n\n", 200) + 1, body.indexOf("[DONE]") + 2];
      const pieces = [0, ...cuts].map((start, index) => body.subarray(start, [...cuts, body.length][index]));
      const local = await serve(async (request, response) => {
        expect(request.headers.accept).toBe("text/event-stream");
        sseHead(response);
        await writePieces(response, pieces);
        response.end();
      });
      const { response } = await send(local.baseURL, { stream: true });
      const events = await collect(response);
      expect(events).toHaveLength(expected.length);
      expect(JSON.stringify(events)).toBe(JSON.stringify(expected).replace('"content":"Reading"', '"content":"Réading 👋"'));
    });

    it("retries a stream that fails before it starts", async () => {
      const local = await serve(
        scripted([
          status(503),
          (response) => {
            sseHead(response);
            response.end(sse);
          },
        ]),
      );
      const { response } = await send(local.baseURL, { stream: true });
      expect(await collect(response)).toEqual(expected);
      expect(local.requests).toHaveLength(2);
    });

    it("times out when the first byte never comes", async () => {
      const local = await serve((_request, response) => {
        sseHead(response);
        response.flushHeaders();
      });
      const { error } = await send(local.baseURL, { stream: true, timeoutMs: 50, maxRetries: 0 });
      expect(error).toMatchObject({ errorType: "PROVIDER_TIMEOUT" });
    });

    it("fails with a ProviderError when the connection is cut mid-stream, and does not retry", async () => {
      const local = await serve(async (_request, response) => {
        sseHead(response);
        await writePieces(response, [sse.slice(0, 400)]);
        response.socket?.destroy();
      });
      const { response } = await send(local.baseURL, { stream: true });
      const error = await collect(response).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).providerMessage).toMatch(/stream (interrupted|ended unexpectedly)/);
      expect(local.requests).toHaveLength(1);
    });

    it("fails when the stream closes cleanly without [DONE]", async () => {
      const local = await serve((_request, response) => {
        sseHead(response);
        response.end(sse.slice(0, sse.indexOf("data: [DONE]")));
      });
      const { response } = await send(local.baseURL, { stream: true });
      const error = await collect(response).catch((caught: unknown) => caught);
      expect((error as ProviderError).providerMessage).toBe("stream ended unexpectedly before the provider's final event");
    });

    it("fails on a malformed event", async () => {
      const local = await serve((_request, response) => {
        sseHead(response);
        response.end('data: {"id":1}\n\ndata: {"id":\n\ndata: [DONE]\n\n');
      });
      const { response } = await send(local.baseURL, { stream: true });
      const error = await collect(response).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ errorType: "PROVIDER_ERROR" });
      expect((error as ProviderError).providerMessage).toContain("malformed stream event");
    });

    it("leaving the loop early aborts the request: the server sees the connection close", async () => {
      let closed!: () => void;
      const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
      const local = await serve((_request, response) => {
        response.on("close", () => closed());
        sseHead(response);
        response.write('data: {"n":1}\n\ndata: {"n":2}\n\n');
        // ...and keeps the stream open, as a model still generating would.
      });
      const { response } = await send(local.baseURL, { stream: true });
      if (response?.kind !== "stream") throw new Error("expected a stream");
      const seen: unknown[] = [];
      for await (const event of response.events) {
        seen.push(event);
        break;
      }
      expect(seen).toEqual([{ n: 1 }]);
      await connectionClosed;
    });

    it("abort() and the caller's signal stop a stream with a ProviderAbortError", async () => {
      for (const how of ["abort()", "signal"] as const) {
        const controller = new AbortController();
        const local = await serve((_request, response) => {
          sseHead(response);
          response.write('data: {"n":1}\n\n');
        });
        const { response } = await send(local.baseURL, { stream: true, signal: controller.signal });
        if (response?.kind !== "stream") throw new Error("expected a stream");
        const error = await (async () => {
          for await (const _event of response.events) {
            if (how === "signal") controller.abort();
            else response.abort();
          }
        })().catch((caught: unknown) => caught);
        expect(error, how).toBeInstanceOf(ProviderAbortError);
        await local.close();
      }
    });

    it("Anthropic: an error event becomes a ProviderError; the key is never in it", async () => {
      const local = await serve((_request, response) => {
        sseHead(response);
        response.end(
          `event: message_start\ndata: {"type":"message_start","message":{"id":"m"}}\n\nevent: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded (key ${apiKey})"}}\n\n`,
        );
      });
      const endpoint = resolveProviderEndpoint("anthropic", { ANTHROPIC_API_KEY: apiKey, ANTHROPIC_BASE_URL: local.baseURL });
      const response = await sendProviderRequest({ endpoint, path: "/messages", body: {}, stream: true, ...(http && { http }) });
      const error = await collect(response).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ status: 529, providerMessage: "Overloaded (key [redacted])" });
      expect(String(error)).not.toContain(apiKey);
      expect(JSON.stringify(error)).not.toContain(apiKey);
    });

    it("Bedrock: decodes the binary event stream into recorded event objects", async () => {
      const recorded = fixture("amazon-bedrock-text.chunks.txt")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const frames = Buffer.concat(recorded.map((event) => bedrockEventMessage(...(Object.entries(event)[0] as [string, unknown]))));
      const local = await serve(async (request, response) => {
        expect(request.headers.accept).toBe("application/vnd.amazon.eventstream");
        response.writeHead(200, { "content-type": "application/vnd.amazon.eventstream" });
        await writePieces(response, [frames.subarray(0, 5), frames.subarray(5, 101), frames.subarray(101)]);
        response.end();
      });
      const endpoint = resolveProviderEndpoint("amazon.bedrock", { AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "secret", AWS_ENDPOINT_URL: local.baseURL });
      const response = await sendProviderRequest({ endpoint, path: "/model/m/converse-stream", body: {}, stream: true, ...(http && { http }) });
      expect(await collect(response)).toEqual(recorded);
    });

    it("Bedrock: an exception message mid-stream becomes a ProviderError", async () => {
      const local = await serve((_request, response) => {
        response.writeHead(200, { "content-type": "application/vnd.amazon.eventstream" });
        response.end(
          Buffer.concat([
            bedrockEventMessage("messageStart", { role: "assistant" }),
            encodeAwsEventStreamMessage(
              { ":exception-type": "modelStreamErrorException", ":content-type": "application/json", ":message-type": "exception" },
              JSON.stringify({ message: "Model stream failed" }),
            ),
          ]),
        );
      });
      const endpoint = resolveProviderEndpoint("amazon.bedrock", { AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "secret", AWS_ENDPOINT_URL: local.baseURL });
      const response = await sendProviderRequest({ endpoint, path: "/model/m/converse-stream", body: {}, stream: true, ...(http && { http }) });
      const error = await collect(response).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ provider: "amazon.bedrock", status: 424, providerMessage: "Model stream failed" });
    });
  });
});

describe("sendProviderRequest: headers", () => {
  /** A client that answers at once and keeps the headers of every request. */
  function recordingClient(sent: Readonly<Record<string, string>>[]): HttpClient {
    return {
      post: async (request) => {
        sent.push(request.headers);
        return { status: 200, statusText: "OK", headers: { "content-type": "application/json" }, text: async () => "{}", body: null };
      },
    };
  }

  it("sends one shared, frozen header object per endpoint and framing; a codec's own headers get a fresh one", async () => {
    const sent: Readonly<Record<string, string>>[] = [];
    const client = recordingClient(sent);
    const endpoint = openaiEndpoint("http://openai.test/v1");
    const request = { endpoint, path: "/chat/completions", body: {}, stream: false, http: client };
    await sendProviderRequest(request);
    await sendProviderRequest(request);
    await sendProviderRequest({ ...request, headers: { "openai-beta": "x" } });
    expect(sent[0]).toBe(sent[1]);
    expect(Object.isFrozen(sent[0])).toBe(true);
    expect(sent[0]).toEqual({ "content-type": "application/json", accept: "application/json", authorization: `Bearer ${apiKey}` });
    expect(sent[2]).not.toBe(sent[0]);
    expect(sent[2]).toEqual({ "content-type": "application/json", accept: "application/json", "openai-beta": "x", authorization: `Bearer ${apiKey}` });
    // Another endpoint (another key) never sees the first one's headers.
    await sendProviderRequest({ ...request, endpoint: resolveProviderEndpoint("openai", { OPENAI_API_KEY: "sk-other-key-0123456789", OPENAI_BASE_URL: "http://openai.test/v1" }) });
    expect(sent[3]!.authorization).toBe("Bearer sk-other-key-0123456789");
  });
});

describe("sendProviderRequest: a caller's fetch", () => {
  it("may add a header to init.headers (an instrumenting wrapper), each request on its own, as before the headers were shared", async () => {
    const seen: Record<string, string>[] = [];
    let count = 0;
    const wrapped: typeof fetch = async (_input, init) => {
      const headers = init!.headers as Record<string, string>;
      headers["x-request-number"] = String(++count);
      seen.push({ ...headers });
      return Response.json({});
    };
    const request = { endpoint: openaiEndpoint("http://openai.test/v1"), path: "/chat/completions", body: {}, stream: false, http: fetchHttpClient(wrapped), maxRetries: 0 };
    await sendProviderRequest(request);
    await sendProviderRequest(request);
    expect(seen.map((headers) => headers["x-request-number"])).toEqual(["1", "2"]);
    expect(seen[1]).toEqual({ "content-type": "application/json", accept: "application/json", authorization: `Bearer ${apiKey}`, "x-request-number": "2" });
  });
});

describe("sendProviderRequest: a caller's HttpClient that copies the request", () => {
  it("still hands on a signal the timeout aborts (a wrapper adding a header with a spread, over fetchHttpClient)", async () => {
    const inner = fetchHttpClient(async (_input, init) => {
      const signal = init?.signal;
      if (!signal) throw new Error("the copied request carried no signal");
      return new Promise<Response>((_resolve, reject) => signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true }));
    });
    const wrapper: HttpClient = { post: (request) => inner.post({ ...request, headers: { ...request.headers, "x-extra": "1" } }) };
    const error = await sendProviderRequest({ endpoint: openaiEndpoint("http://openai.test/v1"), path: "/chat/completions", body: {}, stream: false, http: wrapper, timeoutMs: 30, maxRetries: 0 }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).errorType).toBe("PROVIDER_TIMEOUT");
  });
});

describe("sendProviderRequest: a success that isn't JSON", () => {
  it("words the error without the endpoint's key, as every other error is scrubbed", async () => {
    const client: HttpClient = {
      post: async (request) => ({ status: 200, statusText: "OK", headers: { "content-type": "text/plain" }, text: async () => `proxy echo: ${request.headers.authorization}`, body: null }),
    };
    const error = await sendProviderRequest({ endpoint: openaiEndpoint("http://openai.test/v1"), path: "/chat/completions", body: {}, stream: false, http: client }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect(String((error as ProviderError).message)).toMatch(/not JSON/);
    expect(String(error)).not.toContain(apiKey);
    expect(JSON.stringify(error)).not.toContain(apiKey);
  });
});
