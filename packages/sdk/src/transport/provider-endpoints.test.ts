import { createHash, createHmac } from "node:crypto";
import { inspect } from "node:util";
import { MissingProviderKeyError, UnsupportedProviderError } from "@promptline/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendJson, startLocalServer, type LocalServer } from "./__fixtures__/local-server.js";
import { defaultAzureApiVersion, rememberingEndpointResolver, resolveProviderEndpoint, type ProviderEnv } from "./provider-endpoints.js";
import { sendProviderRequest } from "./provider-fetch.js";
import { redactHeaders } from "./secret-redaction.js";

let server: LocalServer;
beforeAll(async () => {
  server = await startLocalServer((_request, response) => sendJson(response, 200, { ok: true }));
});
afterAll(() => server.close());

/** Sends one request through the endpoint and returns what the server received. */
async function received(provider: string, env: ProviderEnv, path: string, body: unknown = { model: "m" }, baseURL?: string) {
  const before = server.requests.length;
  const endpoint = resolveProviderEndpoint(provider, env, { baseURL });
  await sendProviderRequest({ endpoint, path, body, stream: false, maxRetries: 0 });
  expect(server.requests.length).toBe(before + 1);
  return server.requests[before]!;
}

describe("resolveProviderEndpoint: URLs and auth headers, as received by a server", () => {
  it("openai: Bearer key, optional organization and project, OPENAI_BASE_URL", async () => {
    const request = await received(
      "openai",
      { OPENAI_API_KEY: "sk-openai-test", OPENAI_BASE_URL: `${server.baseURL}/v1/`, OPENAI_ORG_ID: "org-1", OPENAI_PROJECT_ID: "proj-1" },
      "/chat/completions",
    );
    expect(request.method).toBe("POST");
    expect(request.url).toBe("/v1/chat/completions");
    expect(request.headers).toMatchObject({
      authorization: "Bearer sk-openai-test",
      "openai-organization": "org-1",
      "openai-project": "proj-1",
      "content-type": "application/json",
    });
    expect(JSON.parse(request.body)).toEqual({ model: "m" });
  });

  it("openai: the template's base URL (an OpenAI-compatible endpoint, allow-listed) wins over OPENAI_BASE_URL", async () => {
    const env = { OPENAI_API_KEY: "sk-x", OPENAI_BASE_URL: "http://127.0.0.1:1/unused", PROMPTLINE_ALLOWED_BASE_URLS: server.baseURL };
    const request = await received("openai", env, "/chat/completions", {}, `${server.baseURL}/compat/v1`);
    expect(request.url).toBe("/compat/v1/chat/completions");
  });

  it("openai.azure: api-key header, the codec's /openai/… path under the resource, api-version", async () => {
    const env = { AZURE_OPENAI_API_KEY: "azure-key-test", AZURE_OPENAI_ENDPOINT: `${server.baseURL}/` };
    const chat = await received("openai.azure", env, "/openai/deployments/my%20deployment/chat/completions", { model: "my deployment" });
    expect(chat.url).toBe(`/openai/deployments/my%20deployment/chat/completions?api-version=${defaultAzureApiVersion}`);
    expect(chat.headers["api-key"]).toBe("azure-key-test");
    expect(chat.headers.authorization).toBeUndefined();

    const responses = await received("openai.azure", { ...env, OPENAI_API_VERSION: "2025-04-01-preview" }, "/openai/responses", { model: "gpt" });
    expect(responses.url).toBe("/openai/responses?api-version=2025-04-01-preview");

    // An endpoint given with its /openai suffix is the same resource.
    const suffixed = await received("openai.azure", { ...env, AZURE_OPENAI_ENDPOINT: `${server.baseURL}/openai` }, "/openai/responses", {});
    expect(suffixed.url).toBe(`/openai/responses?api-version=${defaultAzureApiVersion}`);
  });

  it("openai.azure: an endpoint ending in /openai/v1 uses the v1 API (model in the body, no api-version)", async () => {
    const env = { AZURE_OPENAI_API_KEY: "azure-key-test", AZURE_OPENAI_ENDPOINT: `${server.baseURL}/openai/v1` };
    const chat = await received("openai.azure", env, "/openai/deployments/gpt-4o/chat/completions", { model: "gpt-4o" });
    expect(chat.url).toBe("/openai/v1/chat/completions");
    const responses = await received("openai.azure", env, "/openai/responses", { model: "gpt-4o" });
    expect(responses.url).toBe("/openai/v1/responses");
  });

  it("anthropic: x-api-key, anthropic-version, /v1 appended to ANTHROPIC_BASE_URL (once)", async () => {
    const request = await received("anthropic", { ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: server.baseURL }, "/messages");
    expect(request.url).toBe("/v1/messages");
    expect(request.headers).toMatchObject({ "x-api-key": "sk-ant-test", "anthropic-version": "2023-06-01" });
    const already = await received("anthropic", { ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: `${server.baseURL}/v1/` }, "/messages");
    expect(already.url).toBe("/v1/messages");
  });

  it("google: the key in x-goog-api-key (never in the URL), GOOGLE_API_KEY before GEMINI_API_KEY", async () => {
    const path = "/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
    const request = await received("google", { GOOGLE_API_KEY: "g-key", GEMINI_API_KEY: "gemini-key", GOOGLE_GEMINI_BASE_URL: server.baseURL }, path, {});
    expect(request.url).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
    expect(request.headers["x-goog-api-key"]).toBe("g-key");
    expect(request.url).not.toContain("key=");
    const gemini = await received("google", { GEMINI_API_KEY: "gemini-key", GOOGLE_GEMINI_BASE_URL: server.baseURL }, path, {});
    expect(gemini.headers["x-goog-api-key"]).toBe("gemini-key");
  });

  it("mistral: Bearer key, /v1 appended to MISTRAL_BASE_URL", async () => {
    const request = await received("mistral", { MISTRAL_API_KEY: "mistral-test", MISTRAL_BASE_URL: server.baseURL }, "/chat/completions");
    expect(request.url).toBe("/v1/chat/completions");
    expect(request.headers.authorization).toBe("Bearer mistral-test");
  });

  it("openrouter: Bearer OPENROUTER_API_KEY, OPENROUTER_BASE_URL, optional attribution headers", async () => {
    const request = await received(
      "openrouter",
      { OPENROUTER_API_KEY: "sk-or-test", OPENROUTER_BASE_URL: `${server.baseURL}/api/v1/`, OPENROUTER_SITE_URL: "https://app.example", OPENROUTER_APP_NAME: "Example" },
      "/chat/completions",
    );
    expect(request.url).toBe("/api/v1/chat/completions");
    expect(request.headers).toMatchObject({ authorization: "Bearer sk-or-test", "http-referer": "https://app.example", "x-title": "Example" });
    const plain = await received("openrouter", { OPENROUTER_API_KEY: "sk-or-test", OPENROUTER_BASE_URL: `${server.baseURL}/api/v1` }, "/chat/completions");
    expect(plain.headers["http-referer"]).toBeUndefined();
    expect(plain.headers["x-title"]).toBeUndefined();
    expect(resolveProviderEndpoint("openrouter", { OPENROUTER_API_KEY: "k", OPENAI_BASE_URL: "http://127.0.0.1:1" }).baseURL).toBe("https://openrouter.ai/api/v1");
  });

  it("api_key_env: an OpenAI-compatible base URL gets the key of its own variable, never OPENAI_API_KEY", async () => {
    const env = { OPENAI_API_KEY: "sk-openai-must-not-leak", TOGETHER_API_KEY: "together-key", PROMPTLINE_ALLOWED_BASE_URLS: `${server.baseURL},https://router.example,https://compat.example` };
    const request = await received("openai", env, "/chat/completions", {}, `${server.baseURL}/together/v1`);
    expect(request.headers.authorization).toBe("Bearer sk-openai-must-not-leak");
    const before = server.requests.length;
    const endpoint = resolveProviderEndpoint("openai", env, { baseURL: `${server.baseURL}/together/v1`, apiKeyEnv: "TOGETHER_API_KEY" });
    await sendProviderRequest({ endpoint, path: "/chat/completions", body: {}, stream: false, maxRetries: 0 });
    expect(server.requests[before]!.headers.authorization).toBe("Bearer together-key");
    expect(JSON.stringify(server.requests[before])).not.toContain("sk-openai-must-not-leak");
    expect(resolveProviderEndpoint("openrouter", { ...env, MY_ROUTER_API_KEY: "r" }, { baseURL: "https://router.example/v1", apiKeyEnv: "MY_ROUTER_API_KEY" }).headers.authorization).toBe("Bearer r");
  });

  it("api_key_env: a name not ending in _API_KEY, another provider or no base URL is a template error; a missing variable is named", () => {
    const env = { AWS_SECRET_ACCESS_KEY: "secret", DATABASE_URL: "postgres://x", X_API_KEY: "x", PROMPTLINE_ALLOWED_BASE_URLS: "https://compat.example" };
    for (const name of ["AWS_SECRET_ACCESS_KEY", "DATABASE_URL", "together_api_key", "API_KEY", "X_API_KEY_2"]) {
      expect(() => resolveProviderEndpoint("openai", env, { baseURL: "https://compat.example/v1", apiKeyEnv: name })).toThrow(
        expect.objectContaining({ code: "invalid_template", message: expect.stringContaining("_API_KEY") }),
      );
    }
    expect(() => resolveProviderEndpoint("anthropic", env, { baseURL: "https://compat.example", apiKeyEnv: "X_API_KEY" })).toThrow(/OpenAI-compatible/);
    expect(() => resolveProviderEndpoint("openai", env, { apiKeyEnv: "X_API_KEY" })).toThrow(/needs metadata.model.base_url/);
    const missing = (() => {
      try {
        resolveProviderEndpoint("openai", env, { baseURL: "https://compat.example/v1", apiKeyEnv: "TOGETHER_API_KEY" });
      } catch (error) {
        return error;
      }
    })();
    expect(missing).toBeInstanceOf(MissingProviderKeyError);
    expect((missing as MissingProviderKeyError).envVars).toEqual(["TOGETHER_API_KEY"]);
  });

  it("amazon.bedrock: a SigV4 signature that the server can verify independently", async () => {
    const now = new Date("2026-01-02T03:04:05Z");
    const env = {
      AWS_ACCESS_KEY_ID: "AKIDTEST",
      AWS_SECRET_ACCESS_KEY: "secret-access-key-test",
      AWS_SESSION_TOKEN: "session-token-test",
      AWS_REGION: "eu-central-1",
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: server.baseURL,
    };
    const before = server.requests.length;
    const endpoint = resolveProviderEndpoint("amazon.bedrock", env, { now: () => now });
    await sendProviderRequest({ endpoint, path: "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse", body: { messages: [] }, stream: false });
    const request = server.requests[before]!;
    expect(request.url).toBe("/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse");
    expect(request.headers["x-amz-date"]).toBe("20260102T030405Z");
    expect(request.headers["x-amz-security-token"]).toBe("session-token-test");

    // Verify as the service would: rebuild the canonical request from what arrived.
    const authorization = String(request.headers.authorization);
    const match = /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/20260102\/eu-central-1\/bedrock\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(authorization);
    expect(match).not.toBeNull();
    const signedHeaders = match![1]!.split(";");
    expect(signedHeaders).toEqual(expect.arrayContaining(["content-type", "host", "x-amz-date", "x-amz-security-token"]));
    const canonicalRequest = [
      "POST",
      request.url.split("/").map((segment) => encodeURIComponent(segment)).join("/"),
      "",
      ...signedHeaders.map((name) => `${name}:${String(request.headers[name]).trim()}`),
      "",
      signedHeaders.join(";"),
      createHash("sha256").update(request.body).digest("hex"),
    ].join("\n");
    const stringToSign = ["AWS4-HMAC-SHA256", "20260102T030405Z", "20260102/eu-central-1/bedrock/aws4_request", createHash("sha256").update(canonicalRequest).digest("hex")].join("\n");
    let key = createHmac("sha256", "AWS4secret-access-key-test").update("20260102").digest();
    for (const part of ["eu-central-1", "bedrock", "aws4_request"]) key = createHmac("sha256", key).update(part).digest();
    expect(match![2]).toBe(createHmac("sha256", key).update(stringToSign).digest("hex"));
  });

  it("amazon.bedrock: a Bedrock API key is sent as a Bearer token instead", async () => {
    const request = await received("amazon.bedrock", { AWS_BEARER_TOKEN_BEDROCK: "bedrock-api-key", AWS_ENDPOINT_URL: server.baseURL }, "/model/m/converse", {});
    expect(request.headers.authorization).toBe("Bearer bedrock-api-key");
  });
});

