/**
 * The registry as a fault: a cold start with nothing listening (fallback from
 * a prompt file, or a fast clear error), hundreds of concurrent cold `run()`
 * calls (one template fetch per key), and a malformed provider stream event
 * on every SSE provider (an error to the caller and an ERROR log record).
 *
 * Timings are measured and printed, never asserted as upper bounds: a test's
 * own timeout is the only bound, set far below the configured budget, so a
 * client that waited the budget would fail.
 */
import { writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "@promptline/server";
import { startFakeProviders, type FakeProviderName, type FakeProviders } from "@promptline/testkit";
import { ProviderError, Promptline, RegistryError, type FallbackPrompt, type PromptlineOptions } from "promptline";
import { parse } from "yaml";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startRegistrySwitch, type RegistrySwitch } from "./registry-switch.js";

const apiKey = "pl_test_key_reliability_registry_123";
/** A budget no test may wait out: each test's timeout is far below it. */
const hugeBudgetMs = 60_000;

let fakes: FakeProviders;
let server: Awaited<ReturnType<typeof startServer>>;
let registry: RegistrySwitch;
let folder: string;
const clients: Promptline[] = [];

function client(options: PromptlineOptions = {}): Promptline {
  const made = new Promptline({ apiKey, baseURL: registry.url, env: fakes.env, flushOnExit: false, onError: () => {}, ...options });
  clients.push(made);
  return made;
}

/** A loopback port with nothing listening: connections are refused at once. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** The text of the last message a fake received (chat-completions shape). */
function lastPrompt(): string {
  const body = fakes.lastRequest("openai")?.body as { messages: { content: { text: string }[] | string }[] };
  const content = body.messages.at(-1)!.content;
  return typeof content === "string" ? content : content.map((part) => part.text).join("");
}

beforeAll(async () => {
  fakes = await startFakeProviders();
  server = await startServer({ database: "sqlite::memory:", port: 0, apiKey });
  registry = await startRegistrySwitch(server.url);
  folder = mkdtempSync(join(tmpdir(), "promptline-reliability-"));
});

afterEach(async () => {
  registry.mode = "up";
  fakes.reset();
  await Promise.all(clients.splice(0).map((made) => made.close({ timeoutMs: 0 })));
});

afterAll(async () => {
  await registry?.close();
  await server?.close();
  await fakes?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe("a cold start with the registry down (connection refused)", () => {
  it("runs a fallback read from a prompt file without waiting the registry budget", { timeout: 10_000 }, async () => {
    // The file `promptline push` takes: the publish body, in YAML.
    const file = join(folder, "support-reply.yaml");
    writeFileSync(
      file,
      [
        "prompt_name: support-reply",
        "prompt_template:",
        "  type: chat",
        "  messages:",
        "    - role: user",
        "      content:",
        "        - type: text",
        "          text: 'Reply to {customer}'",
        "metadata:",
        "  model: { provider: openai, name: gpt-4o-mini, api_type: chat-completions, parameters: { temperature: 0 } }",
        "tags: [support]",
        "release_labels: [prod]",
        "",
      ].join("\n"),
    );
    const fromFile = parse(await readFile(file, "utf8")) as FallbackPrompt & Record<string, unknown>;
    const port = await closedPort();
    const sdk = client({
      baseURL: `http://127.0.0.1:${port}`,
      registryTimeoutMs: hugeBudgetMs,
      fallbackPrompts: [{ prompt_name: fromFile.prompt_name, prompt_template: fromFile.prompt_template, metadata: fromFile.metadata }],
    });
    const started = performance.now();
    const result = await sdk.run({ promptName: "support-reply", promptReleaseLabel: "prod", inputVariables: { customer: "Ada" } });
    const firstMs = performance.now() - started;
    expect(result.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lastPrompt()).toBe("Reply to Ada");
    // The second call doesn't ask the registry again: the fallback is cached like a stale value.
    const again = performance.now();
    await sdk.run({ promptName: "support-reply", promptReleaseLabel: "prod", inputVariables: { customer: "Bob" } });
    const secondMs = performance.now() - again;
    expect(lastPrompt()).toBe("Reply to Bob");
    expect(sdk.stats().templateFetches).toBe(1);
    console.info(`cold start, registry refused, fallback: first run() ${firstMs.toFixed(1)} ms, second ${secondMs.toFixed(1)} ms (budget ${hugeBudgetMs} ms)`);
  });

  it("without a fallback, fails fast with a RegistryError that says what to check", { timeout: 10_000 }, async () => {
    const port = await closedPort();
    const sdk = client({ baseURL: `http://127.0.0.1:${port}`, registryTimeoutMs: hugeBudgetMs });
    const started = performance.now();
    const error = await sdk.run({ promptName: "support-reply", inputVariables: { customer: "Ada" } }).catch((caught: unknown) => caught);
    const elapsedMs = performance.now() - started;
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as Error).message).toMatch(/Cannot reach the registry at http:\/\/127\.0\.0\.1:\d+.*PROMPTLINE_BASE_URL/);
    expect(fakes.requests).toHaveLength(0);
    console.info(`cold start, registry refused, no fallback: RegistryError after ${elapsedMs.toFixed(1)} ms (budget ${hugeBudgetMs} ms)`);
  });

  it("a fallback for another prompt doesn't hide the error for this one", { timeout: 10_000 }, async () => {
    const port = await closedPort();
    const sdk = client({
      baseURL: `http://127.0.0.1:${port}`,
      registryTimeoutMs: hugeBudgetMs,
      fallbackPrompts: [
        {
          prompt_name: "other",
          prompt_template: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "x" }] }] },
          metadata: { model: { provider: "openai", name: "gpt-4o-mini" } },
        },
      ],
    });
    await expect(sdk.run({ promptName: "support-reply", inputVariables: { customer: "Ada" } })).rejects.toBeInstanceOf(RegistryError);
    expect(fakes.requests).toHaveLength(0);
  });
});

