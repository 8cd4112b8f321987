/**
 * `client.run()` end to end, for every provider, streaming and not, with tool
 * calls: fake providers + a real server on SQLite + the SDK.
 */
import { InvalidRequestError, MissingVariablesError, type RunChunk, type RunResult } from "promptline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collect, providerCases, secretValues, startHarness, textTemplate, weatherTemplate, type Harness, type ProviderCase } from "./sdk-harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

type Message = { role: string; content: { type: string; text?: string }[]; tool_calls?: { id: string; type: string; function: { name: string; arguments: string } }[] | null };
const messagesOf = (result: { prompt_blueprint: unknown }) =>
  (result.prompt_blueprint as { prompt_template: { messages: Message[] } }).prompt_template.messages;
const textOf = (message: Message | undefined) =>
  (message?.content ?? []).filter((block) => block.type === "text").map((block) => block.text ?? "").join("");

/** The top-level key of each provider's complete response, to tell it from a stream event. */
const responseKey: Record<string, string> = {
  "openai-chat": "choices",
  "openai-compatible": "choices",
  openrouter: "choices",
  "anthropic-bedrock": "content",
  "vertex-claude": "content",
  "vertex-gemini": "candidates",
  azure: "choices",
  mistral: "choices",
  "openai-responses": "output",
  anthropic: "content",
  google: "candidates",
  bedrock: "output",
};

/** Whether a chunk's raw_response is one of the provider's own stream events (not an assembled response). */
function isProviderEvent(id: string, event: unknown): boolean {
  const record = event as Record<string, unknown>;
  switch (id) {
    case "openai-responses":
      return typeof record.type === "string" && record.type.startsWith("response.");
    case "anthropic":
    case "anthropic-bedrock":
    case "vertex-claude":
      return typeof record.type === "string" && /^(message|content_block)_/.test(record.type);
    case "google":
    case "vertex-gemini":
      return Array.isArray(record.candidates) || typeof record.usageMetadata === "object";
    case "bedrock":
      return Object.keys(record).length === 1 && /^(messageStart|contentBlock\w+|messageStop|metadata)$/.test(Object.keys(record)[0]!);
    default:
      return record.object === "chat.completion.chunk";
  }
}

