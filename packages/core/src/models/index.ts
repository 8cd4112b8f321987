export {
  modelDefaults,
  openAiResponsesApi,
  anthropicDefaultMaxTokens,
  type ModelFamilyRules,
  type ProviderFamilies,
  type SupportedProvider,
} from "./model-defaults.js";
export {
  modelFamilyOf,
  defaultParametersFor,
  rejectsParameter,
  acceptedParameters,
  isSupportedProvider,
  normalizeModelId,
  longestPrefixKey,
  type ModelFamily,
} from "./model-family-of.js";
export {
  canonicalParameters,
  reasoningEfforts,
  thinkingBudgets,
  parameterNames,
  canonicalNameOf,
  readCanonical,
  writeCanonical,
  effortForBudget,
  type CanonicalParameter,
  type CanonicalResponseFormat,
  type ReasoningEffort,
} from "./parameter-vocabulary.js";
export { resolveModelSettings, type ModelOverrideRequest, type ResolvedModelSettings } from "./resolve-model-settings.js";
