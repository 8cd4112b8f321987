import type { ModelFamilyRules, ProviderFamilies } from "../../models/model-defaults.js";
import type { PriceList, ProviderModels } from "../provider-descriptor.js";

const mistralChat: ModelFamilyRules = {
  parameters: { temperature: 0.7 },
  names: {
    max_tokens: "max_tokens",
    stop: "stop",
    temperature: "temperature",
    top_p: "top_p",
    seed: "random_seed",
    frequency_penalty: "frequency_penalty",
    presence_penalty: "presence_penalty",
    response_format: "response_format",
  },
  accepts: ["safe_prompt", "n", "parallel_tool_calls", "prediction"],
};

/** Magistral reasons on its own; Mistral recommends these sampling values for it. */
const magistral: ModelFamilyRules = {
  ...mistralChat,
  parameters: { temperature: 0.7, top_p: 0.95 },
  accepts: [...mistralChat.accepts, "prompt_mode"],
};

const mistralFamilies: ProviderFamilies = {
  "*": mistralChat,
  "mistral-large": mistralChat,
  "mistral-medium": mistralChat,
  "mistral-small": mistralChat,
  codestral: mistralChat,
  ministral: mistralChat,
  magistral: magistral,
};
/** List prices (mistral.ai/pricing); `-latest` aliases are priced as the version listed here. */
export const mistralPrices: PriceList = {
  "mistral-large": { input: 2, output: 6 },
  "mistral-medium": { input: 0.4, output: 2 },
  "mistral-small": { input: 0.1, output: 0.3 },
  "magistral-medium": { input: 2, output: 5 },
  "magistral-small": { input: 0.5, output: 1.5 },
  "codestral": { input: 0.3, output: 0.9 },
  "devstral-small": { input: 0.1, output: 0.3 },
  "devstral-medium": { input: 0.4, output: 2 },
  "ministral-8b": { input: 0.1, output: 0.1 },
  "ministral-3b": { input: 0.04, output: 0.04 },
  "open-mistral-nemo": { input: 0.15, output: 0.15 },
  "pixtral-large": { input: 2, output: 6 },
  "pixtral-12b": { input: 0.15, output: 0.15 },
};

export const mistralModels: ProviderModels = { families: mistralFamilies, prices: mistralPrices };
