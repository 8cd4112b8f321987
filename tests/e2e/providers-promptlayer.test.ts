/**
 * The providers of issue 18 through the PromptLayer-compatible routes: the
 * template route's `llm_kwargs` are what each provider's official client
 * sends, and a request tracked the way PromptLayer's SDKs track it becomes
 * the right log record and blueprint.
 */
import { costUsd } from "@promptline/core";
import { startServer, type RunningServer } from "@promptline/server";
import { startFakeProviders, type FakeProviders } from "@promptline/testkit";
import OpenAI from "openai";
import { PromptLayer } from "promptlayer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const apiKey = "pl_e2e_providers_key_0123456789";
let fakes: FakeProviders;
let server: RunningServer;
let pl: PromptLayer;

beforeAll(async () => {
  fakes = await startFakeProviders();
  server = await startServer({ database: "sqlite::memory:", port: 0, apiKey, logError: () => undefined });
  pl = new PromptLayer({ apiKey, baseURL: server.url });
});
afterAll(async () => {
  await server?.close();
  await fakes?.close();
});

type Blueprint = { prompt_template: { messages: { role: string; content: { type: string; text?: string }[] }[] }; metadata?: { model?: Record<string, unknown> } };

async function stored(id: number): Promise<Record<string, unknown> & { prompt_blueprint: Blueprint }> {
  const response = await fetch(`${server.url}/api/v1/requests/${id}`, { headers: { "x-api-key": apiKey } });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown> & { prompt_blueprint: Blueprint };
}

async function trackRequest(body: Record<string, unknown>): Promise<{ request_id: number; prompt_blueprint: Blueprint }> {
  const response = await fetch(`${server.url}/track-request`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": apiKey },
    body: JSON.stringify({ api_key: apiKey, return_prompt_blueprint: true, tags: [], request_start_time: 1744624827.5, request_end_time: 1744624828.25, ...body }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { request_id: number; prompt_blueprint: Blueprint };
}

describe("openrouter through the PromptLayer routes", () => {
  beforeAll(async () => {
    await pl.templates.publish({
      prompt_name: "or-poem",
      prompt_template: {
        type: "chat",
        input_variables: ["topic"],
        messages: [
          { role: "system", content: [{ type: "text", text: "Be brief." }] },
          { role: "user", content: [{ type: "text", text: "Write about {topic}" }] },
        ],
      },
      metadata: { model: { provider: "openrouter", name: "anthropic/claude-sonnet-4.5", parameters: { temperature: 0.3, max_tokens: 100 } } },
    } as Parameters<PromptLayer["templates"]["publish"]>[0]);
  });

  it("llm_kwargs are a Chat Completions body that the openai SDK sends to OpenRouter as they are; the tracked call becomes its blueprint", async () => {
    const template = (await pl.templates.get("or-poem", { input_variables: { topic: "cats" } })) as unknown as {
      id: number;
      version: number;
      llm_kwargs: Record<string, unknown>;
      metadata: { model: { provider: string } };
    };
    expect(template.metadata.model.provider).toBe("openrouter");
    expect(template.llm_kwargs).toEqual({
      model: "anthropic/claude-sonnet-4.5",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: [{ type: "text", text: "Write about cats" }] },
      ],
      temperature: 0.3,
      max_tokens: 100,
    });

    // What PromptLayer's Python SDK does for `openrouter`: the OpenAI client at OpenRouter's base URL.
    const openrouter = new OpenAI({ baseURL: fakes.baseURLs.openrouter, apiKey: fakes.env.OPENROUTER_API_KEY, maxRetries: 0 });
    fakes.queue("openrouter", { text: "Cats nap.", usage: { input_tokens: 12, output_tokens: 3 } });
    const kwargs = { ...template.llm_kwargs, stream: false };
    const response = await openrouter.chat.completions.create(kwargs as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(fakes.lastRequest("openrouter")?.body).toEqual(kwargs);

    for (const functionName of ["openrouter.chat.completions.create", "openai.chat.completions.create"]) {
      const tracked = await trackRequest({
        function_name: functionName,
        provider_type: "openrouter",
        kwargs,
        request_response: response,
        prompt_id: template.id,
        prompt_version: template.version,
        prompt_input_variables: { topic: "cats" },
      });
      const row = await stored(tracked.request_id);
      expect(row).toMatchObject({ provider: "openrouter", model: "anthropic/claude-sonnet-4.5", status: "SUCCESS", usage: { input_tokens: 12, output_tokens: 3 } });
      expect(row.cost_usd).toBeCloseTo(costUsd("anthropic", "claude-sonnet-4-5", { input_tokens: 12, output_tokens: 3 })!, 12);
      expect(row.prompt_blueprint.prompt_template.messages.map((message) => message.role)).toEqual(["system", "user", "assistant"]);
      expect(row.prompt_blueprint.prompt_template.messages.at(-1)?.content.at(-1)?.text).toBe("Cats nap.");
      expect(row.prompt_blueprint.metadata?.model).toMatchObject({ provider: "openrouter", name: "anthropic/claude-sonnet-4.5", parameters: { temperature: 0.3, max_tokens: 100 } });
      expect(tracked.prompt_blueprint).toEqual(row.prompt_blueprint);
    }
  });

  it("a provider/model override to openrouter translates the parameters", async () => {
    const template = (await pl.templates.get("or-poem", { input_variables: { topic: "dogs" }, provider: "openrouter", model: "openai/gpt-5" } as never)) as unknown as {
      llm_kwargs: Record<string, unknown>;
    };
    expect(template.llm_kwargs).toMatchObject({ model: "openai/gpt-5", temperature: 0.3, max_tokens: 100 });
  });
});

describe("fallbacks through the PromptLayer routes", () => {
  it("the template route returns the primary's llm_kwargs (the official SDK can't fall back) and keeps the chain in metadata", async () => {
    const fallbacks = [{ provider: "anthropic", name: "claude-3-5-haiku-latest", parameters: { top_k: 5 } }];
    await pl.templates.publish({
      prompt_name: "chained",
      prompt_template: { type: "chat", input_variables: [], messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] },
      metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 0.2 }, fallbacks } },
    } as Parameters<PromptLayer["templates"]["publish"]>[0]);
    const template = (await pl.templates.get("chained")) as unknown as { llm_kwargs: Record<string, unknown>; metadata: { model: Record<string, unknown> } };
    expect(template.llm_kwargs).toEqual({ model: "gpt-4o-mini", messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }], temperature: 0.2 });
    expect(template.metadata.model).toMatchObject({ provider: "openai", fallbacks });
  });
});

