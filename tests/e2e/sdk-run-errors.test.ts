/**
 * `client.run()` when things go wrong: abort, missing keys, provider errors
 * and retries, timeouts, broken streams, unknown prompts, a registry that is
 * down; and provider keys never leaking into records, errors or the console.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  InvalidTemplateError,
  MissingProviderKeyError,
  PromptNotFoundError,
  ProviderAbortError,
  ProviderError,
  RegistryError,
  UnsupportedProviderError,
  type RunChunk,
} from "promptline";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { collect, secretValues, startHarness, textTemplate, type Harness } from "./sdk-harness.js";

let h: Harness;
const openai = { provider: "openai", name: "gpt-4o-mini", api_type: "chat-completions", parameters: {} };
const anthropic = { provider: "anthropic", name: "claude-3-5-haiku-latest", parameters: { max_tokens: 200 } };
const longText = Array.from({ length: 60 }, (_, index) => `word${index}`).join(" ");

beforeAll(async () => {
  h = await startHarness();
  await h.client.templates.publish({ prompt_name: "hello", prompt_template: textTemplate("Hello there"), metadata: { model: openai } });
  await h.client.templates.publish({ prompt_name: "hello-claude", prompt_template: textTemplate("Hello Claude"), metadata: { model: anthropic } });
  for (const [name, model] of [
    ["hello-google", { provider: "google", name: "gemini-2.0-flash", parameters: {} }],
    ["hello-bedrock", { provider: "amazon.bedrock", name: "amazon.nova-lite-v1:0", parameters: {} }],
    ["hello-azure", { provider: "openai.azure", name: "gpt-4o", parameters: {} }],
    ["hello-mistral", { provider: "mistral", name: "mistral-small-latest", parameters: {} }],
  ] as const) {
    await h.client.templates.publish({ prompt_name: name, prompt_template: textTemplate("Hi"), metadata: { model } });
  }
});
afterAll(async () => {
  await h.close();
});
afterEach(() => {
  h.fakes.reset();
});

/** The rejection of a promise that must reject, with its fields readable. */
async function caught(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error("expected a rejection");
}

/** A `fetch` that remembers the signal of every provider request. */
function recordingFetch() {
  const signals: AbortSignal[] = [];
  const fetchImpl: typeof fetch = (input, init) => {
    if (init?.signal && !String(input).startsWith(h.server.url)) signals.push(init.signal);
    return fetch(input, init);
  };
  return { signals, fetch: fetchImpl };
}

