import { describe, expect, expectTypeOf, it } from "vitest";
import * as sdk from "./index.js";
import { InvalidTemplateError, Promptline, type RunChunk, type RunResult } from "./index.js";

const options = { env: {}, apiKey: "pl_unit_test", flushOnExit: false, fetch: (() => Promise.reject(new Error("no network in this test"))) as typeof fetch };

describe("Promptline types", () => {
  it("run() is typed by its stream flag", () => {
    const client = new Promptline(options);
    expectTypeOf(client.run).toBeCallableWith({ promptName: "a" });
    const streamed = () => client.run({ promptName: "a", stream: true });
    const plain = () => client.run({ promptName: "a" });
    const explicit = () => client.run({ prompt_name: "a", stream: false });
    expectTypeOf(streamed).returns.toEqualTypeOf<Promise<AsyncIterable<RunChunk>>>();
    expectTypeOf(plain).returns.toEqualTypeOf<Promise<RunResult>>();
    expectTypeOf(explicit).returns.toEqualTypeOf<Promise<RunResult>>();
    // `done` narrows a chunk: the last one is a whole result.
    expectTypeOf<Extract<RunChunk, { done: true }>>().toMatchTypeOf<RunResult>();
    expectTypeOf<Extract<RunChunk, { done: false }>["text_delta"]>().toEqualTypeOf<string>();
    expectTypeOf<RunResult["text"]>().toEqualTypeOf<string | null>();
    expectTypeOf<RunResult["cost_usd"]>().toEqualTypeOf<number | null>();
    expectTypeOf<RunResult["request_id"]>().toEqualTypeOf<string>();
  });

  it("exports the client, the error family and the abort error as values", () => {
    for (const name of [
      "Promptline",
      "PromptlineError",
      "MissingVariablesError",
      "InvalidTemplateError",
      "PromptNotFoundError",
      "PromptArchivedError",
      "InvalidRequestError",
      "ProviderError",
      "ProviderAbortError",
      "MissingProviderKeyError",
      "UnsupportedProviderError",
      "RegistryError",
      "UnauthorizedError",
    ]) {
      expect(typeof (sdk as Record<string, unknown>)[name], name).toBe("function");
    }
  });
});

describe("Promptline options", () => {
  it("rejects an invalid fallback prompt when the client is made, not during an outage", () => {
    expect(
      () =>
        new Promptline({
          ...options,
          fallbackPrompts: [{ prompt_name: "x", prompt_template: { type: "chat", messages: [] }, metadata: {} }],
        }),
    ).toThrow(new InvalidTemplateError('fallback prompt "x" has no metadata.model (provider and name)'));
    expect(
      () =>
        new Promptline({
          ...options,
          fallbackPrompts: [{ prompt_name: "y", prompt_template: { type: "poem" } as never, metadata: { model: { provider: "openai", name: "m" } } }],
        }),
    ).toThrow(/fallback prompt "y" is not a valid template: type: /);
  });

  it("runs a fallback prompt without the registry, filling in the template's defaults", async () => {
    const requests: { url: string; body: unknown }[] = [];
    const client = new Promptline({
      ...options,
      env: { OPENAI_API_KEY: "sk-unit-test-key", OPENAI_BASE_URL: "http://provider.test/v1" },
      baseURL: "http://registry.test",
      onError: () => {},
      fetch: (async (input: string | URL | Request, init?: RequestInit) => {
        const url = String(input);
        if (url.startsWith("http://registry.test")) throw new TypeError("fetch failed");
        requests.push({ url, body: JSON.parse(String(init?.body)) });
        return Response.json({
          id: "chatcmpl-1",
          object: "chat.completion",
          created: 1,
          model: "gpt-4o-mini",
          choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "Hi Ada" } }],
          usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
        });
      }) as typeof fetch,
      fallbackPrompts: [
        {
          prompt_name: "welcome",
          prompt_template: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Greet {name}" }] }] },
          metadata: { model: { provider: "openai", name: "gpt-4o-mini" } },
        },
      ],
    });
    const result = await client.run({ promptName: "welcome", inputVariables: { name: "Ada" } });
    expect(requests).toEqual([
      { url: "http://provider.test/v1/chat/completions", body: expect.objectContaining({ model: "gpt-4o-mini", messages: [{ role: "user", content: [{ type: "text", text: "Greet Ada" }] }] }) },
    ]);
    const messages = (result.prompt_blueprint.prompt_template as { messages: { role: string }[] }).messages;
    expect(messages.map((message) => message.role)).toEqual(["user", "assistant"]);
    await client.close({ timeoutMs: 10 });
  });
});