describe("resolveProviderEndpoint: defaults", () => {
  it.each([
    ["openai", { OPENAI_API_KEY: "k" }, "https://api.openai.com/v1"],
    ["openai.azure", { AZURE_OPENAI_API_KEY: "k", AZURE_OPENAI_ENDPOINT: "https://res.openai.azure.com/" }, "https://res.openai.azure.com"],
    ["anthropic", { ANTHROPIC_API_KEY: "k" }, "https://api.anthropic.com/v1"],
    ["google", { GEMINI_API_KEY: "k" }, "https://generativelanguage.googleapis.com/v1beta"],
    ["mistral", { MISTRAL_API_KEY: "k" }, "https://api.mistral.ai/v1"],
    ["amazon.bedrock", { AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "s" }, "https://bedrock-runtime.us-east-1.amazonaws.com"],
    ["amazon.bedrock", { AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "s", AWS_DEFAULT_REGION: "ap-south-1" }, "https://bedrock-runtime.ap-south-1.amazonaws.com"],
    ["amazon.bedrock", { AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "s", AWS_REGION: "eu-west-3", AWS_DEFAULT_REGION: "ap-south-1" }, "https://bedrock-runtime.eu-west-3.amazonaws.com"],
  ])("%s with %j → %s", (provider, env, baseURL) => {
    expect(resolveProviderEndpoint(provider, env).baseURL).toBe(baseURL);
  });

  it("azure defaults api-version to the documented GA version", () => {
    expect(resolveProviderEndpoint("openai.azure", { AZURE_OPENAI_API_KEY: "k", AZURE_OPENAI_ENDPOINT: "https://r.openai.azure.com" }).query).toEqual({
      "api-version": "2024-10-21",
    });
  });
});

