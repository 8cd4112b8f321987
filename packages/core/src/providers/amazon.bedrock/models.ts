import type { ModelFamilyRules, ProviderFamilies } from "../../models/model-defaults.js";
import type { PriceList, ProviderModels } from "../provider-descriptor.js";

/** Converse's `inferenceConfig`, in the snake_case PromptLayer stores (the codec camel-cases it). */
const bedrockConverse: ModelFamilyRules = {
  parameters: { max_tokens: 4096 },
  names: {
    max_tokens: "max_tokens",
    stop: "stop_sequences",
    temperature: "temperature",
    top_p: "top_p",
    // OpenAI's shape, kept as it is: the codec sends it as a forced tool (decision 0010).
    response_format: "response_format",
  },
  accepts: [],
  ranges: { temperature: { min: 0, max: 1 } },
};

const bedrockFamilies: ProviderFamilies = {
  "*": bedrockConverse,
  "anthropic.claude": bedrockConverse,
  "amazon.nova": bedrockConverse,
  "meta.llama": { ...bedrockConverse, parameters: { max_tokens: 2048 } },
  "mistral.": bedrockConverse,
};
/** Bedrock's cross-region inference profiles put a geography in front of the model id. */
export const bedrockRegionPrefix = /^(?:us|eu|apac|us-gov|global|jp|au|ca)\./;

/** List prices (aws.amazon.com/bedrock/pricing), on-demand. */
export const bedrockPrices: PriceList = {
  "anthropic.claude-opus-4-1": { input: 15, cached_input: 1.5, output: 75 },
  "anthropic.claude-opus-4": { input: 15, cached_input: 1.5, output: 75 },
  "anthropic.claude-sonnet-4-5": { input: 3, cached_input: 0.3, output: 15 },
  "anthropic.claude-sonnet-4": { input: 3, cached_input: 0.3, output: 15 },
  "anthropic.claude-haiku-4-5": { input: 1, cached_input: 0.1, output: 5 },
  "anthropic.claude-3-7-sonnet": { input: 3, cached_input: 0.3, output: 15 },
  "anthropic.claude-3-5-sonnet": { input: 3, output: 15 },
  "anthropic.claude-3-5-haiku": { input: 0.8, cached_input: 0.08, output: 4 },
  "anthropic.claude-3-haiku": { input: 0.25, output: 1.25 },
  "anthropic.claude-3-opus": { input: 15, output: 75 },
  "amazon.nova-premier": { input: 2.5, output: 12.5 },
  "amazon.nova-pro": { input: 0.8, cached_input: 0.2, output: 3.2 },
  "amazon.nova-lite": { input: 0.06, cached_input: 0.015, output: 0.24 },
  "amazon.nova-micro": { input: 0.035, cached_input: 0.00875, output: 0.14 },
  "meta.llama3-3-70b-instruct": { input: 0.72, output: 0.72 },
  "meta.llama4-maverick-17b-instruct": { input: 0.24, output: 0.97 },
  "meta.llama4-scout-17b-instruct": { input: 0.17, output: 0.66 },
};

export const bedrockModels: ProviderModels = {
  families: bedrockFamilies,
  normalizeModelId: (id) => id.replace(bedrockRegionPrefix, ""),
  prices: bedrockPrices,
};
