import { describe, expect, it } from "vitest";
import { priceFor, priceTable } from "./price-for.js";

describe("priceFor", () => {
  it.each([
    ["openai", "gpt-4o-mini-2024-07-18", "openai", "gpt-4o-mini"],
    ["openai", "gpt-4o-2024-05-13", "openai", "gpt-4o-2024-05-13"],
    ["openai", "gpt-4o-2024-08-06", "openai", "gpt-4o"],
    ["openai", "GPT-4o", "openai", "gpt-4o"],
    ["openai", "o3-mini-2025-01-31", "openai", "o3-mini"],
    ["openai", "gpt-5-nano-2025-08-07", "openai", "gpt-5-nano"],
    ["openai.azure", "gpt-4.1", "openai", "gpt-4.1"],
    ["anthropic", "claude-sonnet-4-20250514", "anthropic", "claude-sonnet-4"],
    ["anthropic", "claude-opus-4-1-20250805", "anthropic", "claude-opus-4-1"],
    ["anthropic", "claude-3-5-haiku-latest", "anthropic", "claude-3-5-haiku"],
    ["google", "models/gemini-2.0-flash-001", "google", "gemini-2.0-flash"],
    ["google", "gemini-2.5-flash-lite-preview-09-2025", "google", "gemini-2.5-flash-lite"],
    ["vertexai", "gemini-2.5-pro", "google", "gemini-2.5-pro"],
    ["vertexai", "claude-sonnet-4@20250514", "anthropic", "claude-sonnet-4"],
    ["mistral", "mistral-large-2411", "mistral", "mistral-large"],
    ["amazon.bedrock", "us.anthropic.claude-3-5-haiku-20241022-v1:0", "amazon.bedrock", "anthropic.claude-3-5-haiku"],
    ["amazon.bedrock", "amazon.nova-pro-v1:0", "amazon.bedrock", "amazon.nova-pro"],
    ["openrouter", "openai/gpt-4o-mini", "openai", "gpt-4o-mini"],
    ["openrouter", "anthropic/claude-sonnet-4.5", "anthropic", "claude-sonnet-4-5"],
    ["openrouter", "google/gemini-2.5-flash", "google", "gemini-2.5-flash"],
    ["openrouter", "mistralai/mistral-large-2411", "mistral", "mistral-large"],
  ])("%s %s → %s %s", (provider, model, tableProvider, entry) => {
    expect(priceFor(provider, model)).toMatchObject({ provider: tableProvider, model: entry });
  });

  it.each([
    ["openai", "gpt-4.5-preview"],
    ["openai", "gpt-4o-mini-tts"],
    ["openai.azure", "my-deployment"],
    ["google", "gemini-2.5-flash-image-preview"],
    ["huggingface", "gpt-4o"],
    ["openrouter", "meta-llama/llama-3.3-70b-instruct"],
    ["openrouter", "openai/gpt-4o:free"],
    ["openrouter", "gpt-4o"],
  ])("has no price for %s %s", (provider, model) => {
    expect(priceFor(provider, model)).toBeNull();
  });

  it("returns the table's numbers", () => {
    expect(priceFor("openai", "gpt-4o")).toEqual({ provider: "openai", model: "gpt-4o", ...priceTable.providers.openai?.["gpt-4o"] });
  });
});

describe("the price table (providers/<id>/models.ts)", () => {
  it("says where its numbers come from", () => {
    expect(priceTable.source.length).toBeGreaterThan(20);
    expect(priceTable.as_of).toMatch(/^\d{4}-\d{2}/);
  });

  it("never prices cached input above input", () => {
    for (const models of Object.values(priceTable.providers)) {
      for (const price of Object.values(models)) {
        if (price?.cached_input !== undefined) expect(price.cached_input).toBeLessThanOrEqual(price.input);
      }
    }
  });

  it("covers the providers and current models", () => {
    for (const [provider, model] of [
      ["openai", "gpt-4o"],
      ["openai", "gpt-4.1-mini"],
      ["openai", "gpt-5"],
      ["openai", "o4-mini"],
      ["anthropic", "claude-opus-4-20250514"],
      ["anthropic", "claude-3-7-sonnet-20250219"],
      ["google", "gemini-2.5-flash"],
      ["mistral", "mistral-medium-latest"],
      ["amazon.bedrock", "anthropic.claude-sonnet-4-20250514-v1:0"],
    ] as const) {
      expect(priceFor(provider, model), `${provider} ${model}`).not.toBeNull();
    }
  });
});
