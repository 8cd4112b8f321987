import { LRUCache } from "lru-cache";
import { plainModelId } from "../providers/model-ids.js";
import type { ApiParameterOverlay } from "../providers/provider-descriptor.js";
import { providerDescriptor, providerList, unsupportedProvider } from "../providers/provider-registry.js";
import { modelDefaults, type ModelFamilyRules, type ProviderFamilies, type SupportedProvider } from "./model-defaults.js";
import { companionParameters, companionsOf, parameterNames, type CanonicalParameter } from "./parameter-vocabulary.js";

/** A provider's model family, as `modelFamilyOf` found it. */
export interface ModelFamily extends ModelFamilyRules {
  readonly provider: SupportedProvider;
  /** The table key that matched: a model-name prefix, or `*`. */
  readonly pattern: string;
}

export function isSupportedProvider(provider: string): provider is SupportedProvider {
  return Object.hasOwn(modelDefaults, provider);
}

/**
 * The model id without decorations that don't change what it is: Google's
 * `models/` path prefix, and the provider's own (`providers/<id>/models.ts`:
 * Bedrock's cross-region prefix `us.anthropic.…`).
 */
export function normalizeModelId(provider: string, model: string): string {
  const id = plainModelId(model);
  return providerDescriptor(provider)?.models.normalizeModelId?.(id) ?? id;
}

/** The key of `table` that is the longest prefix of `model`, or `*`. */
export function longestPrefixKey(keys: Iterable<string>, model: string): string {
  let best = "*";
  for (const key of keys) {
    if (key !== "*" && model.startsWith(key) && (best === "*" || key.length > best.length)) best = key;
  }
  return best;
}

/**
 * The family rules of `model` at `provider` (longest matching prefix, else
 * the provider's `*`). With `apiType: "responses"` (OpenAI, Azure) the
 * Responses API's parameter names apply. Throws UnsupportedProviderError for
 * a provider the table doesn't know.
 */
export function modelFamilyOf(provider: string, model: string, apiType?: string | null): ModelFamily {
  if (!isSupportedProvider(provider)) throw unsupportedProvider(provider);
  const key = `${provider}\u0000${model}\u0000${apiType ?? ""}`;
  let family = familyCache.get(key);
  if (family === undefined) {
    family = findModelFamily(provider, model, apiType);
    familyCache.set(key, family);
  }
  // A shallow copy, like an uncached lookup returns (its nested values were always shared with the table).
  return { ...family };
}

/** Lookups by provider, model and API: resolving a model override asks several times per run. Bounded. */
const familyCache = new LRUCache<string, ModelFamily>({ max: 500 });

function findModelFamily(provider: SupportedProvider, model: string, apiType: string | null | undefined): ModelFamily {
  const families: ProviderFamilies = modelDefaults[provider];
  // Fine-tunes (`ft:gpt-4o-mini-2024-07-18:org::id`) follow their base model's rules.
  const id = normalizeModelId(provider, model).replace(/^ft:/, "");
  const pattern = longestPrefixKey(Object.keys(families), id);
  const rules = families[pattern] ?? families["*"];
  const family: ModelFamily = { ...rules, provider, pattern };
  // An API that renames parameters (OpenAI's Responses API) applies over the family.
  const overlay = apiType ? providerDescriptor(provider)?.models.apiOverlays?.[apiType] : undefined;
  return overlay ? withApiOverlay(family, overlay) : family;
}

/** A copy of the default parameters of `model` at `provider`, in that provider's names. */
export function defaultParametersFor(provider: string, model: string): Record<string, unknown> {
  return structuredClone({ ...modelFamilyOf(provider, model).parameters });
}

/** The parameter names `family` takes as they are. */
export function acceptedParameters(family: ModelFamilyRules): Set<string> {
  const names = Object.values(family.names).filter((name): name is string => name !== undefined);
  return new Set([...names, ...names.flatMap(companionsOf), ...family.accepts]);
}

/**
 * Whether `family`'s API would refuse parameter `name`: listed in its
 * `rejects`, or known to some provider of the table but not accepted here.
 * Names no provider here knows are let through (they may be newer than us).
 */
export function rejectsParameter(family: ModelFamilyRules, name: string): boolean {
  if (family.rejects?.includes(name)) return true;
  if (acceptedParameters(family).has(name)) return false;
  return knownParameterNames().has(name);
}

let knownNames: Set<string> | undefined;

/** Every parameter name some family of the table, or the vocabulary, knows. */
function knownParameterNames(): Set<string> {
  if (knownNames) return knownNames;
  const overlayAccepts = providerList.flatMap((descriptor) => Object.values(descriptor.models.apiOverlays ?? {}).flatMap((overlay) => overlay.accepts));
  const names = new Set<string>([...Object.keys(parameterNames), ...Object.keys(companionParameters), ...overlayAccepts]);
  for (const families of Object.values(modelDefaults)) {
    for (const rules of Object.values(families as ProviderFamilies)) {
      for (const name of [...rules.accepts, ...(rules.rejects ?? [])]) names.add(name);
    }
  }
  knownNames = names;
  return names;
}

function withApiOverlay(family: ModelFamily, overlay: ApiParameterOverlay): ModelFamily {
  const names: Partial<Record<CanonicalParameter, string>> = {};
  for (const [canonical, name] of Object.entries(family.names) as [CanonicalParameter, string][]) {
    if (overlay.unsupported.includes(canonical)) continue;
    names[canonical] = overlay.names[canonical] ?? name;
  }
  const renamed = Object.keys(overlay.names) as CanonicalParameter[];
  const parameters: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(family.parameters)) {
    // Defaults are written in chat names; `reasoning_effort` becomes `reasoning: {effort}`.
    if (key === "reasoning_effort") parameters.reasoning = { effort: value };
    else if (!renamed.includes(key as CanonicalParameter)) parameters[key] = value;
  }
  return { ...family, names, parameters, accepts: overlay.accepts };
}