describe("cancelling", () => {
  it("breaking out of a stream aborts the provider request and logs CANCELLED with the usage so far", async () => {
    const spy = recordingFetch();
    const client = h.makeClient({ fetch: spy.fetch });
    h.fakes.queue("anthropic", { text: longText, events: 50, eventDelayMs: 5 });
    const seen: RunChunk[] = [];
    for await (const chunk of await client.run({ promptName: "hello-claude", stream: true })) {
      seen.push(chunk);
      if (seen.length === 2) break;
    }
    expect(spy.signals).toHaveLength(1);
    expect(spy.signals[0]!.aborted).toBe(true);
    await client.flush();
    const record = await h.record(seen[0]!.request_id);
    expect(record).toMatchObject({ status: "CANCELLED", error_type: "CANCELLED", error_message: "The caller stopped reading the stream." });
    // Anthropic's message_start carries the input tokens: they were used and are kept.
    expect(record.usage.input_tokens).toBeGreaterThan(0);
    expect(record.usage.output_tokens).toBeLessThan(50);
  });

  it("aborting the signal mid-stream throws an AbortError and logs CANCELLED with the usage so far", async () => {
    const spy = recordingFetch();
    const client = h.makeClient({ fetch: spy.fetch });
    h.fakes.queue("anthropic", { text: longText, events: 50, eventDelayMs: 5 });
    const controller = new AbortController();
    const seen: RunChunk[] = [];
    const error = await caught(
      (async () => {
        for await (const chunk of await client.run({ promptName: "hello-claude", stream: true, signal: controller.signal })) {
          seen.push(chunk);
          if (seen.length === 2) controller.abort();
        }
      })(),
    );
    expect(error).toBeInstanceOf(ProviderAbortError);
    expect(error.name).toBe("AbortError");
    expect(seen.length).toBeLessThan(50);
    expect(spy.signals[0]!.aborted).toBe(true);
    await client.flush();
    const record = await h.record(seen[0]!.request_id);
    expect(record).toMatchObject({ status: "CANCELLED", error_type: "CANCELLED" });
    expect(record.usage.input_tokens).toBeGreaterThan(0);
  });

  it("a stream never iterated is aborted and logged CANCELLED once its unread bound passes", async () => {
    const spy = recordingFetch();
    const client = h.makeClient({ fetch: spy.fetch, providerOptions: { unreadStreamTimeoutMs: 1 } });
    h.fakes.queue("anthropic", { text: longText, events: 50, eventDelayMs: 5 });
    const stream = await client.run({ promptName: "hello-claude", stream: true, tags: ["never-read"] });
    expect(spy.signals).toHaveLength(1);
    // No timed assertion: wait for the abort, whenever the bound's timer fires.
    await vi.waitFor(() => expect(spy.signals[0]!.aborted).toBe(true));
    await client.flush();
    const [record] = await h.records("tag=never-read");
    expect(record).toMatchObject({ status: "CANCELLED", error_type: "CANCELLED", error_message: "The caller did not read the stream for 1 ms: it was cancelled." });
    expect(record!.attempts).toEqual([expect.objectContaining({ status: "CANCELLED", error_type: "CANCELLED" })]);
    // Reading it afterwards says why, rather than ending quietly with no chunk.
    const error = await caught(collect(stream));
    expect(error).toBeInstanceOf(ProviderAbortError);
    expect((error.cause as Error).message).toBe("The caller did not read the stream for 1 ms: it was cancelled.");
  });

  it("close() aborts a stream never iterated and ships its CANCELLED record with the flush", async () => {
    const spy = recordingFetch();
    // The default bound (a minute) is far away: close() is what ends it.
    const client = h.makeClient({ fetch: spy.fetch });
    h.fakes.queue("anthropic", { text: longText, events: 50, eventDelayMs: 5 });
    const stream = await client.run({ promptName: "hello-claude", stream: true, tags: ["closed-unread"] });
    expect(spy.signals[0]!.aborted).toBe(false);
    const flushed = await client.close();
    expect(flushed.pending).toBe(0);
    expect(spy.signals[0]!.aborted).toBe(true);
    const [record] = await h.records("tag=closed-unread");
    expect(record).toMatchObject({ status: "CANCELLED", error_type: "CANCELLED", error_message: "The client was closed before the stream was read to its end." });
    await expect(collect(stream)).rejects.toBeInstanceOf(ProviderAbortError);
  });

  it("close() during a pending read aborts it: the loop throws an AbortError and the record is CANCELLED", async () => {
    const client = h.makeClient();
    h.fakes.queue("anthropic", { text: longText, events: 50, eventDelayMs: 5 });
    const seen: RunChunk[] = [];
    let closing: Promise<unknown> | undefined;
    const error = await caught(
      (async () => {
        for await (const chunk of await client.run({ promptName: "hello-claude", stream: true, tags: ["closed-reading"] })) {
          seen.push(chunk);
          if (seen.length === 2) closing = client.close();
        }
      })(),
    );
    expect(error).toBeInstanceOf(ProviderAbortError);
    expect(seen.length).toBeLessThan(50);
    await closing;
    const [record] = await h.records("tag=closed-reading");
    expect(record).toMatchObject({ status: "CANCELLED", error_type: "CANCELLED" });
    expect(record!.usage.input_tokens).toBeGreaterThan(0);
  });

  it("aborting a non-streamed run cancels the request and logs CANCELLED", async () => {
    h.fakes.fault("openai", { hang: true });
    const controller = new AbortController();
    const running = h.client.run({ promptName: "hello", signal: controller.signal });
    await vi.waitFor(() => expect(h.fakes.requestsFor("openai")).toHaveLength(1));
    controller.abort();
    const error = await caught(running);
    expect(error).toBeInstanceOf(ProviderAbortError);
    await h.client.flush();
    const items = await h.records("status=CANCELLED&prompt=hello");
    expect(items.length).toBeGreaterThan(0);
    expect(items[0]).toMatchObject({ status: "CANCELLED", error_type: "CANCELLED" });
  });
});

