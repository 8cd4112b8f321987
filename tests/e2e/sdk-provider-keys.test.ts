/**
 * An OpenAI-compatible endpoint with a key of its own (`metadata.model.api_key_env`),
 * end to end: the registry validates the name, the SDK sends that variable's
 * key (and never OPENAI_API_KEY) to the template's base URL.
 */
import { startServer, type RunningServer } from "@promptline/server";
import { startFakeProviders, type FakeProviders } from "@promptline/testkit";
import { InvalidTemplateError, MissingProviderKeyError, Promptline } from "promptline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textTemplate } from "./sdk-harness.js";

const apiKey = "pl_test_key_provider_keys_0123456789";
const compatKey = "together-key-0123456789";
let fakes: FakeProviders;
let server: RunningServer;
let client: Promptline;

beforeAll(async () => {
  // The fake accepts only the compatible endpoint's own key.
  fakes = await startFakeProviders({ apiKeys: { openai: compatKey } });
  server = await startServer({ database: "sqlite::memory:", port: 0, apiKey });
  const { OPENAI_BASE_URL: _unused, ...env } = fakes.env;
  client = new Promptline({ apiKey, baseURL: server.url, env: { ...env, OPENAI_API_KEY: "sk-openai-key-not-for-together", TOGETHER_API_KEY: compatKey },
    // With OPENAI_BASE_URL gone, the template's base_url is trusted only once allowed.
    allowedBaseURLs: [fakes.url],
    flushOnExit: false,
  });
});
afterAll(async () => {
  await client?.close({ timeoutMs: 200 });
  await server?.close();
  await fakes?.close();
});

const compatModel = (apiKeyEnv: string) => ({ provider: "openai", name: "meta-llama/Llama-3-70b", base_url: fakes.baseURLs.openai, api_key_env: apiKeyEnv, parameters: { temperature: 0.2 } });

describe("api_key_env", () => {
  it("sends the named variable's key to the template's base URL, plain and streamed", async () => {
    await client.templates.publish({ prompt_name: "compat", prompt_template: textTemplate("Hi"), metadata: { model: compatModel("TOGETHER_API_KEY") } });
    const result = await client.run({ promptName: "compat" });
    expect(fakes.lastRequest("openai")?.headers.authorization).toBe(`Bearer ${compatKey}`);
    const chunks = [];
    for await (const chunk of await client.run({ promptName: "compat", stream: true })) chunks.push(chunk);
    expect(chunks.at(-1)?.done).toBe(true);
    expect(fakes.lastRequest("openai")?.headers.authorization).toBe(`Bearer ${compatKey}`);
    await client.flush();
    const stored = (await (await fetch(`${server.url}/api/v1/requests/${result.request_id}`, { headers: { "x-api-key": apiKey } })).json()) as Record<string, unknown>;
    expect(stored).toMatchObject({ status: "SUCCESS", provider: "openai" });
    expect(JSON.stringify(stored)).not.toContain(compatKey);
  });

  it("a missing variable is named, and nothing is sent", async () => {
    await client.templates.publish({ prompt_name: "compat-missing", prompt_template: textTemplate("Hi"), metadata: { model: compatModel("FIREWORKS_API_KEY") } });
    const before = fakes.requests.length;
    const error = await client.run({ promptName: "compat-missing" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MissingProviderKeyError);
    expect((error as Error).message).toContain("FIREWORKS_API_KEY");
    expect(fakes.requests.length).toBe(before);
  });

  it("the registry refuses a name that is not an API key variable (400), and so does the SDK for a fallback prompt", async () => {
    const response = await fetch(`${server.url}/rest/prompt-templates`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": apiKey },
      body: JSON.stringify({ prompt_template: { prompt_name: "leak", prompt_template: textTemplate("Hi"), metadata: { model: compatModel("AWS_SECRET_ACCESS_KEY") } } }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("_API_KEY");
    expect(
      () =>
        new Promptline({
          apiKey,
          baseURL: server.url,
          flushOnExit: false,
          fallbackPrompts: [{ prompt_name: "leak", prompt_template: textTemplate("Hi"), metadata: { model: compatModel("DATABASE_URL") } }],
        }),
    ).toThrow(InvalidTemplateError);
  });
});
