import { startServer } from "@promptline/server";
import { startFakeProviders, type FakeProviders } from "@promptline/testkit";
import { Promptline, PromptNotFoundError, RegistryError, type PromptlineOptions, type PublishBody } from "promptline";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startBlackHole, startRegistrySwitch, type RegistrySwitch } from "./registry-switch.js";

const apiKey = "pl_test_key_sdk_cache_1234567890";

let fakes: FakeProviders;
let server: Awaited<ReturnType<typeof startServer>>;
let registry: RegistrySwitch;
/** Clients to close after each test, with how long their last flush may take. */
const clients: { sdk: Promptline; closeTimeoutMs: number }[] = [];

function template(text: string, name = "greet"): PublishBody {
  return {
    prompt_name: name,
    prompt_template: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text }] }] },
    metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 1 } } },
    release_labels: ["prod"],
  };
}

/** A client through the switch; nothing is shipped in the background unless flushed, so request counts are exact. */
function client(options: PromptlineOptions = {}, closeTimeoutMs = 5000): Promptline {
  const made = new Promptline({
    apiKey,
    baseURL: registry.url,
    env: fakes.env,
    flushOnExit: false,
    onError: () => {},
    logging: { flushIntervalMs: 600_000, batchSize: 1000 },
    ...options,
  });
  clients.push({ sdk: made, closeTimeoutMs });
  return made;
}

/** The text of the last message the fake OpenAI received. */
function lastPrompt(): string {
  const body = fakes.lastRequest("openai")?.body as { messages: { content: { text: string }[] | string }[] };
  const content = body.messages.at(-1)!.content;
  return typeof content === "string" ? content : content.map((part) => part.text).join("");
}

let names = 0;
/** A fresh prompt name per test, published directly to the server (not through a client under test). */
async function publish(text: string): Promise<string> {
  const name = `greet-${++names}`;
  const publisher = new Promptline({ apiKey, baseURL: server.url, flushOnExit: false });
  await publisher.templates.publish(template(text, name));
  await publisher.close();
  return name;
}

beforeAll(async () => {
  fakes = await startFakeProviders();
  server = await startServer({ database: "sqlite::memory:", port: 0, apiKey });
  registry = await startRegistrySwitch(server.url);
});

afterEach(async () => {
  registry.mode = "up";
  await Promise.all(clients.splice(0).map(({ sdk, closeTimeoutMs }) => sdk.close({ timeoutMs: closeTimeoutMs })));
});

afterAll(async () => {
  await registry?.close();
  await server?.close();
  await fakes?.close();
});

