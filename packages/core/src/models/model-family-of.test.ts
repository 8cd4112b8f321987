import { describe, expect, it } from "vitest";
import { ANTHROPIC_DEFAULT_MAX_TOKENS } from "../codecs/anthropic/anthropic-codec.js";
import { UnsupportedProviderError } from "../errors/promptline-error.js";
import { anthropicDefaultMaxTokens, modelDefaults, type ProviderFamilies } from "./model-defaults.js";
import { acceptedParameters, defaultParametersFor, modelFamilyOf, rejectsParameter } from "./model-family-of.js";

describe("modelFamilyOf", () => {
  it.each([
    ["openai", "gpt-4o", "gpt-4o"],
    ["openai", "gpt-4o-mini-2024-07-18", "gpt-4o"],
    ["openai", "gpt-4.1-nano-2025-04-14", "gpt-4.1"],
    ["openai", "gpt-5-mini-2025-08-07", "gpt-5"],
    ["openai", "gpt-5-chat-latest", "gpt-5-chat"],
    ["openai", "o3-2025-04-16", "o3"],
    ["openai", "o4-mini", "o4"],
    ["openai", "ft:gpt-4o-mini-2024-07-18:acme::abc123", "gpt-4o"],
    ["openai", "some-compatible-model", "*"],
    ["openai.azure", "my-prod-deployment", "*"],
    ["openai.azure", "o3-mini", "o3"],
    ["anthropic", "claude-sonnet-4-20250514", "claude-sonnet-4"],
    ["anthropic", "claude-sonnet-4-5-20250929", "claude-sonnet-4-5"],
    ["anthropic", "claude-3-5-haiku-20241022", "claude-3"],
    ["anthropic", "claude-3-7-sonnet-latest", "claude-3-7-sonnet"],
    ["anthropic", "claude-opus-4-1-20250805", "claude-opus-4-1"],
    ["google", "models/gemini-2.5-flash-lite", "gemini-2.5-flash"],
    ["google", "gemini-2.0-flash-001", "gemini-2.0"],
    ["google", "gemini-2.5-pro", "gemini-2.5-pro"],
    ["vertexai", "claude-opus-4@20250514", "claude-opus-4"],
    ["anthropic.bedrock", "us.anthropic.claude-opus-4-1-20250805-v1:0", "claude-opus-4-1"],
    ["anthropic.bedrock", "anthropic.claude-3-5-haiku-20241022-v1:0", "claude-3"],
    ["vertexai", "gemini-2.5-pro", "gemini-2.5-pro"],
    ["vertexai", "text-bison", "*"],
    ["mistral", "magistral-medium-2509", "magistral"],
    ["mistral", "mistral-large-latest", "mistral-large"],
    ["amazon.bedrock", "us.anthropic.claude-sonnet-4-20250514-v1:0", "anthropic.claude"],
    ["amazon.bedrock", "amazon.nova-pro-v1:0", "amazon.nova"],
    ["amazon.bedrock", "meta.llama3-3-70b-instruct-v1:0", "meta.llama"],
  ])("%s %s → %s (longest prefix, decorations ignored)", (provider, model, pattern) => {
    expect(modelFamilyOf(provider, model).pattern).toBe(pattern);
  });

  it("throws a typed error for a provider without defaults", () => {
    expect(() => modelFamilyOf("cohere", "command-r")).toThrow(UnsupportedProviderError);
  });

  it("uses the Responses API's names for api_type responses", () => {
    const family = modelFamilyOf("openai", "o3", "responses");
    expect(family.names).toMatchObject({ max_tokens: "max_output_tokens", reasoning_effort: "reasoning" });
    expect(family.parameters).toEqual({ reasoning: { effort: "medium" } });
    expect(rejectsParameter(family, "reasoning_effort")).toBe(true);
    expect(rejectsParameter(modelFamilyOf("openai", "gpt-4.1", "responses"), "stop")).toBe(true);
  });

  it("vertexai follows anthropic for claude and google for gemini", () => {
    expect(modelFamilyOf("vertexai", "claude-sonnet-4@20250514").names.stop).toBe("stop_sequences");
    expect(modelFamilyOf("vertexai", "claude-sonnet-4@20250514").names.max_tokens).toBe("max_tokens");
    expect(modelFamilyOf("vertexai", "gemini-2.5-flash").names.max_tokens).toBe("max_output_tokens");
  });
});

