import { InvalidRequestError, UntrustedBaseURLError } from "@promptline/core";
import { describe, expect, it } from "vitest";
import { resolveProviderEndpoint } from "./provider-endpoints.js";
import { assertTrustedBaseURL, isTrustedOrigin } from "./trusted-base-urls.js";

describe("isTrustedOrigin", () => {
  it.each([
    ["openai", "https://api.openai.com"],
    ["anthropic", "https://api.anthropic.com"],
    ["google", "https://generativelanguage.googleapis.com"],
    ["mistral", "https://api.mistral.ai"],
    ["openrouter", "https://openrouter.ai"],
    ["amazon.bedrock", "https://bedrock-runtime.eu-west-1.amazonaws.com"],
    ["amazon.bedrock", "https://bedrock-runtime-fips.us-east-1.amazonaws.com"],
    ["anthropic.bedrock", "https://bedrock-runtime.us-west-2.amazonaws.com"],
  ])("%s trusts its official endpoint %s", (provider, origin) => {
    expect(isTrustedOrigin(provider, origin, {})).toBe(true);
  });

  it.each([
    ["openai", "http://api.openai.com"],
    ["openai", "https://api.openai.com.evil.example"],
    ["openai", "https://api.anthropic.com"],
    ["anthropic", "https://api.openai.com"],
    ["amazon.bedrock", "https://bedrock-runtime.eu-west-1.amazonaws.com.evil.example"],
    ["amazon.bedrock", "https://s3.amazonaws.com"],
    ["openai.azure", "https://attacker.openai.azure.com"],
    ["openrouter", "https://collector.example"],
    ["vertexai", "https://collector.example"],
  ])("%s does not trust %s", (provider, origin) => {
    expect(isTrustedOrigin(provider, origin, {})).toBe(false);
  });

  it("trusts the origins of the provider's own base URL variables, and only for that provider", () => {
    const env = { OPENAI_BASE_URL: "https://gateway.example/openai/v1", AWS_ENDPOINT_URL: "http://localhost:4566" };
    expect(isTrustedOrigin("openai", "https://gateway.example", env)).toBe(true);
    expect(isTrustedOrigin("anthropic", "https://gateway.example", env)).toBe(false);
    expect(isTrustedOrigin("amazon.bedrock", "http://localhost:4566", env)).toBe(true);
    expect(isTrustedOrigin("openai.azure", "https://r.openai.azure.com", { AZURE_OPENAI_ENDPOINT: "https://r.openai.azure.com/" })).toBe(true);
  });

  it("trusts code-configured base URLs and allow-listed origins (code and PROMPTLINE_ALLOWED_BASE_URLS) for every provider", () => {
    expect(isTrustedOrigin("mistral", "https://a.example", {}, { trustedBaseURLs: ["https://a.example/v1"] })).toBe(true);
    expect(isTrustedOrigin("mistral", "https://b.example", {}, { allowedBaseURLs: ["https://b.example"] })).toBe(true);
    expect(isTrustedOrigin("google", "https://c.example:8443", { PROMPTLINE_ALLOWED_BASE_URLS: " https://x.example ,https://c.example:8443/ " })).toBe(true);
    expect(isTrustedOrigin("google", "https://c.example", { PROMPTLINE_ALLOWED_BASE_URLS: "https://c.example:8443" })).toBe(false);
  });

  it("rejects an allow list entry that is not an http(s) origin", () => {
    expect(() => isTrustedOrigin("openai", "https://x.example", {}, { allowedBaseURLs: ["x.example"] })).toThrow(InvalidRequestError);
    expect(() => isTrustedOrigin("openai", "https://x.example", { PROMPTLINE_ALLOWED_BASE_URLS: "javascript:alert(1)" })).toThrow(/PROMPTLINE_ALLOWED_BASE_URLS/);
  });
});

describe("assertTrustedBaseURL", () => {
  it("names the origin, the provider's variable and both ways to allow it", () => {
    const error = (() => {
      try {
        assertTrustedBaseURL("anthropic", "http://127.0.0.1:8799/v1/", {});
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(UntrustedBaseURLError);
    expect(error).toMatchObject({ code: "untrusted_base_url", provider: "anthropic", origin: "http://127.0.0.1:8799" });
    expect((error as Error).message).toMatch(/http:\/\/127\.0\.0\.1:8799.*allowedBaseURLs.*PROMPTLINE_ALLOWED_BASE_URLS.*ANTHROPIC_BASE_URL/);
  });

  it("refuses a base URL that is not an http(s) URL", () => {
    expect(() => assertTrustedBaseURL("openai", "file:///etc/passwd", {})).toThrow(UntrustedBaseURLError);
    expect(() => assertTrustedBaseURL("openai", "not a url", {})).toThrow(UntrustedBaseURLError);
  });
});

describe("resolveProviderEndpoint applies the rule to a template's base URL", () => {
  const keys = {
    OPENAI_API_KEY: "sk-o",
    AZURE_OPENAI_API_KEY: "az",
    ANTHROPIC_API_KEY: "sk-a",
    GOOGLE_API_KEY: "g",
    MISTRAL_API_KEY: "m",
    OPENROUTER_API_KEY: "or",
    AWS_ACCESS_KEY_ID: "AKID",
    AWS_SECRET_ACCESS_KEY: "secret",
  };

  it.each(["openai", "openai.azure", "anthropic", "google", "mistral", "amazon.bedrock", "anthropic.bedrock", "openrouter"])("%s: an untrusted template base URL throws", (provider) => {
    expect(() => resolveProviderEndpoint(provider, keys, { baseURL: "https://collector.example/v1" })).toThrow(UntrustedBaseURLError);
    expect(resolveProviderEndpoint(provider, keys, { baseURL: "https://collector.example/v1", trust: { allowedBaseURLs: ["https://collector.example"] } }).baseURL).toMatch(
      /^https:\/\/collector\.example/,
    );
  });

  it("Azure's AZURE_OPENAI_ENDPOINT wins over a template's base URL, which is then not followed (nor refused)", () => {
    const endpoint = resolveProviderEndpoint("openai.azure", { ...keys, AZURE_OPENAI_ENDPOINT: "https://r.openai.azure.com" }, { baseURL: "https://collector.example" });
    expect(endpoint.baseURL).toBe("https://r.openai.azure.com");
  });

  it("checks the base URL before the key: the error is the same with no key set", () => {
    expect(() => resolveProviderEndpoint("openai", {}, { baseURL: "https://collector.example" })).toThrow(UntrustedBaseURLError);
  });
});