describe("the SDK's prompt cache, end to end", () => {
  it("makes zero registry requests on a warm run(), whatever the metadata, tags and overrides", async () => {
    const name = await publish("Hello {who}");
    const sdk = client();
    await sdk.run({ promptName: name, promptReleaseLabel: "prod", inputVariables: { who: "warm-up" } });
    expect(registry.seen).toContain(`GET /api/v1/prompts/${name}/template?label=prod&expand_snippets=true`);
    registry.seen.length = 0;

    for (let i = 0; i < 10; i++) {
      const result = await sdk.run({
        promptName: name,
        promptReleaseLabel: "prod",
        inputVariables: { who: `run ${i}` },
        tags: [`t${i}`],
        metadata: { user: `u${i}` },
        modelParameterOverrides: { temperature: i / 10, max_tokens: 50 + i },
      });
      expect(result.request_id).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(registry.seen).toEqual([]);
    // The overrides did apply (they didn't just bypass the cache silently).
    expect(fakes.lastRequest("openai")?.body).toMatchObject({ temperature: 0.9, max_tokens: 59 });
    expect(lastPrompt()).toBe("Hello run 9");
    expect(sdk.stats().templateFetches).toBe(1);

    // The logs go out in the background, once asked.
    expect(await sdk.flush()).toEqual({ pending: 0, dropped: 0 });
    expect(registry.seen).toEqual(["POST /api/v1/requests:batch"]);
  });

  it("keeps running from the cache while the registry is down, and queues the logs", async () => {
    const name = await publish("Hi {who}");
    // TTL 0: every run finds its template stale and tries a refresh, which fails.
    const sdk = client({ cacheTtlSeconds: 0 });
    await sdk.run({ promptName: name, inputVariables: { who: "warm" } });
    registry.mode = "down";
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await sdk.run({ promptName: name, inputVariables: { who: `down ${i}` } })).request_id);
    expect(lastPrompt()).toBe("Hi down 4");
    expect(await sdk.flush({ timeoutMs: 200 })).toMatchObject({ pending: 6 });
    registry.mode = "up";
    expect(await sdk.flush()).toEqual({ pending: 0, dropped: 0 });
    for (const id of ids) {
      const stored = await fetch(`${server.url}/api/v1/requests/${id}`, { headers: { "x-api-key": apiKey } });
      expect(stored.status).toBe(200);
    }
  });

  it("bounds a cold run() on a hung registry by registryTimeoutMs", async () => {
    const hole = await startBlackHole();
    try {
      const sdk = client({ baseURL: hole.url, registryTimeoutMs: 300 });
      const error = await sdk.run({ promptName: "anything", inputVariables: {} }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RegistryError);
      expect((error as Error).message).toMatch(/did not answer within 300 ms/);
    } finally {
      await hole.close();
    }
  });

  it("runs a fallback template on a cold start with the registry hung", async () => {
    const hole = await startBlackHole();
    try {
      const fallback = template("Fallback for {who}", "offline");
      const sdk = client({
        baseURL: hole.url,
        registryTimeoutMs: 200,
        fallbackPrompts: [{ prompt_name: "offline", prompt_template: fallback.prompt_template, metadata: fallback.metadata! }],
      }, 0); // its logs can't reach the hung registry
      const result = await sdk.run({ promptName: "offline", inputVariables: { who: "Ada" } });
      expect(result.prompt_blueprint.prompt_template.type).toBe("chat");
      expect(lastPrompt()).toBe("Fallback for Ada");
      await sdk.run({ promptName: "offline", inputVariables: { who: "Bob" } });
      expect(lastPrompt()).toBe("Fallback for Bob");
      expect(sdk.stats().templateFetches).toBe(1); // the second run didn't wait for the registry again
    } finally {
      await hole.close();
    }
  });

  it("sees its own publish at once; another client's only after the TTL", async () => {
    const name = await publish("Version one for {who}");
    const sdk = client({ cacheTtlSeconds: 3600 });
    await sdk.run({ promptName: name, promptReleaseLabel: "prod", inputVariables: { who: "a" } });
    expect(lastPrompt()).toBe("Version one for a");

    const other = new Promptline({ apiKey, baseURL: server.url, flushOnExit: false });
    await other.templates.publish({ ...template("Version two for {who}", name) });
    await other.close();
    await sdk.run({ promptName: name, promptReleaseLabel: "prod", inputVariables: { who: "b" } });
    expect(lastPrompt()).toBe("Version one for b"); // cached: the other client's publish is invisible for an hour

    await sdk.templates.publish(template("Version three for {who}", name));
    await sdk.run({ promptName: name, promptReleaseLabel: "prod", inputVariables: { who: "c" } });
    expect(lastPrompt()).toBe("Version three for c");
  });

  it("stops serving a label once the registry says it was removed", async () => {
    const name = await publish("Labelled {who}");
    const sdk = client({ cacheTtlSeconds: 0 });
    await sdk.run({ promptName: name, promptReleaseLabel: "prod", inputVariables: { who: "a" } });
    const removed = await fetch(`${server.url}/api/v1/prompts/${name}/labels/prod`, { method: "DELETE", headers: { "x-api-key": apiKey } });
    expect(removed.status).toBe(204);
    // Served stale once while the refresh learns of the 404…
    await sdk.run({ promptName: name, promptReleaseLabel: "prod", inputVariables: { who: "b" } });
    await expect.poll(() => sdk.run({ promptName: name, promptReleaseLabel: "prod", inputVariables: { who: "c" } }).then(() => "served", (error: unknown) => error)).toBeInstanceOf(PromptNotFoundError);
  });
});
