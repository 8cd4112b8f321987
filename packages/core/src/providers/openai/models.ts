import type { ModelFamilyRules, ProviderFamilies } from "../../models/model-defaults.js";
import type { ApiParameterOverlay, PriceList, ProviderModels } from "../provider-descriptor.js";

const openAiCommon = ["n", "user", "store", "metadata", "service_tier", "parallel_tool_calls", "prediction", "safety_identifier", "prompt_cache_key"];

export const openAiChat: ModelFamilyRules = {
  parameters: { temperature: 1 },
  api_type: "chat-completions",
  names: {
    max_tokens: "max_tokens",
    stop: "stop",
    temperature: "temperature",
    top_p: "top_p",
    seed: "seed",
    frequency_penalty: "frequency_penalty",
    presence_penalty: "presence_penalty",
    response_format: "response_format",
  },
  accepts: [...openAiCommon, "max_completion_tokens", "logprobs", "top_logprobs", "logit_bias", "modalities", "audio", "web_search_options"],
};

/** o-series and GPT-5: no sampling knobs, `max_completion_tokens` (it counts reasoning tokens too), `reasoning_effort`. */
const openAiReasoning: ModelFamilyRules = {
  parameters: { reasoning_effort: "medium" },
  api_type: "chat-completions",
  names: {
    max_tokens: "max_completion_tokens",
    seed: "seed",
    response_format: "response_format",
    reasoning_effort: "reasoning_effort",
  },
  accepts: openAiCommon,
  rejects: ["temperature", "top_p", "presence_penalty", "frequency_penalty", "logprobs", "top_logprobs", "logit_bias", "max_tokens", "stop"],
  efforts: ["low", "medium", "high"],
};

const gpt5: ModelFamilyRules = {
  ...openAiReasoning,
  accepts: [...openAiCommon, "verbosity"],
  efforts: ["minimal", "low", "medium", "high"],
};

export const openAiFamilies: ProviderFamilies = {
  "*": openAiChat,
  "gpt-4o": openAiChat,
  "gpt-4.1": openAiChat,
  "gpt-4": openAiChat,
  "gpt-3.5-turbo": openAiChat,
  "gpt-5": gpt5,
  // The ChatGPT snapshot is a chat model, not a reasoning one.
  "gpt-5-chat": openAiChat,
  o1: openAiReasoning,
  o3: openAiReasoning,
  o4: openAiReasoning,
};

/**
 * The OpenAI Responses API (`api_type: "responses"`) renames some
 * parameters and has no `stop`, `seed` or penalties. Applied over the family.
 */
export const openAiResponsesApi = {
  names: { max_tokens: "max_output_tokens", reasoning_effort: "reasoning", response_format: "text" },
  unsupported: ["stop", "seed", "frequency_penalty", "presence_penalty"],
  accepts: ["user", "store", "metadata", "service_tier", "parallel_tool_calls", "truncation", "include", "previous_response_id", "safety_identifier", "prompt_cache_key", "max_tool_calls", "background"],
} as const satisfies ApiParameterOverlay;

/** List prices (openai.com/api/pricing), standard tier. */
export const openaiPrices: PriceList = {
  "gpt-4o": { input: 2.5, cached_input: 1.25, output: 10 },
  "gpt-4o-2024-05-13": { input: 5, output: 15 },
  "gpt-4o-mini": { input: 0.15, cached_input: 0.075, output: 0.6 },
  "gpt-4o-audio-preview": null,
  "gpt-4o-mini-audio-preview": null,
  "gpt-4o-realtime-preview": null,
  "gpt-4o-mini-realtime-preview": null,
  "gpt-4o-transcribe": null,
  "gpt-4o-mini-transcribe": null,
  "gpt-4o-mini-tts": null,
  "gpt-4o-search-preview": { input: 2.5, output: 10 },
  "gpt-4o-mini-search-preview": { input: 0.15, output: 0.6 },
  "gpt-4.1": { input: 2, cached_input: 0.5, output: 8 },
  "gpt-4.1-mini": { input: 0.4, cached_input: 0.1, output: 1.6 },
  "gpt-4.1-nano": { input: 0.1, cached_input: 0.025, output: 0.4 },
  "gpt-5": { input: 1.25, cached_input: 0.125, output: 10 },
  "gpt-5-chat-latest": { input: 1.25, cached_input: 0.125, output: 10 },
  "gpt-5-codex": { input: 1.25, cached_input: 0.125, output: 10 },
  "gpt-5-mini": { input: 0.25, cached_input: 0.025, output: 2 },
  "gpt-5-nano": { input: 0.05, cached_input: 0.005, output: 0.4 },
  "gpt-5-pro": { input: 15, output: 120 },
  "gpt-5.1": { input: 1.25, cached_input: 0.125, output: 10 },
  "gpt-5.1-codex-mini": { input: 0.25, cached_input: 0.025, output: 2 },
  "o1": { input: 15, cached_input: 7.5, output: 60 },
  "o1-mini": { input: 1.1, cached_input: 0.55, output: 4.4 },
  "o1-pro": { input: 150, output: 600 },
  "o3": { input: 2, cached_input: 0.5, output: 8 },
  "o3-mini": { input: 1.1, cached_input: 0.55, output: 4.4 },
  "o3-pro": { input: 20, output: 80 },
  "o3-deep-research": { input: 10, cached_input: 2.5, output: 40 },
  "o4-mini": { input: 1.1, cached_input: 0.275, output: 4.4 },
  "o4-mini-deep-research": { input: 2, cached_input: 0.5, output: 8 },
  "gpt-4-turbo": { input: 10, output: 30 },
  "gpt-4-1106-preview": { input: 10, output: 30 },
  "gpt-4-0125-preview": { input: 10, output: 30 },
  "gpt-4-vision-preview": { input: 10, output: 30 },
  "gpt-4": { input: 30, output: 60 },
  "gpt-4-32k": { input: 60, output: 120 },
  "gpt-3.5-turbo": { input: 0.5, output: 1.5 },
  "gpt-3.5-turbo-instruct": { input: 1.5, output: 2 },
  "gpt-3.5-turbo-1106": { input: 1, output: 2 },
  "gpt-3.5-turbo-16k": { input: 3, output: 4 },
};

export const openaiModels: ProviderModels = {
  families: openAiFamilies,
  apiOverlays: { responses: openAiResponsesApi },
  prices: openaiPrices,
};
