import type { ModelFamilyRules, ProviderFamilies } from "../../models/model-defaults.js";
import type { PriceList, ProviderModels } from "../provider-descriptor.js";

const geminiBase: ModelFamilyRules = {
  parameters: { temperature: 1 },
  names: {
    max_tokens: "max_output_tokens",
    stop: "stop_sequences",
    temperature: "temperature",
    top_p: "top_p",
    top_k: "top_k",
    seed: "seed",
    response_format: "response_mime_type",
  },
  accepts: ["candidate_count", "response_logprobs", "logprobs", "response_modalities", "media_resolution"],
  ranges: { temperature: { min: 0, max: 2 } },
};

/** Gemini 2.0 still takes penalties (2.5 answers "Penalty is not enabled for models/gemini-2.5-…"). */
const gemini2: ModelFamilyRules = {
  ...geminiBase,
  names: { ...geminiBase.names, frequency_penalty: "frequency_penalty", presence_penalty: "presence_penalty" },
};

/** Gemini 2.5 and later think, with a token budget. */
const geminiThinking: ModelFamilyRules = {
  ...geminiBase,
  names: { ...geminiBase.names, reasoning_effort: "thinking_config" },
  rejects: ["frequency_penalty", "presence_penalty"],
};

/** 2.5 Pro can't turn thinking off (budget 0), so `minimal` becomes `low`. */
const gemini25Pro: ModelFamilyRules = { ...geminiThinking, efforts: ["low", "medium", "high"] };

export const googleFamilies: ProviderFamilies = {
  "*": geminiThinking,
  "gemini-1.5": gemini2,
  "gemini-2.0": gemini2,
  "gemini-2.5-pro": gemini25Pro,
  "gemini-2.5-flash": geminiThinking,
  "gemini-3": gemini25Pro,
};
/** List prices (ai.google.dev/gemini-api/docs/pricing), standard tier, text tokens; long-context tiers not modelled. */
export const googlePrices: PriceList = {
  "gemini-3-pro-preview": { input: 2, cached_input: 0.2, output: 12 },
  "gemini-2.5-pro": { input: 1.25, cached_input: 0.125, output: 10 },
  "gemini-2.5-flash": { input: 0.3, cached_input: 0.03, output: 2.5 },
  "gemini-2.5-flash-lite": { input: 0.1, cached_input: 0.01, output: 0.4 },
  "gemini-2.5-flash-image": null,
  "gemini-2.5-flash-image-preview": null,
  "gemini-2.5-flash-preview-tts": null,
  "gemini-2.5-pro-preview-tts": null,
  "gemini-2.5-flash-native-audio": null,
  "gemini-2.0-flash": { input: 0.1, cached_input: 0.025, output: 0.4 },
  "gemini-2.0-flash-lite": { input: 0.075, output: 0.3 },
  "gemini-2.0-flash-preview-image-generation": null,
};

export const googleModels: ProviderModels = { families: googleFamilies, prices: googlePrices };