describe("anthropic.bedrock through the official promptlayer SDK", () => {
  const saved = new Map<string, string | undefined>();
  const names = ["ANTHROPIC_BEDROCK_BASE_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_SESSION_TOKEN", "AWS_PROFILE"];
  beforeAll(() => {
    for (const name of names) saved.set(name, process.env[name]);
    // promptlayer@1.3.6 runs anthropic.bedrock with `new AnthropicBedrock()`, which reads these.
    process.env.ANTHROPIC_BEDROCK_BASE_URL = fakes.baseURLs.bedrock;
    process.env.AWS_ACCESS_KEY_ID = fakes.env.AWS_ACCESS_KEY_ID;
    process.env.AWS_SECRET_ACCESS_KEY = fakes.env.AWS_SECRET_ACCESS_KEY;
    process.env.AWS_REGION = "us-east-1";
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
  });
  afterAll(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it("runs Claude on Bedrock InvokeModel with the server's llm_kwargs, and the tracked request becomes its blueprint", async () => {
    const model = "us.anthropic.claude-3-5-haiku-20241022-v1:0";
    await pl.templates.publish({
      prompt_name: "bedrock-claude",
      prompt_template: { type: "chat", input_variables: ["q"], messages: [{ role: "user", content: [{ type: "text", text: "Answer {q}" }] }] },
      metadata: { model: { provider: "anthropic.bedrock", name: model, parameters: { max_tokens: 80, temperature: 0.1 } } },
    } as Parameters<PromptLayer["templates"]["publish"]>[0]);
    fakes.queue("bedrock", { text: "Forty-two.", usage: { input_tokens: 8, output_tokens: 3 } });
    const result = (await pl.run({ promptName: "bedrock-claude", inputVariables: { q: "everything" }, stream: false })) as { request_id: number; prompt_blueprint: Blueprint };
    const sent = fakes.lastRequest("bedrock");
    expect(decodeURIComponent(sent!.path)).toBe(`/model/${model}/invoke`);
    expect(sent!.body).toMatchObject({ anthropic_version: "bedrock-2023-05-31", max_tokens: 80, temperature: 0.1 });
    const row = await stored(result.request_id);
    expect(row).toMatchObject({ provider: "anthropic.bedrock", model, status: "SUCCESS", function_name: "anthropic.messages.create", usage: { input_tokens: 8, output_tokens: 3 } });
    expect(row.cost_usd).toBeGreaterThan(0);
    expect(row.prompt_blueprint.prompt_template.messages.at(-1)?.content.at(-1)?.text).toBe("Forty-two.");
    expect(row.prompt_blueprint.metadata?.model).toMatchObject({ provider: "anthropic.bedrock", name: model });
  });
});