describe("defaultParametersFor", () => {
  it.each([
    ["anthropic", "claude-haiku-4-5", { max_tokens: anthropicDefaultMaxTokens }],
    ["openai", "o3", { reasoning_effort: "medium" }],
    ["openai", "gpt-4o-mini-2024-07-18", { temperature: 1 }],
    ["mistral", "magistral-small-latest", { temperature: 0.7, top_p: 0.95 }],
    ["amazon.bedrock", "meta.llama3-3-70b-instruct-v1:0", { max_tokens: 2048 }],
  ])("%s %s", (provider, model, expected) => {
    expect(defaultParametersFor(provider, model)).toEqual(expected);
  });

  it("agrees with the Anthropic codec's default max_tokens", () => {
    expect(anthropicDefaultMaxTokens).toBe(ANTHROPIC_DEFAULT_MAX_TOKENS);
    expect(defaultParametersFor("vertexai", "claude-sonnet-4@20250514").max_tokens).toBe(4096);
  });

  it("returns a copy", () => {
    defaultParametersFor("anthropic", "claude-sonnet-4").max_tokens = 1;
    expect(defaultParametersFor("anthropic", "claude-sonnet-4").max_tokens).toBe(4096);
  });
});

describe("the modelDefaults table", () => {
  const families = Object.entries(modelDefaults).flatMap(([provider, table]) =>
    Object.entries(table as ProviderFamilies).map(([pattern, rules]) => ({ provider, pattern, rules })),
  );

  it("has a * fallback for every provider", () => {
    for (const table of Object.values(modelDefaults)) expect((table as ProviderFamilies)["*"]).toBeDefined();
  });

  it.each(families.map((entry) => [`${entry.provider} ${entry.pattern}`, entry] as const))(
    "%s: its defaults and names are parameters it accepts",
    (_label, { rules }) => {
      for (const name of Object.keys(rules.parameters)) expect(rejectsParameter(rules, name), name).toBe(false);
      for (const name of acceptedParameters(rules)) expect(rejectsParameter(rules, name), name).toBe(false);
    },
  );

  it("openai reasoning families reject sampling parameters and rename max_tokens", () => {
    for (const model of ["o1", "o3-mini", "o4-mini", "gpt-5", "gpt-5-nano"]) {
      const family = modelFamilyOf("openai", model);
      for (const name of ["temperature", "top_p", "presence_penalty", "frequency_penalty", "logprobs", "max_tokens"]) {
        expect(rejectsParameter(family, name), `${model} ${name}`).toBe(true);
      }
      expect(family.names.max_tokens).toBe("max_completion_tokens");
      expect(family.names.reasoning_effort).toBe("reasoning_effort");
    }
  });

  it("knows each provider's own names", () => {
    expect(modelFamilyOf("mistral", "mistral-small-latest").names.seed).toBe("random_seed");
    expect(rejectsParameter(modelFamilyOf("mistral", "mistral-small-latest"), "top_k")).toBe(true);
    expect(rejectsParameter(modelFamilyOf("anthropic", "claude-sonnet-4"), "frequency_penalty")).toBe(true);
    expect(rejectsParameter(modelFamilyOf("anthropic", "claude-sonnet-4"), "seed")).toBe(true);
    expect(rejectsParameter(modelFamilyOf("anthropic", "claude-sonnet-4"), "top_k")).toBe(false);
    expect(rejectsParameter(modelFamilyOf("google", "gemini-2.5-flash"), "candidate_count")).toBe(false);
    expect(rejectsParameter(modelFamilyOf("google", "gemini-2.5-flash"), "frequency_penalty")).toBe(true);
    expect(rejectsParameter(modelFamilyOf("google", "gemini-2.0-flash"), "frequency_penalty")).toBe(false);
    expect(modelFamilyOf("google", "gemini-2.5-flash").names.reasoning_effort).toBe("thinking_config");
    expect(modelFamilyOf("google", "gemini-2.0-flash").names.reasoning_effort).toBeUndefined();
    // Names no provider here knows are let through.
    expect(rejectsParameter(modelFamilyOf("openai", "gpt-4o"), "some_new_parameter")).toBe(false);
  });
});
