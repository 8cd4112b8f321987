import { ProviderError, type ModelSettings } from "@promptline/core";
import { describe, expect, it } from "vitest";
import { ProviderAbortError } from "../transport/provider-abort-error.js";
import { fallbackTargets, isFallbackError } from "./fallbacks.js";

const primary = (fallbacks?: unknown) => ({ provider: "openai", name: "gpt-4o", parameters: {}, ...(fallbacks !== undefined && { fallbacks }) }) as unknown as ModelSettings;

describe("fallbackTargets", () => {
  it("takes run()'s list over the template's; [] turns the template's off", () => {
    const template = primary([{ provider: "anthropic", name: "claude", parameters: { max_tokens: 5 } }]);
    expect(fallbackTargets(undefined, template)).toEqual([{ provider: "anthropic", model: "claude", parameters: { max_tokens: 5 } }]);
    expect(fallbackTargets([{ provider: "mistral", model: "small" }], template)).toEqual([{ provider: "mistral", model: "small", parameters: undefined }]);
    expect(fallbackTargets([], template)).toEqual([]);
  });

  it("no chain anywhere: no targets; a template entry's null parameters become undefined", () => {
    expect(fallbackTargets(undefined, primary())).toEqual([]);
    expect(fallbackTargets(undefined, primary([{ provider: "a", name: "b", parameters: null }]))).toEqual([{ provider: "a", model: "b", parameters: undefined }]);
  });
});

describe("isFallbackError", () => {
  const error = (status: number | undefined, isRetryable?: boolean) => new ProviderError({ provider: "openai", providerMessage: "x", ...(status !== undefined && { status }), ...(isRetryable !== undefined && { isRetryable }) });

  it.each([408, 429, 500, 503, 529])("falls back on %i", (status) => {
    expect(isFallbackError(error(status))).toBe(true);
  });

  it("falls back on a retryable error without status (timeout, connection, broken stream)", () => {
    expect(isFallbackError(error(undefined, true))).toBe(true);
  });

  it.each([400, 401, 403, 404, 422])("never on the caller's mistake %i", (status) => {
    expect(isFallbackError(error(status))).toBe(false);
  });

  it("never on a 409 (retried, but another provider would not help), a cancel, a non-retryable error or a plain Error", () => {
    expect(isFallbackError(error(409))).toBe(false);
    expect(isFallbackError(new ProviderAbortError("openai"))).toBe(false);
    expect(isFallbackError(error(500, false))).toBe(false);
    expect(isFallbackError(new Error("boom"))).toBe(false);
  });
});