describe("missing provider keys", () => {
  it.each([
    ["hello", "OPENAI_API_KEY", ["OPENAI_API_KEY"], "No API key for openai: set OPENAI_API_KEY in the environment."],
    ["hello-claude", "ANTHROPIC_API_KEY", ["ANTHROPIC_API_KEY"], "No API key for anthropic: set ANTHROPIC_API_KEY in the environment."],
    ["hello-google", "GEMINI_API_KEY", ["GOOGLE_API_KEY", "GEMINI_API_KEY"], "No API key for google: set GOOGLE_API_KEY or GEMINI_API_KEY in the environment."],
    ["hello-mistral", "MISTRAL_API_KEY", ["MISTRAL_API_KEY"], "No API key for mistral: set MISTRAL_API_KEY in the environment."],
    ["hello-azure", "AZURE_OPENAI_API_KEY", ["AZURE_OPENAI_API_KEY"], "No API key for openai.azure: set AZURE_OPENAI_API_KEY in the environment."],
    [
      "hello-bedrock",
      "AWS_SECRET_ACCESS_KEY",
      ["AWS_SECRET_ACCESS_KEY"],
      "No AWS credentials for amazon.bedrock: set AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials) in the environment, or AWS_BEARER_TOKEN_BEDROCK for a Bedrock API key.",
    ],
  ])("%s without %s fails before any request, naming the variable", async (promptName, drop, envVars, message) => {
    const env = Object.fromEntries(Object.entries(h.fakes.env).filter(([name]) => name !== drop));
    const client = h.makeClient({ env });
    const error = await caught(client.run({ promptName }));
    expect(error).toBeInstanceOf(MissingProviderKeyError);
    expect(error.code).toBe("missing_provider_key");
    expect(error.envVars).toEqual(envVars);
    expect(error.message).toBe(message);
    expect(h.fakes.requests).toHaveLength(0);
  });

  it("an unsupported provider is a clear error before any request (publish refuses it; an override reaches run)", async () => {
    const refused = await caught(
      h.client.templates.publish({ prompt_name: "hello-cohere", prompt_template: textTemplate("Hi"), metadata: { model: { provider: "cohere", name: "command-r", parameters: {} } } }),
    );
    expect(refused.message).toContain('"cohere" is not a provider Promptline can call');
    const error = await caught(h.client.run({ promptName: "hello", provider: "cohere", model: "command-r" }));
    expect(error).toBeInstanceOf(UnsupportedProviderError);
    expect(error.message).toContain('Unsupported provider "cohere"');
    expect(h.fakes.requests).toHaveLength(0);
  });
});

