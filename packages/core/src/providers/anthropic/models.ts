import type { ModelFamilyRules, ProviderFamilies } from "../../models/model-defaults.js";
import type { PriceList, ProviderModels } from "../provider-descriptor.js";

/** The Anthropic Messages API requires `max_tokens`; the Anthropic codec uses the same value. */
export const anthropicDefaultMaxTokens = 4096;

const anthropicBase: ModelFamilyRules = {
  parameters: { max_tokens: anthropicDefaultMaxTokens },
  names: {
    max_tokens: "max_tokens",
    stop: "stop_sequences",
    temperature: "temperature",
    top_p: "top_p",
    top_k: "top_k",
    // OpenAI's shape, kept as it is: the codec sends it as a forced tool (decision 0010).
    response_format: "response_format",
  },
  // `output_format`: Anthropic's native structured output (a beta), for templates that set it themselves.
  accepts: ["metadata", "service_tier", "output_format"],
  ranges: { temperature: { min: 0, max: 1 } },
};

/** Claude 3.7 and 4.x: extended thinking. */
const anthropicThinking: ModelFamilyRules = {
  ...anthropicBase,
  names: { ...anthropicBase.names, reasoning_effort: "thinking" },
  efforts: ["minimal", "low", "medium", "high"],
};

/** The newest Claude models refuse `temperature` and `top_p` together. */
const anthropicThinkingOneSampler: ModelFamilyRules = {
  ...anthropicThinking,
  exclusive: [["temperature", "top_p"]],
};

export const anthropicFamilies: ProviderFamilies = {
  "*": anthropicThinking,
  "claude-3": anthropicBase,
  "claude-3-7-sonnet": anthropicThinking,
  "claude-sonnet-4": anthropicThinking,
  "claude-sonnet-4-5": anthropicThinkingOneSampler,
  "claude-opus-4": anthropicThinking,
  "claude-opus-4-1": anthropicThinkingOneSampler,
  "claude-opus-4-5": anthropicThinkingOneSampler,
  "claude-haiku-4": anthropicThinkingOneSampler,
};
/** List prices (anthropic.com/pricing), standard tier; cache writes not modelled. */
export const anthropicPrices: PriceList = {
  "claude-opus-4-5": { input: 5, cached_input: 0.5, output: 25 },
  "claude-opus-4-1": { input: 15, cached_input: 1.5, output: 75 },
  "claude-opus-4": { input: 15, cached_input: 1.5, output: 75 },
  "claude-sonnet-4-5": { input: 3, cached_input: 0.3, output: 15 },
  "claude-sonnet-4": { input: 3, cached_input: 0.3, output: 15 },
  "claude-haiku-4-5": { input: 1, cached_input: 0.1, output: 5 },
  "claude-3-7-sonnet": { input: 3, cached_input: 0.3, output: 15 },
  "claude-3-5-sonnet": { input: 3, cached_input: 0.3, output: 15 },
  "claude-3-5-haiku": { input: 0.8, cached_input: 0.08, output: 4 },
  "claude-3-opus": { input: 15, cached_input: 1.5, output: 75 },
  "claude-3-haiku": { input: 0.25, cached_input: 0.03, output: 1.25 },
};

export const anthropicModels: ProviderModels = { families: anthropicFamilies, prices: anthropicPrices };