describe.each([false, true])("run() with stream: %s", (stream) => {
  // The cases need the fakes' URLs, so they are read when the tests run.
  const ids = ["openai-chat", "openai-responses", "azure", "anthropic", "google", "mistral", "bedrock", "openai-compatible", "openrouter", "anthropic-bedrock", "vertex-gemini", "vertex-claude"];

  it.each(ids)("%s: renders, calls the provider, returns the tool call, logs the record", async (id) => {
    const testCase = providerCases(h.fakes).find((each) => each.id === id) as ProviderCase;
    const env = Object.fromEntries(Object.entries(h.fakes.env).filter(([name]) => !testCase.dropEnv?.includes(name)));
    const client = testCase.dropEnv ? h.makeClient({ env, ...(testCase.allowedBaseURLs && { allowedBaseURLs: testCase.allowedBaseURLs }) }) : h.client;
    const name = `weather-${id}-${stream}`;
    await client.templates.publish({ prompt_name: name, prompt_template: weatherTemplate(), metadata: { model: testCase.model } });
    h.fakes.queue(testCase.fake, { text: "Let me check.", toolCalls: [{ name: "get_weather", arguments: { city: "Paris" } }] });
    // Model calls only: Vertex's token exchange goes to the same fake.
    const modelCalls = () => h.fakes.requestsFor(testCase.fake).filter((each) => each.path !== "/token");
    const before = modelCalls().length;

    const params = { promptName: name, inputVariables: { city: "Paris" }, tags: ["e2e", id], metadata: { user: "ada", stream: String(stream) } };
    let result: RunResult;
    let chunks: RunChunk[] = [];
    if (stream) {
      chunks = await collect(await client.run({ ...params, stream: true }));
      const last = chunks.at(-1);
      if (!last?.done) throw new Error("the stream ended without its final chunk");
      result = last;
    } else {
      result = await client.run(params);
    }

    // The blueprint: the rendered conversation, then the assistant's answer with the tool call last.
    const messages = messagesOf(result);
    expect(messages.map((message) => message.role)).toEqual(["system", "user", "assistant"]);
    expect(textOf(messages[1])).toBe("What is the weather in Paris?");
    const answer = messages.at(-1)!;
    expect(textOf(answer)).toBe("Let me check.");
    expect(answer.tool_calls).toHaveLength(1);
    expect(answer.tool_calls![0]!.type).toBe("function");
    expect(answer.tool_calls![0]!.function.name).toBe("get_weather");
    expect(JSON.parse(answer.tool_calls![0]!.function.arguments)).toEqual({ city: "Paris" });
    expect(result.raw_response).toHaveProperty(responseKey[id]!);
    expect(result.request_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    if (stream) {
      // One chunk per event, request_id on each, deltas, then one last complete chunk.
      expect(chunks.length).toBeGreaterThan(2);
      expect(new Set(chunks.map((chunk) => chunk.request_id))).toEqual(new Set([result.request_id]));
      expect(chunks.map((chunk) => chunk.done)).toEqual([...chunks.slice(1).map(() => false), true]);
      const deltas = chunks.slice(0, -1);
      for (const delta of deltas) {
        const deltaMessages = messagesOf(delta);
        expect(deltaMessages).toHaveLength(1);
        expect(deltaMessages[0]!.role).toBe("assistant");
      }
      expect(deltas.map((delta) => textOf(messagesOf(delta)[0])).join("")).toBe("Let me check.");
      expect(deltas.some((delta) => (messagesOf(delta)[0]!.tool_calls ?? []).length > 0)).toBe(true);
      for (const delta of deltas) expect(isProviderEvent(id, delta.raw_response), JSON.stringify(delta.raw_response)).toBe(true);
    }

    // The request the provider received: rendered text, model, parameters, stream flag, no secrets.
    const sent = modelCalls();
    expect(sent).toHaveLength(before + 1);
    const request = sent.at(-1)!;
    const body = JSON.stringify(request.body);
    expect(body).toContain("What is the weather in Paris?");
    expect(body).toContain("get_weather");
    expect(body).toContain('"temperature":0.5');
    if (testCase.modelInPath) expect(decodeURIComponent(request.path)).toContain(testCase.model.name);
    else expect(body).toContain(`"${testCase.model.name}"`);
    if (id === "google" || id === "vertex-gemini") expect(request.path).toContain(stream ? ":streamGenerateContent" : ":generateContent");
    else if (id === "bedrock") expect(request.path).toMatch(stream ? /\/converse-stream$/ : /\/converse$/);
    else if (id === "anthropic-bedrock") expect(request.path).toMatch(stream ? /\/invoke-with-response-stream$/ : /\/invoke$/);
    else expect((request.body as { stream?: boolean }).stream ?? false).toBe(stream);
    for (const secret of secretValues(h.fakes)) expect(body).not.toContain(secret);

    // The log record, once flushed.
    expect(await client.flush()).toEqual({ pending: 0, dropped: 0 });
    const record = await h.record(result.request_id);
    expect(record).toMatchObject({
      request_id: result.request_id,
      prompt_name: name,
      prompt_version: 1,
      status: "SUCCESS",
      provider: testCase.model.provider,
      model: testCase.model.name,
      tags: ["e2e", id],
      metadata: { user: "ada", stream: String(stream) },
      input_variables: { city: "Paris" },
      error_type: null,
      error_message: null,
    });
    expect(record.usage.input_tokens).toBeGreaterThan(0);
    expect(record.usage.output_tokens).toBeGreaterThan(0);
    expect(record.cost_usd === null || record.cost_usd > 0).toBe(true);
    if (id !== "openai-compatible" && id !== "azure") expect(record.cost_usd).toBeGreaterThan(0);
    expect(record.latency_ms).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(messagesOf(record).at(-1)!.tool_calls![0]!.function.arguments)).toEqual({ city: "Paris" });
    expect(record.response).toHaveProperty(responseKey[id]!);

    // The typed fields of the result: the answer without digging in the blueprint, and the log's totals.
    expect(result.text).toBe("Let me check.");
    expect(result.tool_calls.map((call) => [call.type, call.function.name, JSON.parse(call.function.arguments)])).toEqual([["function", "get_weather", { city: "Paris" }]]);
    expect(result.usage).toEqual(record.usage);
    expect(result.cost_usd).toBe(record.cost_usd ?? null);
    expect(result.latency_ms).toBe(record.latency_ms);
    expect([result.provider, result.model, result.prompt_version]).toEqual([testCase.model.provider, testCase.model.name, 1]);
    if (stream) {
      const deltas = chunks.filter((chunk) => !chunk.done);
      expect(deltas.map((chunk) => chunk.text_delta).join("")).toBe("Let me check.");
      expect(deltas.every((chunk) => chunk.provider === testCase.model.provider && chunk.model === testCase.model.name && chunk.prompt_version === 1)).toBe(true);
    }
    const stored = JSON.stringify(record);
    for (const secret of secretValues(h.fakes)) expect(stored).not.toContain(secret);
  });
});