describe("hundreds of concurrent run() calls on a cold cache", () => {
  it("fetch each template once per key (name × version or label), counted at the registry", { timeout: 30_000 }, async () => {
    const publisher = new Promptline({ apiKey, baseURL: server.url, flushOnExit: false });
    for (const name of ["stampede-a", "stampede-b"]) {
      await publisher.templates.publish({
        prompt_name: name,
        prompt_template: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: `${name} says {n}` }] }] },
        metadata: { model: { provider: "openai", name: "gpt-4o-mini", api_type: "chat-completions" } },
        release_labels: ["prod"],
      });
    }
    await publisher.close();
    registry.seen.length = 0;

    // Nothing shipped in the background, so every request the registry sees is a template fetch.
    // The count is the point, not the speed: a loaded machine may take longer than the default 2 s for a fetch.
    const sdk = client({ logging: { flushIntervalMs: 600_000, batchSize: 10_000 }, registryTimeoutMs: 20_000 });
    const selectors = [
      { promptName: "stampede-a" },
      { promptName: "stampede-a", promptReleaseLabel: "prod" },
      { promptName: "stampede-a", promptVersion: 1 },
      { promptName: "stampede-b" },
      { promptName: "stampede-b", promptReleaseLabel: "prod" },
    ];
    const runs = 400;
    const results = await Promise.all(
      Array.from({ length: runs }, (_, n) => sdk.run({ ...selectors[n % selectors.length]!, inputVariables: { n: String(n) } })),
    );
    expect(new Set(results.map((result) => result.request_id)).size).toBe(runs);
    expect(fakes.requestsFor("openai")).toHaveLength(runs);

    // The live channel's long poll (decision 0008) is not a template fetch.
    const requests = registry.seen.filter((line) => !line.startsWith("GET /api/v1/registry/revision"));
    const fetches = requests.filter((line) => line.startsWith("GET /api/v1/prompts/"));
    expect(fetches).toEqual(requests);
    expect([...fetches].sort()).toEqual(
      [
        "GET /api/v1/prompts/stampede-a/template?expand_snippets=true",
        "GET /api/v1/prompts/stampede-a/template?label=prod&expand_snippets=true",
        "GET /api/v1/prompts/stampede-a/template?version=1&expand_snippets=true",
        "GET /api/v1/prompts/stampede-b/template?expand_snippets=true",
        "GET /api/v1/prompts/stampede-b/template?label=prod&expand_snippets=true",
      ].sort(),
    );
    expect(sdk.stats().templateFetches).toBe(selectors.length);

    // Every record is delivered once the client flushes.
    expect(await sdk.flush()).toEqual({ pending: 0, dropped: 0 });
    expect(registry.recordsForwarded).toHaveLength(runs);
  });
});