describe("provider errors", () => {
  it("401: ProviderError with status and the provider's message, not retried, logged as ERROR PROVIDER_AUTH_ERROR", async () => {
    h.fakes.fault("openai", { status: 401 });
    const error = await caught(h.client.run({ promptName: "hello", tags: ["auth"] }));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: "provider_error", provider: "openai", status: 401, isRetryable: false, errorType: "PROVIDER_AUTH_ERROR" });
    expect(String(error.providerMessage).length).toBeGreaterThan(0);
    expect(error.message).toBe(`openai error: 401 ${error.providerMessage}`);
    expect(h.fakes.requestsFor("openai")).toHaveLength(1);
    await h.client.flush();
    const items = await h.records("tag=auth");
    expect(items[0]).toMatchObject({ status: "ERROR", error_type: "PROVIDER_AUTH_ERROR", error_message: error.message });
  });

  it("429 with retry-after: waits what the provider asks, then succeeds", async () => {
    h.fakes.fault("openai", { status: 429, retryAfterSeconds: 1 });
    const result = await h.client.run({ promptName: "hello" });
    const [first, second] = h.fakes.requestsFor("openai");
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(950);
    await h.client.flush();
    expect(await h.record(result.request_id)).toMatchObject({ status: "SUCCESS" });
  });

  it("429 with retry-after-ms is honoured too", async () => {
    h.fakes.fault("openai", { status: 429, retryAfterMs: 150 });
    await h.client.run({ promptName: "hello" });
    const [first, second] = h.fakes.requestsFor("openai");
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(140);
  });

  it("a retry-after beyond the retry budget is not waited for", async () => {
    const client = h.makeClient({ providerOptions: { retryBudgetMs: 500 } });
    h.fakes.fault("openai", { status: 429, retryAfterMs: 5000 });
    const error = await caught(client.run({ promptName: "hello" }));
    expect(error).toMatchObject({ status: 429, isRetryable: true, errorType: "PROVIDER_RATE_LIMIT", retryAfterMs: 5000 });
    expect(h.fakes.requestsFor("openai")).toHaveLength(1);
  });

  it("500 three times exhausts the retries: a retryable ProviderError, logged as ERROR", async () => {
    const client = h.makeClient({ providerOptions: { maxRetries: 2 } });
    h.fakes.fault("openai", { status: 500, retryAfterMs: 10 }, { status: 500, retryAfterMs: 10 }, { status: 500, retryAfterMs: 10 });
    const error = await caught(client.run({ promptName: "hello", tags: ["five-hundred"] }));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ status: 500, isRetryable: true, errorType: "PROVIDER_ERROR" });
    expect(h.fakes.requestsFor("openai")).toHaveLength(3);
    await client.flush();
    const items = await h.records("tag=five-hundred");
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ status: "ERROR", error_type: "PROVIDER_ERROR" });
  });

  it("Anthropic's 529 (overloaded) is retryable: surfaced when retries are off, retried otherwise", async () => {
    const noRetries = h.makeClient({ providerOptions: { maxRetries: 0 } });
    h.fakes.fault("anthropic", { status: 529 });
    const error = await caught(noRetries.run({ promptName: "hello-claude" }));
    expect(error).toMatchObject({ provider: "anthropic", status: 529, isRetryable: true, errorType: "PROVIDER_ERROR" });
    expect(String(error.providerMessage)).toMatch(/overloaded/i);

    h.fakes.fault("anthropic", { status: 529, retryAfterMs: 10 });
    const result = await h.client.run({ promptName: "hello-claude" });
    expect(result.raw_response).toHaveProperty("content");
    expect(h.fakes.requestsFor("anthropic")).toHaveLength(3);
  });

  it("a stream cut mid-way throws a ProviderError, is not retried, and is logged as ERROR", async () => {
    h.fakes.queue("openai", { text: longText, events: 20, cutAfterEvents: 4, eventDelayMs: 1 });
    const seen: RunChunk[] = [];
    const error = await caught(
      (async () => {
        for await (const chunk of await h.client.run({ promptName: "hello", stream: true })) seen.push(chunk);
      })(),
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect(String(error.providerMessage)).toMatch(/stream (ended unexpectedly|interrupted)/);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((chunk) => !chunk.done)).toBe(true);
    expect(h.fakes.requestsFor("openai")).toHaveLength(1);
    await h.client.flush();
    const record = await h.record(seen[0]!.request_id);
    expect(record).toMatchObject({ status: "ERROR", error_type: "PROVIDER_ERROR", error_message: error.message });
  });

  it("a provider that never answers times out after providerOptions.timeoutMs: PROVIDER_TIMEOUT", async () => {
    const client = h.makeClient({ providerOptions: { timeoutMs: 200, maxRetries: 0 } });
    h.fakes.fault("openai", { hang: true });
    const error = await caught(client.run({ promptName: "hello", tags: ["timeout"] }));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ errorType: "PROVIDER_TIMEOUT", isRetryable: true, status: undefined });
    expect(error.message).toBe("openai error: request timed out after 200 ms");
    await client.flush();
    const items = await h.records("tag=timeout");
    expect(items[0]).toMatchObject({ status: "ERROR", error_type: "PROVIDER_TIMEOUT" });
  });

  it("a timed-out attempt is retried and can succeed", async () => {
    const client = h.makeClient({ providerOptions: { timeoutMs: 200, maxRetries: 1 } });
    h.fakes.fault("openai", { hang: true });
    const result = await client.run({ promptName: "hello" });
    expect(result.raw_response).toHaveProperty("choices");
    expect(h.fakes.requestsFor("openai")).toHaveLength(2);
  });

  it("a Bedrock exception event mid-stream is a ProviderError (event-stream framing, SigV4-signed request)", async () => {
    h.fakes.queue("bedrock", { text: longText, events: 10, malformedEventAt: 3 });
    const error = await caught(collect(await h.client.run({ promptName: "hello-bedrock", stream: true })));
    expect(error).toBeInstanceOf(ProviderError);
    const request = h.fakes.lastRequest("bedrock")!;
    expect(request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAFAKEBEDROCKKEY00\/\d{8}\/us-east-1\/bedrock\/aws4_request/);
  });
});