describe("run() parameters", () => {
  const openai = { provider: "openai", name: "gpt-4o-mini", api_type: "chat-completions", parameters: { temperature: 1, top_p: 0.9 } };
  const lastBody = (fake: "openai" | "anthropic" = "openai") => h.fakes.lastRequest(fake)?.body as Record<string, unknown>;
  const lastUserText = () => JSON.stringify(lastBody().messages);

  beforeAll(async () => {
    await h.client.templates.publish({ prompt_name: "versions", prompt_template: textTemplate("Say A"), metadata: { model: openai }, release_labels: ["prod"] });
    await h.client.templates.publish({ prompt_name: "versions", prompt_template: textTemplate("Say B"), metadata: { model: openai }, release_labels: ["staging"] });
    await h.client.templates.publish({ prompt_name: "greet", prompt_template: textTemplate("Hello {name}, from {place} on {day}"), metadata: { model: openai } });
  });

  it("promptVersion picks the version; without one, the newest runs", async () => {
    await h.client.run({ promptName: "versions", promptVersion: 1 });
    expect(lastUserText()).toContain("Say A");
    const newest = await h.client.run({ promptName: "versions" });
    expect(lastUserText()).toContain("Say B");
    await h.client.flush();
    expect((await h.record(newest.request_id)).prompt_version).toBe(2);
  });

  it("promptReleaseLabel picks the labelled version, and wins over promptVersion", async () => {
    const labelled = await h.client.run({ promptName: "versions", promptReleaseLabel: "prod" });
    expect(lastUserText()).toContain("Say A");
    await h.client.run({ promptName: "versions", promptReleaseLabel: "prod", promptVersion: 2 });
    expect(lastUserText()).toContain("Say A");
    await h.client.run({ promptName: "versions", promptReleaseLabel: "staging", promptVersion: 1 });
    expect(lastUserText()).toContain("Say B");
    await h.client.flush();
    expect(await h.record(labelled.request_id)).toMatchObject({ prompt_version: 1, prompt_label: "prod" });
  });

  it("inputVariables are rendered; missing ones fail with every name listed and nothing sent", async () => {
    await h.client.run({ promptName: "greet", inputVariables: { name: "Ada", place: "London", day: "Monday" } });
    expect(lastUserText()).toContain("Hello Ada, from London on Monday");
    const before = h.fakes.requests.length;
    const error = await h.client.run({ promptName: "greet", inputVariables: { place: "London" } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MissingVariablesError);
    expect((error as MissingVariablesError).missing).toEqual(["name", "day"]);
    expect((error as Error).message).toBe(
      'Missing input variables "name", "day": pass them in inputVariables, or create the client with `strictVariables: false` to render missing variables as empty.',
    );
    expect(h.fakes.requests.length).toBe(before);
  });

  it("strictVariables: false renders missing variables empty, as PromptLayer does", async () => {
    const lenient = h.makeClient({ strictVariables: false });
    await lenient.run({ promptName: "greet", inputVariables: { name: "Ada" } });
    expect(lastUserText()).toContain("Hello Ada, from  on ");
  });

  it("tags, metadata and groupId are logged, streaming included (PromptLayer's SDK crashes on stream + metadata)", async () => {
    const groupId = await h.client.group.create();
    expect(Number.isInteger(groupId)).toBe(true);
    const plain = await h.client.run({ promptName: "versions", tags: ["a", "b"], metadata: { session: "s1" }, groupId });
    const chunks = await collect(await h.client.run({ promptName: "versions", tags: ["c"], metadata: { session: "s2", user: "u" }, groupId, stream: true }));
    expect(chunks.at(-1)!.done).toBe(true);
    await h.client.flush();
    expect(await h.record(plain.request_id)).toMatchObject({ tags: ["a", "b"], metadata: { session: "s1" }, group_id: groupId });
    expect(await h.record(chunks[0]!.request_id)).toMatchObject({ tags: ["c"], metadata: { session: "s2", user: "u" }, group_id: groupId, status: "SUCCESS" });
  });

  it("modelParameterOverrides are merged last into the provider request", async () => {
    const result = await h.client.run({ promptName: "versions", modelParameterOverrides: { temperature: 0.1, seed: 7 } });
    expect(lastBody()).toMatchObject({ model: "gpt-4o-mini", temperature: 0.1, top_p: 0.9, seed: 7 });
    await h.client.flush();
    expect((await h.record(result.request_id)).request).toMatchObject({ temperature: 0.1, top_p: 0.9, seed: 7 });
  });

  it("provider + model switch an OpenAI template to Anthropic's wire format (max_tokens set)", async () => {
    const result = await h.client.run({ promptName: "versions", provider: "anthropic", model: "claude-3-5-haiku-latest" });
    const request = h.fakes.lastRequest("anthropic")!;
    expect(request.path).toBe("/v1/messages");
    expect(request.headers["anthropic-version"]).toBe("2023-06-01");
    expect(request.body).toMatchObject({ model: "claude-3-5-haiku-latest", messages: [{ role: "user" }] });
    expect(typeof (request.body as { max_tokens?: unknown }).max_tokens).toBe("number");
    expect(textOf(messagesOf(result).at(-1))).toBe("Echo: Say B");
    await h.client.flush();
    expect(await h.record(result.request_id)).toMatchObject({ provider: "anthropic", model: "claude-3-5-haiku-latest", status: "SUCCESS" });
  });

  it("model alone keeps the template's provider", async () => {
    const anthropicBefore = h.fakes.requestsFor("anthropic").length;
    const result = await h.client.run({ promptName: "versions", model: "gpt-4o" });
    expect(lastBody()).toMatchObject({ model: "gpt-4o", temperature: 1 });
    expect(h.fakes.requestsFor("anthropic").length).toBe(anthropicBefore);
    await h.client.flush();
    expect(await h.record(result.request_id)).toMatchObject({ provider: "openai", model: "gpt-4o" });
  });

  it("provider alone is a clear error, before any request", async () => {
    const before = h.fakes.requests.length;
    const error = await h.client.run({ promptName: "versions", provider: "anthropic" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).toBe('run() got provider "anthropic" without a model: give both to switch provider.');
    expect(h.fakes.requests.length).toBe(before);
  });

  it("takes every parameter in snake_case too", async () => {
    const groupId = await h.client.group.create();
    const result = await h.client.run({
      prompt_name: "versions",
      prompt_version: 2,
      prompt_release_label: "prod",
      input_variables: { unused: "x" },
      group_id: groupId,
      model_parameter_overrides: { temperature: 0.2 },
      tags: ["snake"],
    });
    expect(lastUserText()).toContain("Say A");
    expect(lastBody()).toMatchObject({ temperature: 0.2 });
    await h.client.flush();
    expect(await h.record(result.request_id)).toMatchObject({ prompt_version: 1, group_id: groupId, tags: ["snake"], input_variables: { unused: "x" } });
  });

  it("the same parameter in camelCase and snake_case with different values is an error; equal values are fine", async () => {
    const error = await h.client.run({ promptName: "versions", prompt_name: "greet" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).toBe("run() got both promptName and prompt_name with different values: give one.");
    const overrides = await h.client
      .run({ promptName: "versions", modelParameterOverrides: { temperature: 0 }, model_parameter_overrides: { temperature: 1 } })
      .catch((caught: unknown) => caught);
    expect((overrides as Error).message).toBe("run() got both modelParameterOverrides and model_parameter_overrides with different values: give one.");
    await expect(h.client.run({ promptName: "versions", prompt_name: "versions" })).resolves.toHaveProperty("request_id");
  });

  it("rejects unknown parameters and wrong types with the parameter named", async () => {
    await expect(h.client.run({ promptName: "versions", promptname: "x" } as never)).rejects.toThrow('run() does not take "promptname".');
    await expect(h.client.run({ promptName: "versions", metadata: { n: 1 } } as never)).rejects.toThrow("metadata.n: metadata values must be strings");
    await expect(h.client.run({} as never)).rejects.toThrow(InvalidRequestError);
  });

  it("keeps the template in the cache: one registry fetch per prompt, refreshed after a publish", async () => {
    const client = h.makeClient();
    await client.templates.publish({ prompt_name: "cached", prompt_template: textTemplate("First"), metadata: { model: openai } });
    await client.run({ promptName: "cached" });
    await client.run({ promptName: "cached" });
    expect(client.stats().templateFetches).toBe(1);
    await client.templates.publish({ prompt_name: "cached", prompt_template: textTemplate("Second"), metadata: { model: openai } });
    await client.run({ promptName: "cached" });
    expect(lastUserText()).toContain("Second");
    expect(client.stats().templateFetches).toBe(2);
  });
});
