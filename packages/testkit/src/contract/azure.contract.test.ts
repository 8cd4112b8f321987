import OpenAI, { AzureOpenAI } from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeProviders } from "../index.js";
import { FAKE_AZURE_API_VERSION, startFakeProviders } from "../index.js";

let fakes: FakeProviders;
let azure: AzureOpenAI;
const KEY = "azure-test-key";

beforeAll(async () => {
  fakes = await startFakeProviders({ apiKeys: { azure: KEY } });
  azure = new AzureOpenAI({
    endpoint: fakes.baseURLs.azure,
    apiKey: KEY,
    apiVersion: FAKE_AZURE_API_VERSION,
    deployment: "my-gpt4o",
    maxRetries: 0,
  });
});
beforeEach(() => fakes.reset());
afterAll(() => fakes.close());

const user = (content: string) => [{ role: "user" as const, content }];

describe("Azure OpenAI", () => {
  it("serves chat completions on the deployment path with api-version and api-key", async () => {
    const completion = await azure.chat.completions.create({ model: "", messages: user("Bonjour") });
    expect(completion.choices[0]?.message.content).toBe("Echo: Bonjour");
    const request = fakes.lastRequest("azure");
    expect(request?.path).toBe("/openai/deployments/my-gpt4o/chat/completions");
    expect(request?.query["api-version"]).toBe(FAKE_AZURE_API_VERSION);
    expect(request?.headers["api-key"]).toBe(KEY);
    expect(request?.headers.authorization).toBeUndefined();
  });

  it("streams, opening with Azure's prompt filter chunk that has no choices", async () => {
    const stream = await azure.chat.completions.create({ model: "", messages: user("Hi"), stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.choices).toEqual([]);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe("Echo: Hi");
  });

  it("serves the Responses API under /openai/responses and /openai/v1", async () => {
    const client = new AzureOpenAI({ endpoint: fakes.baseURLs.azure, apiKey: KEY, apiVersion: "2025-04-01-preview", maxRetries: 0 });
    const response = await client.responses.create({ model: "my-gpt5", input: "Hello" });
    expect(response.output_text).toBe("Echo: Hello");
    expect(fakes.lastRequest("azure")?.path).toBe("/openai/responses");

    const v1 = new OpenAI({ baseURL: `${fakes.baseURLs.azure}/openai/v1`, apiKey: KEY, maxRetries: 0 });
    const viaV1 = await v1.chat.completions.create({ model: "my-gpt4o", messages: user("v1") });
    expect(viaV1.choices[0]?.message.content).toBe("Echo: v1");
  });

  it("answers Azure's own 401 and 404 bodies", async () => {
    const wrongKey = new AzureOpenAI({ endpoint: fakes.baseURLs.azure, apiKey: "nope", apiVersion: FAKE_AZURE_API_VERSION, deployment: "d", maxRetries: 0 });
    const unauthorized = wrongKey.chat.completions.create({ model: "", messages: user("x") });
    await expect(unauthorized).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(unauthorized).rejects.toMatchObject({ error: { code: "401" } });

    const response = await fetch(`${fakes.baseURLs.azure}/openai/deployments/d/chat/completions`, {
      method: "POST",
      headers: { "api-key": KEY, "content-type": "application/json" },
      body: JSON.stringify({ messages: user("no api-version") }),
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: "404", message: "Resource not found" } });
  });

  it("turns a queued 429 into RateLimitError", async () => {
    fakes.fault("azure", { status: 429, retryAfterSeconds: 1 });
    const failing = azure.chat.completions.create({ model: "", messages: user("x") });
    await expect(failing).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    await expect(failing.catch((error: InstanceType<typeof OpenAI.APIError>) => error.headers?.get("retry-after"))).resolves.toBe("1");
  });
});
