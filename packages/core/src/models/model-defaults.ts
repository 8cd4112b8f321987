import type { CanonicalParameter, ReasoningEffort } from "./parameter-vocabulary.js";

/**
 * What one model family of a provider takes: its default parameters, its
 * name for each canonical parameter (see `parameter-vocabulary.ts`), the
 * provider-specific parameters it also accepts, and the ones it rejects.
 *
 * A parameter name is accepted when it is one of `names`' values (or their
 * companions, like Google's `response_schema`) or listed in `accepts`. It is
 * rejected when listed in `rejects`, or when it is a name some provider in
 * this table knows but this family doesn't accept: providers answer 400 to
 * parameters they don't know. Names no provider here knows are passed on.
 */
export interface ModelFamilyRules {
  /** Default parameters, in this provider's names. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** OpenAI and Azure only: the API flavour a new request uses. */
  readonly api_type?: "chat-completions";
  /** This family's name for each canonical parameter it supports; a missing one has no equivalent here. */
  readonly names: Readonly<Partial<Record<CanonicalParameter, string>>>;
  /** Provider-specific parameters (no canonical equivalent) this family accepts as they are. */
  readonly accepts: readonly string[];
  /** Names this family's API refuses, spelled out where it differs from its siblings. */
  readonly rejects?: readonly string[];
  /** Reasoning efforts it takes (others move to the nearest one). */
  readonly efforts?: readonly ReasoningEffort[];
  /** Value ranges narrower than other providers': translated values are clamped into them. */
  readonly ranges?: Readonly<Partial<Record<CanonicalParameter, { readonly min: number; readonly max: number }>>>;
  /** Pairs that may not be sent together: when both are present, the second is dropped. */
  readonly exclusive?: readonly (readonly [string, string])[];
}

/** A provider's families by model-name prefix (longest prefix wins); `*` is the fallback. */
export type ProviderFamilies = Readonly<Record<string, ModelFamilyRules>> & { readonly "*": ModelFamilyRules };

/** The Anthropic Messages API requires `max_tokens`; the Anthropic codec uses the same value. */
export const anthropicDefaultMaxTokens = 4096;

// ---------------------------------------------------------------- OpenAI

const openAiCommon = ["n", "user", "store", "metadata", "service_tier", "parallel_tool_calls", "prediction", "safety_identifier", "prompt_cache_key"];

const openAiChat: ModelFamilyRules = {
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

const openAiFamilies: ProviderFamilies = {
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
} as const satisfies {
  names: Partial<Record<CanonicalParameter, string>>;
  unsupported: readonly CanonicalParameter[];
  accepts: readonly string[];
};

// ---------------------------------------------------------------- Anthropic

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

const anthropicFamilies: ProviderFamilies = {
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

// ---------------------------------------------------------------- Google Gemini

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

const googleFamilies: ProviderFamilies = {
  "*": geminiThinking,
  "gemini-1.5": gemini2,
  "gemini-2.0": gemini2,
  "gemini-2.5-pro": gemini25Pro,
  "gemini-2.5-flash": geminiThinking,
  "gemini-3": gemini25Pro,
};

// ---------------------------------------------------------------- Mistral

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

// ---------------------------------------------------------------- Amazon Bedrock (Converse)

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

// ---------------------------------------------------------------- OpenRouter

/**
 * OpenRouter takes OpenAI's Chat Completions parameters for every model it
 * routes to (it translates them upstream), plus its own routing knobs.
 * Model ids carry the vendor (`openai/gpt-4o`), so one family serves all.
 */
const openRouterChat: ModelFamilyRules = {
  ...openAiChat,
  names: { ...openAiChat.names, top_k: "top_k", reasoning_effort: "reasoning_effort" },
  accepts: [...openAiChat.accepts, "reasoning", "provider", "models", "transforms", "route", "usage", "min_p", "top_a", "repetition_penalty"],
  efforts: ["minimal", "low", "medium", "high"],
};

const openRouterFamilies: ProviderFamilies = { "*": openRouterChat };

// ---------------------------------------------------------------- the table

/**
 * Default parameters and parameter rules, by provider then model-family
 * prefix (longest prefix wins, `*` otherwise). Azure uses OpenAI's families
 * (deployment names that don't start with a model name get `*`); Vertex AI
 * takes Gemini's for `gemini*` and Anthropic's for `claude*`.
 */
export const modelDefaults = {
  openai: openAiFamilies,
  "openai.azure": openAiFamilies,
  anthropic: anthropicFamilies,
  google: googleFamilies,
  mistral: mistralFamilies,
  "amazon.bedrock": bedrockFamilies,
  openrouter: openRouterFamilies,
  // Claude on Bedrock InvokeModel: Anthropic's parameters (model ids are normalised to Anthropic's names first).
  "anthropic.bedrock": anthropicFamilies,
  vertexai: { ...anthropicFamilies, claude: anthropicFamilies["*"], ...googleFamilies },
} as const satisfies Record<string, ProviderFamilies>;

export type SupportedProvider = keyof typeof modelDefaults;
