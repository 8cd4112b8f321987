import { startServer, type RunningServer } from "@promptline/server";
import { startFakeProviders, type FakeProviders } from "@promptline/testkit";
import { PromptLayer } from "promptlayer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The official `promptlayer@1.3.6` SDK runs prompts that were published
// through our own API (as `promptline push` and the dashboard do), which never
// ask for `metadata.model.api_type`: the template route fills in what the SDK
// needs to pick its call ("Unsupported provider type: openai:undefined" before).

const apiKey = "pl_e2e_published_elsewhere_0123456789";
const envNames = ["OPENAI_API_KEY", "OPENAI_BASE_URL", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT", "OPENAI_API_VERSION"];

let fakes: FakeProviders;
let server: RunningServer;
let pl: PromptLayer;
const savedEnv = new Map<string, string | undefined>();

async function publishThroughApiV1(body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${server.url}/api/v1/prompts`, {
    method: "POST",
    headers: { "x-api-key": apiKey, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status, await response.clone().text()).toBe(201);
}

interface Answer {
  request_id: number | undefined;
  prompt_blueprint: { prompt_template: { type: string; messages?: { content: { text?: string }[] }[]; content?: { text?: string }[] } };
}

describe("the official JS SDK runs prompts published without api_type", () => {
  beforeAll(async () => {
    fakes = await startFakeProviders();
    server = await startServer({ database: "sqlite::memory:", port: 0, apiKey, logError: () => undefined });
    for (const name of envNames) {
      savedEnv.set(name, process.env[name]);
      process.env[name] = fakes.env[name];
    }
    pl = new PromptLayer({ apiKey, baseURL: server.url });
  });

  afterAll(async () => {
    for (const [name, value] of savedEnv) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await server?.close();
    await fakes?.close();
  });

  it("an OpenAI chat template", async () => {
    await publishThroughApiV1({
      prompt_name: "no-api-type-chat",
      prompt_template: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Greet {name}" }] }] },
      metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 0.2 } } },
    });
    fakes.queue("openai", { text: "Hello Ada!" });
    const result = (await pl.run({ promptName: "no-api-type-chat", inputVariables: { name: "Ada" } })) as Answer;
    expect(result.prompt_blueprint.prompt_template.messages?.at(-1)?.content.at(-1)?.text).toBe("Hello Ada!");
    expect(fakes.lastRequest("openai")?.path).toContain("/chat/completions");
    expect(fakes.lastRequest("openai")?.body).toMatchObject({ model: "gpt-4o-mini", messages: [{ role: "user", content: [{ type: "text", text: "Greet Ada" }] }] });

    const template = await pl.templates.get("no-api-type-chat");
    expect(template?.metadata?.model).toMatchObject({ provider: "openai", api_type: "chat-completions" });
  });

  it("an OpenAI completion template", async () => {
    await publishThroughApiV1({
      prompt_name: "no-api-type-completion",
      prompt_template: { type: "completion", content: [{ type: "text", text: "Once upon a {thing}" }] },
      metadata: { model: { provider: "openai", name: "gpt-3.5-turbo-instruct", parameters: {} } },
    });
    fakes.queue("openai", { text: " time." });
    await pl.run({ promptName: "no-api-type-completion", inputVariables: { thing: "time" } });
    expect(fakes.lastRequest("openai")?.path).toMatch(/\/completions$/);
    expect(fakes.lastRequest("openai")?.path).not.toContain("/chat/");
    expect(fakes.lastRequest("openai")?.body).toMatchObject({ prompt: "Once upon a time" });
  });

  it("an Azure OpenAI chat template", async () => {
    await publishThroughApiV1({
      prompt_name: "no-api-type-azure",
      prompt_template: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Hi {name}" }] }] },
      metadata: { model: { provider: "openai.azure", name: "my-gpt-4o-deployment", parameters: {} } },
    });
    fakes.queue("azure", { text: "Hi from Azure" });
    // The AzureOpenAI client refuses OPENAI_BASE_URL next to an endpoint.
    delete process.env.OPENAI_BASE_URL;
    let result: Answer;
    try {
      result = (await pl.run({ promptName: "no-api-type-azure", inputVariables: { name: "Ada" } })) as Answer;
    } finally {
      process.env.OPENAI_BASE_URL = fakes.env.OPENAI_BASE_URL;
    }
    expect(result.prompt_blueprint.prompt_template.messages?.at(-1)?.content.at(-1)?.text).toBe("Hi from Azure");
    expect(fakes.lastRequest("azure")?.path).toContain("/chat/completions");
  });
});
