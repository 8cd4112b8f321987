import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Usage } from "../schemas/log-record.js";
import { costUsd } from "./cost-usd.js";
import { priceTable } from "./price-for.js";

describe("costUsd", () => {
  it("prices a call from the table's own numbers", () => {
    const price = priceTable.providers.openai?.["gpt-4o-mini"];
    if (!price) throw new Error("gpt-4o-mini missing from the price table");
    const expected = (1234 * price.input + 567 * price.output) / 1_000_000;
    expect(costUsd("openai", "gpt-4o-mini-2024-07-18", { input_tokens: 1234, output_tokens: 567 })).toBeCloseTo(expected, 9);
  });

  it.each<[string, string, Usage, number]>([
    // 1000 uncached × $2.50 + 200 cached × $1.25 + 300 output × $10, per million.
    ["openai", "gpt-4o", { input_tokens: 1200, output_tokens: 300, cached_input_tokens: 200 }, 0.00575],
    // 2000 × $3 + 1000 × $15, per million.
    ["anthropic", "claude-sonnet-4-20250514", { input_tokens: 2000, output_tokens: 1000 }, 0.021],
    // Vertex AI Claude is billed at Anthropic's price.
    ["vertexai", "claude-sonnet-4@20250514", { input_tokens: 2000, output_tokens: 1000 }, 0.021],
    // Reasoning tokens are part of the output: 10k × $1.25 + 5k × $10.
    ["openai.azure", "gpt-5", { input_tokens: 10_000, output_tokens: 5_000, reasoning_tokens: 4_000 }, 0.0625],
    ["amazon.bedrock", "us.amazon.nova-micro-v1:0", { input_tokens: 1, output_tokens: 0 }, 0.000000035],
  ])("%s %s", (provider, model, usage, expected) => {
    expect(costUsd(provider, model, usage)).toBe(expected);
  });

  it("bills cached input tokens at the cached price when there is one", () => {
    const uncached = costUsd("anthropic", "claude-haiku-4-5", { input_tokens: 10_000, output_tokens: 100 });
    const cached = costUsd("anthropic", "claude-haiku-4-5", { input_tokens: 10_000, output_tokens: 100, cached_input_tokens: 8_000 });
    expect(uncached).not.toBeNull();
    expect(cached).not.toBeNull();
    expect(cached as number).toBeLessThan(uncached as number);
    // Mistral lists no cache discount: cached tokens cost the input price.
    expect(costUsd("mistral", "mistral-small-latest", { input_tokens: 1000, output_tokens: 0, cached_input_tokens: 600 })).toBe(
      costUsd("mistral", "mistral-small-latest", { input_tokens: 1000, output_tokens: 0 }),
    );
    // More cached tokens than input tokens can't make the call cheaper than all-cached.
    expect(costUsd("openai", "gpt-4o", { input_tokens: 100, output_tokens: 0, cached_input_tokens: 500 })).toBe(0.000125);
  });

  it.each([
    ["openai", "gpt-4.5-preview"],
    ["openai.azure", "prod-chat-deployment"],
    ["openai", "gpt-4o-realtime-preview-2024-12-17"],
    ["cohere", "command-r"],
    ["openai", "ft:gpt-4o-mini-2024-07-18:acme::x1"],
  ])("is null, not 0, for an unpriced model: %s %s", (provider, model) => {
    expect(costUsd(provider, model, { input_tokens: 1000, output_tokens: 1000 })).toBeNull();
  });

  it("is null when the usage is missing", () => {
    expect(costUsd("openai", "gpt-4o", null)).toBeNull();
    expect(costUsd("openai", "gpt-4o", undefined)).toBeNull();
  });

  it("is rounded to 1e-9", () => {
    const cost = costUsd("google", "gemini-2.5-flash", { input_tokens: 7, output_tokens: 3, cached_input_tokens: 1 });
    expect(cost).not.toBeNull();
    expect(Number.isInteger(Math.round((cost as number) * 1e9))).toBe(true);
    expect(Math.abs((cost as number) * 1e9 - Math.round((cost as number) * 1e9))).toBeLessThan(1e-6);
  });

  const models = fc.constantFrom<[string, string]>(
    ["openai", "gpt-4o"],
    ["openai", "o3"],
    ["anthropic", "claude-opus-4-1"],
    ["google", "gemini-2.5-pro"],
    ["mistral", "mistral-large-latest"],
    ["amazon.bedrock", "amazon.nova-lite-v1:0"],
  );
  const tokens = fc.integer({ min: 0, max: 5_000_000 });

  it("is monotonic in input and output tokens", () => {
    fc.assert(
      fc.property(models, tokens, tokens, tokens, tokens, ([provider, model], input, output, moreIn, moreOut) => {
        const base = costUsd(provider, model, { input_tokens: input, output_tokens: output }) as number;
        const more = costUsd(provider, model, { input_tokens: input + moreIn, output_tokens: output + moreOut }) as number;
        expect(base).toBeGreaterThanOrEqual(0);
        expect(more).toBeGreaterThanOrEqual(base);
      }),
    );
  });

  it("never costs more for cached tokens", () => {
    fc.assert(
      fc.property(models, tokens, tokens, fc.double({ min: 0, max: 1, noNaN: true }), ([provider, model], input, output, share) => {
        const cachedTokens = Math.floor(input * share);
        const plain = costUsd(provider, model, { input_tokens: input, output_tokens: output }) as number;
        const cached = costUsd(provider, model, { input_tokens: input, output_tokens: output, cached_input_tokens: cachedTokens }) as number;
        expect(cached).toBeLessThanOrEqual(plain);
      }),
    );
  });
});
