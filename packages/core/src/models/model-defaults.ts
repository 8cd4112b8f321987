import { providerList } from "../providers/provider-list.js";
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

export { anthropicDefaultMaxTokens } from "../providers/anthropic/models.js";
export { openAiResponsesApi } from "../providers/openai/models.js";

/**
 * Default parameters and parameter rules, by provider then model-family
 * prefix (longest prefix wins, `*` otherwise): each provider's
 * `providers/<id>/models.ts`, gathered from the provider list.
 */
export const modelDefaults: Readonly<Record<SupportedProvider, ProviderFamilies>> = Object.fromEntries(
  providerList.map((descriptor) => [descriptor.id, descriptor.models.families]),
) as Record<SupportedProvider, ProviderFamilies>;

export type SupportedProvider = (typeof providerList)[number]["id"];