describe("a malformed event in a provider stream", () => {
  const cases: { fake: FakeProviderName; model: Record<string, unknown> }[] = [
    { fake: "openai", model: { provider: "openai", name: "gpt-4o-mini", api_type: "chat-completions", parameters: {} } },
    { fake: "openai", model: { provider: "openai", name: "gpt-4o-mini", api_type: "responses", parameters: {} } },
    { fake: "anthropic", model: { provider: "anthropic", name: "claude-3-5-haiku-latest", parameters: { max_tokens: 100 } } },
    { fake: "google", model: { provider: "google", name: "gemini-2.0-flash", parameters: {} } },
    { fake: "mistral", model: { provider: "mistral", name: "mistral-small-latest", parameters: {} } },
    { fake: "azure", model: { provider: "openai.azure", name: "gpt-4o", parameters: {} } },
  ];

  it.each(cases)("$fake ($model.api_type): a ProviderError to the caller, no retry, and an ERROR record with what arrived", async ({ fake, model }) => {
    const name = `malformed-${fake}-${String(model.api_type ?? "default")}`;
    const publisher = new Promptline({ apiKey, baseURL: server.url, flushOnExit: false });
    await publisher.templates.publish({
      prompt_name: name,
      prompt_template: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Tell me a long story" }] }] },
      metadata: { model: model as { provider: string; name: string } },
    });
    await publisher.close();
    const sdk = client({ baseURL: server.url });
    fakes.queue(fake, { text: Array.from({ length: 30 }, (_, i) => `word${i}`).join(" "), events: 12, malformedEventAt: 4 });
    const requestIds: string[] = [];
    const error = await (async () => {
      for await (const chunk of await sdk.run({ promptName: name, stream: true, tags: ["malformed"] })) requestIds.push(chunk.request_id);
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).message).toMatch(/malformed stream event/);
    expect(fakes.requestsFor(fake)).toHaveLength(1);
    expect(requestIds.length).toBeGreaterThan(0);
    expect(await sdk.flush()).toEqual({ pending: 0, dropped: 0 });
    const response = await fetch(`${server.url}/api/v1/requests/${requestIds[0]}`, { headers: { "x-api-key": apiKey } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: "ERROR",
      error_type: "PROVIDER_ERROR",
      error_message: (error as Error).message,
      prompt_name: name,
      tags: ["malformed"],
    });
  });
});

describe("provider errors surfaced to the caller", () => {
  it("a 429 beyond the retry budget and a 529 without retries are logged as ERROR with their error type and status", async () => {
    const publisher = new Promptline({ apiKey, baseURL: server.url, flushOnExit: false });
    await publisher.templates.publish({
      prompt_name: "limited-openai",
      prompt_template: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] },
      metadata: { model: { provider: "openai", name: "gpt-4o-mini", api_type: "chat-completions", parameters: {} } },
    });
    await publisher.templates.publish({
      prompt_name: "limited-claude",
      prompt_template: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] },
      metadata: { model: { provider: "anthropic", name: "claude-3-5-haiku-latest", parameters: { max_tokens: 50 } } },
    });
    await publisher.close();
    const sdk = client({ baseURL: server.url, providerOptions: { retryBudgetMs: 500, maxRetries: 0 } });
    fakes.fault("openai", { status: 429, retryAfterMs: 5000 });
    fakes.fault("anthropic", { status: 529 });
    for (const [promptName, errorType, status] of [
      ["limited-openai", "PROVIDER_RATE_LIMIT", 429],
      ["limited-claude", "PROVIDER_ERROR", 529],
    ] as const) {
      const tag = `fault-${status}`;
      const error = await sdk.run({ promptName, tags: [tag] }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ status, errorType, isRetryable: true });
      await sdk.flush();
      const listed = await fetch(`${server.url}/api/v1/requests?tag=${tag}`, { headers: { "x-api-key": apiKey } });
      const { items } = (await listed.json()) as { items: Record<string, unknown>[] };
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ status: "ERROR", error_type: errorType, error_message: (error as Error).message, prompt_name: promptName });
      expect(String(items[0]!.error_message)).toContain(String(status));
    }
  });
});