describe("resolveProviderEndpoint: missing settings fail before any request", () => {
  it.each([
    ["openai", {}, ["OPENAI_API_KEY"]],
    ["openai", { OPENAI_API_KEY: "  " }, ["OPENAI_API_KEY"]],
    ["openai.azure", { AZURE_OPENAI_ENDPOINT: "https://r.openai.azure.com" }, ["AZURE_OPENAI_API_KEY"]],
    ["openai.azure", { AZURE_OPENAI_API_KEY: "k" }, ["AZURE_OPENAI_ENDPOINT"]],
    ["anthropic", { OPENAI_API_KEY: "k" }, ["ANTHROPIC_API_KEY"]],
    ["google", {}, ["GOOGLE_API_KEY", "GEMINI_API_KEY"]],
    ["mistral", {}, ["MISTRAL_API_KEY"]],
    ["openrouter", { OPENAI_API_KEY: "k" }, ["OPENROUTER_API_KEY"]],
    ["anthropic.bedrock", { ANTHROPIC_API_KEY: "k" }, ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]],
    ["amazon.bedrock", {}, ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]],
    ["amazon.bedrock", { AWS_ACCESS_KEY_ID: "a" }, ["AWS_SECRET_ACCESS_KEY"]],
  ])("%s with %j names %j", async (provider, env, envVars) => {
    const before = server.requests.length;
    const attempt = async () => {
      const endpoint = resolveProviderEndpoint(provider, { ...env, OPENAI_BASE_URL: server.baseURL });
      return sendProviderRequest({ endpoint, path: "/x", body: {}, stream: false });
    };
    const error = await attempt().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MissingProviderKeyError);
    expect((error as MissingProviderKeyError).envVars).toEqual(envVars);
    for (const name of envVars) expect((error as Error).message).toContain(name);
    expect(server.requests.length).toBe(before);
  });

  it("rejects an unknown provider", () => {
    expect(() => resolveProviderEndpoint("cohere", {})).toThrow(UnsupportedProviderError);
  });
});