describe("Promptline httpClient", () => {
  it("sends provider requests through the injected client, and the registry through fetch", async () => {
    const sent: { url: string; headers: Readonly<Record<string, string>>; body: unknown }[] = [];
    const registryUrls: string[] = [];
    const httpClient: sdk.HttpClient = {
      async post(request) {
        sent.push({ url: request.url, headers: request.headers, body: JSON.parse(request.body) });
        const text = JSON.stringify({
          id: "chatcmpl-1",
          object: "chat.completion",
          created: 1,
          model: "gpt-4o-mini",
          choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "Hi Ada" } }],
          usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
        });
        return { status: 200, statusText: "OK", headers: { "content-type": "application/json" }, text: async () => text, body: null };
      },
    };
    const client = new Promptline({
      ...options,
      env: { OPENAI_API_KEY: "sk-unit-test-key", OPENAI_BASE_URL: "http://provider.test/v1" },
      baseURL: "http://registry.test",
      onError: () => {},
      fetch: (async (input: string | URL | Request) => {
        registryUrls.push(String(input));
        throw new TypeError("fetch failed");
      }) as typeof fetch,
      httpClient,
      fallbackPrompts: [
        {
          prompt_name: "welcome",
          prompt_template: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Greet {name}" }] }] },
          metadata: { model: { provider: "openai", name: "gpt-4o-mini" } },
        },
      ],
    });
    const result = await client.run({ promptName: "welcome", inputVariables: { name: "Ada" } });
    expect(result.text).toBe("Hi Ada");
    expect(sent).toEqual([
      {
        url: "http://provider.test/v1/chat/completions",
        headers: expect.objectContaining({ authorization: "Bearer sk-unit-test-key", accept: "application/json" }),
        body: expect.objectContaining({ model: "gpt-4o-mini" }),
      },
    ]);
    expect(registryUrls.every((url) => url.startsWith("http://registry.test"))).toBe(true);
    expect(registryUrls.length).toBeGreaterThan(0);
    await client.close({ timeoutMs: 10 });
  });
});

describe("Promptline edges a newcomer meets", () => {
  const template = {
    prompt_name: "welcome",
    prompt_template: { type: "chat" as const, messages: [{ role: "user" as const, content: [{ type: "text" as const, text: "Hi" }] }] },
    metadata: { model: { provider: "openai", name: "gpt-4o-mini" } },
  };
  const recordingFetch = (urls: string[]) =>
    (async (input: string | URL | Request) => {
      urls.push(String(input));
      throw new TypeError("fetch failed");
    }) as typeof fetch;

  it("run() after close() throws client_closed before any request", async () => {
    const urls: string[] = [];
    const client = new Promptline({ ...options, env: { OPENAI_API_KEY: "sk-unit-test-key" }, fetch: recordingFetch(urls), onError: () => {}, fallbackPrompts: [template] });
    await client.close({ timeoutMs: 10 });
    const error = await client.run({ promptName: "welcome" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(sdk.ClientClosedError);
    expect(error).toBeInstanceOf(sdk.PromptlineError);
    expect((error as sdk.PromptlineError).code).toBe("client_closed");
    expect((error as Error).message).toMatch(/after close\(\)/);
    expect(urls).toEqual([]);
  });

  it("without PROMPTLINE_API_KEY or apiKey, says the variable is unset and sends nothing to the registry", async () => {
    const urls: string[] = [];
    const { apiKey: _apiKey, ...noKey } = options;
    const client = new Promptline({ ...noKey, env: { PROMPTLINE_API_KEY: "  " }, fetch: recordingFetch(urls), onError: () => {} });
    const error = await client.run({ promptName: "welcome" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(sdk.MissingApiKeyError);
    expect((error as sdk.PromptlineError).code).toBe("missing_api_key");
    expect((error as Error).message).toMatch(/PROMPTLINE_API_KEY is not set/);
    await expect(client.templates.all()).rejects.toBeInstanceOf(sdk.MissingApiKeyError);
    expect(urls).toEqual([]);
    await client.close({ timeoutMs: 10 });
  });
});

describe("Promptline reads PromptLayer's answers through the wire contract", () => {
  const template = { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] };
  const rendered = {
    id: 1,
    prompt_name: "welcome",
    tags: [],
    version: 2,
    commit_message: null,
    prompt_template: template,
    metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: {} } },
    llm_kwargs: { model: "gpt-4o-mini", messages: [] },
    provider_base_url: null,
    release_labels: ["prod"],
    warning: null,
    workspace_id: 1,
  };
  const answering = (body: unknown) =>
    new Promptline({ ...options, liveUpdates: false, fetch: (async () => new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } })) as typeof fetch });

  it("hands back a template fetch as sent, unknown fields included", async () => {
    const client = answering(rendered);
    expect(await client.templates.get("welcome")).toEqual(rendered);
    await client.close();
  });

  it("a malformed answer is one UnexpectedResponseError naming the route and the field", async () => {
    const client = answering({ ...rendered, version: "2" });
    const error = await client.templates.get("welcome").then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(sdk.UnexpectedResponseError);
    expect(error).toMatchObject({ code: "unexpected_response", route: "POST /prompt-templates/{identifier}", path: "version" });
    await client.close();
    const listing = answering({ items: [{ ...rendered, prompt_template: "Hi" }], id: "7" });
    await expect(listing.templates.all()).rejects.toMatchObject({ route: "GET /prompt-templates", path: "items[0].prompt_template" });
    await expect(listing.group.create()).rejects.toMatchObject({ route: "POST /api/v1/groups", path: "id" });
    await listing.close();
  });
});