describe("prompts and the registry", () => {
  it("an unknown prompt, version or label is a PromptNotFoundError", async () => {
    await expect(h.client.run({ promptName: "nope" })).rejects.toThrow(
      'Prompt "nope" not found: check the name, or publish it first (promptline push, or client.templates.publish).',
    );
    const version = await caught(h.client.run({ promptName: "hello", promptVersion: 9 }));
    expect(version).toBeInstanceOf(PromptNotFoundError);
    expect(version).toMatchObject({ code: "prompt_not_found", promptName: "hello", version: 9 });
    const label = await caught(h.client.run({ promptName: "hello", promptReleaseLabel: "nope" }));
    expect(label).toMatchObject({ promptName: "hello", label: "nope", existingLabels: [] });
    expect(label.message).toContain('Label "nope" of prompt "hello" not found: it has no labels yet.');
    // The labels it has, so a typo or a label never set here is obvious (issue 19).
    await h.client.templates.publish({ prompt_name: "labelled", prompt_template: textTemplate("Hi"), metadata: {}, release_labels: ["staging", "canary"] });
    const typo = await caught(h.client.run({ promptName: "labelled", promptReleaseLabel: "stagign" }));
    expect(typo).toMatchObject({ code: "prompt_not_found", promptName: "labelled", label: "stagign", existingLabels: ["canary", "staging"] });
    expect(typo.message).toContain('Label "stagign" of prompt "labelled" not found: its labels are "canary", "staging".');
    expect(h.fakes.requests).toHaveLength(0);
  });

  it("a template without a model is an InvalidTemplateError", async () => {
    await h.client.templates.publish({ prompt_name: "no-model", prompt_template: textTemplate("Hi"), metadata: {} });
    const error = await caught(h.client.run({ promptName: "no-model" }));
    expect(error).toBeInstanceOf(InvalidTemplateError);
    expect(error.message).toContain("publish it with a model");
  });

  it("a registry that is down, on a cold cache without a fallback: a clear RegistryError", async () => {
    const port = await closedPort();
    const client = h.makeClient({ baseURL: `http://127.0.0.1:${port}`, onError: () => {} });
    const error = await caught(client.run({ promptName: "hello" }));
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.message).toBe(
      `Cannot reach the registry at http://127.0.0.1:${port}: is \`promptline serve\` running, and is PROMPTLINE_BASE_URL right?`,
    );
    expect(error.isRetryable).toBe(true);
    expect(h.fakes.requests).toHaveLength(0);
  });

  it("with fallbackPrompts, run() works with the registry down; shipping failures go to onError, never to run()", async () => {
    const port = await closedPort();
    const errors: unknown[] = [];
    const client = h.makeClient({
      baseURL: `http://127.0.0.1:${port}`,
      fallbackPrompts: [{ prompt_name: "offline", prompt_template: textTemplate("Offline hello"), metadata: { model: openai } }],
      logging: { flushIntervalMs: 10, retryBaseDelayMs: 10, maxRetryDelayMs: 20 },
      onError: (error) => errors.push(error),
    });
    const result = await client.run({ promptName: "offline" });
    expect(result.raw_response).toHaveProperty("choices");
    expect(JSON.stringify((h.fakes.lastRequest("openai")!.body as { messages: unknown }).messages)).toContain("Offline hello");
    const chunks = await collect(await client.run({ promptName: "offline", stream: true }));
    expect(chunks.at(-1)!.done).toBe(true);
    const flushed = await client.flush({ timeoutMs: 300 });
    expect(flushed.pending).toBe(2);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.some((error) => error instanceof RegistryError && error.message.startsWith("Cannot reach the registry"))).toBe(true);
    expect(client.stats()).toMatchObject({ queued: 2, delivered: 0 });
  });
});

describe("provider keys never leak", () => {
  it("not into stored records, errors, or the console", async () => {
    const secrets = secretValues(h.fakes);
    const printed: string[] = [];
    const spies = (["log", "warn", "error", "info", "debug"] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(" "))),
    );
    try {
      const client = h.makeClient({ providerOptions: { maxRetries: 0 } });
      const ids: string[] = [];
      const errors: unknown[] = [];
      for (const promptName of ["hello", "hello-claude", "hello-google", "hello-mistral", "hello-azure", "hello-bedrock"]) {
        ids.push((await client.run({ promptName, tags: ["leak"] })).request_id);
        await collect(await client.run({ promptName, tags: ["leak"], stream: true }));
      }
      for (const [fake, promptName] of [
        ["openai", "hello"],
        ["anthropic", "hello-claude"],
        ["google", "hello-google"],
        ["mistral", "hello-mistral"],
        ["azure", "hello-azure"],
        ["bedrock", "hello-bedrock"],
      ] as const) {
        h.fakes.fault(fake, { status: 401 });
        errors.push(await caught(client.run({ promptName, tags: ["leak"] })));
      }
      await client.flush();
      const items = await h.records("tag=leak&limit=100");
      expect(items.length).toBeGreaterThanOrEqual(12);
      const stored = JSON.stringify(items) + JSON.stringify(await Promise.all(ids.map((id) => h.record(id))));
      for (const error of errors) expect(error).toBeInstanceOf(ProviderError);
      const surfaced = errors.map((error) => `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack} ${JSON.stringify((error as ProviderError).responseBody)}`).join("\n");
      for (const secret of secrets) {
        expect(stored).not.toContain(secret);
        expect(surfaced).not.toContain(secret);
        expect(printed.join("\n")).not.toContain(secret);
      }
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