describe("credentials stay out of logs", () => {
  const key = "sk-very-secret-value-123";

  it("redactHeaders hides credentials and keeps the rest", () => {
    expect(redactHeaders({ authorization: `Bearer ${key}`, "x-api-key": key, "x-goog-api-key": key, "api-key": key, "anthropic-version": "2023-06-01" })).toEqual({
      authorization: "Bearer [redacted]",
      "x-api-key": "[redacted]",
      "x-goog-api-key": "[redacted]",
      "api-key": "[redacted]",
      "anthropic-version": "2023-06-01",
    });
  });

  it("an endpoint prints and serialises with its headers redacted", () => {
    for (const [provider, env] of [
      ["openai", { OPENAI_API_KEY: key }],
      ["anthropic", { ANTHROPIC_API_KEY: key }],
      ["amazon.bedrock", { AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: key, AWS_SESSION_TOKEN: `${key}-token` }],
    ] as const) {
      const endpoint = resolveProviderEndpoint(provider, env);
      expect(JSON.stringify(endpoint)).not.toContain(key);
      expect(inspect(endpoint, { depth: 5 })).not.toContain(key);
      expect(JSON.stringify(endpoint)).toContain(endpoint.baseURL);
    }
  });
});

describe("rememberingEndpointResolver", () => {
  it("reuses an endpoint while the variables it read are unchanged, and sees a changed one on the next run", () => {
    const env: Record<string, string | undefined> = { OPENAI_API_KEY: "sk-one", OPENAI_BASE_URL: "https://gateway.example/v1" };
    const resolve = rememberingEndpointResolver(env);
    const first = resolve({ provider: "openai" });
    expect(resolve({ provider: "openai" })).toBe(first);
    env.OPENAI_API_KEY = "sk-two";
    const second = resolve({ provider: "openai" });
    expect(second).not.toBe(first);
    expect(second.headers.authorization).toBe("Bearer sk-two");
    env.OPENAI_BASE_URL = undefined;
    expect(resolve({ provider: "openai" }).baseURL).toBe("https://api.openai.com/v1");
  });

  it("keys by base URL and api_key_env, checks trust on every miss, and never remembers a failure", () => {
    const env: Record<string, string | undefined> = { OPENAI_API_KEY: "sk-one", TOGETHER_API_KEY: "tg-1" };
    const resolve = rememberingEndpointResolver(env, { trust: { allowedBaseURLs: ["https://api.together.xyz"] } });
    const together = resolve({ provider: "openai", baseURL: "https://api.together.xyz/v1", apiKeyEnv: "TOGETHER_API_KEY" });
    expect(together.headers.authorization).toBe("Bearer tg-1");
    expect(resolve({ provider: "openai" }).headers.authorization).toBe("Bearer sk-one");
    expect(() => resolve({ provider: "openai", baseURL: "https://elsewhere.example/v1" })).toThrow(/elsewhere/);
    expect(() => resolve({ provider: "anthropic" })).toThrow(MissingProviderKeyError);
    env.ANTHROPIC_API_KEY = "ak-1";
    expect(resolve({ provider: "anthropic" }).headers["x-api-key"]).toBe("ak-1");
    env.PROMPTLINE_ALLOWED_BASE_URLS = "https://elsewhere.example";
    expect(resolve({ provider: "openai", baseURL: "https://elsewhere.example/v1" }).baseURL).toBe("https://elsewhere.example/v1");
    env.PROMPTLINE_ALLOWED_BASE_URLS = undefined;
    expect(() => resolve({ provider: "openai", baseURL: "https://elsewhere.example/v1" })).toThrow(/elsewhere/);
  });
});
