import { InvalidRequestError } from "../errors/promptline-error.js";
import type { ModelSettings } from "../schemas/metadata.js";
import { cloneData } from "./clone-data.js";
import { anthropicDefaultMaxTokens } from "./model-defaults.js";
import { modelFamilyOf, rejectsParameter, type ModelFamily } from "./model-family-of.js";
import {
  canonicalNameOf,
  companionParameters,
  companionsOf,
  nearestEffort,
  readCanonical,
  writeCanonical,
  type ReasoningEffort,
} from "./parameter-vocabulary.js";

/** A request to run a template on another provider or model, and/or with other parameters. */
export interface ModelOverrideRequest {
  provider?: string;
  model?: string;
  /** Parameters in the target provider's own names, merged last. */
  parameterOverrides?: Record<string, unknown>;
}

export interface ResolvedModelSettings {
  settings: ModelSettings;
  /** One line per parameter dropped, renamed or changed on the way, for logs and the caller. */
  warnings: string[];
}

type Parameters = Record<string, unknown>;

/**
 * The model settings a run uses once `provider`, `model` and parameter
 * overrides are applied to the template's `metadata.model` (contract §5.3).
 *
 * - Neither provider nor model: the current settings, overrides merged last.
 * - Model only, or the same provider: the new family's defaults, then the
 *   current parameters it accepts (renamed where the family renames them,
 *   e.g. `max_tokens` → `max_completion_tokens` for gpt-5), then overrides.
 * - Another provider (a model is required): the target's defaults, then the
 *   current parameters that have an equivalent there (see
 *   `parameter-vocabulary.ts`), then overrides.
 *
 * Whatever the target family rejects is dropped, with a warning; an override
 * it rejects under one name but takes under another (`max_tokens` for o3) is
 * renamed, with a warning. Pure: the inputs are not modified.
 *
 * @throws InvalidRequestError when a provider is given without a model.
 * @throws UnsupportedProviderError for a provider without defaults.
 */
export function resolveModelSettings(current: ModelSettings, request: ModelOverrideRequest): ResolvedModelSettings {
  const provider = nonEmpty(request.provider);
  const model = nonEmpty(request.model);
  const overrides = request.parameterOverrides ?? {};
  const currentParameters: Parameters = current.parameters ?? {};

  if (provider === undefined && model === undefined) {
    // This runs on every run(); assigning keeps `parameters` where it was.
    const settings = cloneData(current);
    settings.parameters = { ...(settings.parameters ?? {}), ...cloneData(definedEntries(overrides)) };
    return { settings, warnings: [] };
  }
  if (model === undefined) {
    throw new InvalidRequestError(
      `Both provider and model must be given to switch provider: add the name of a ${provider} model to run "${current.name}"'s template with.`,
      ["model is required when provider is given"],
    );
  }

  const targetProvider = provider ?? current.provider;
  const sameProvider = targetProvider === current.provider;
  const apiType = apiTypeFor(targetProvider, model, sameProvider ? current.api_type : undefined);
  const family = modelFamilyOf(targetProvider, model, apiType);
  const resolution = new Resolution(family, `${targetProvider} ${model}`);

  resolution.carryOver(currentParameters, sameProvider);
  resolution.applyOverrides(overrides);
  resolution.applyConstraints();

  return { settings: buildSettings(current, targetProvider, model, resolution.parameters, apiType), warnings: resolution.warnings };
}

/** Builds one resolution's parameters, collecting warnings. */
class Resolution {
  readonly parameters: Parameters;
  readonly warnings: string[] = [];

  constructor(
    private readonly family: ModelFamily,
    private readonly label: string,
  ) {
    this.parameters = cloneData({ ...family.parameters });
  }

  /** The current template's parameters, kept, translated or dropped. */
  carryOver(current: Parameters, sameProvider: boolean): void {
    for (const [key, value] of Object.entries(current)) {
      if (value === undefined) continue;
      const primary = companionParameters[key];
      if (primary !== undefined && Object.hasOwn(current, primary)) continue; // it travels with its primary

      const canonical = canonicalNameOf(key);
      if (canonical === undefined) {
        // Provider-specific: kept on the same provider unless refused; elsewhere only where the same name means the same.
        const keep = sameProvider ? !rejectsParameter(this.family, key) : this.family.accepts.includes(key);
        if (keep) this.put({ [key]: cloneData(value) });
        else this.warnings.push(`Dropped "${key}": ${this.label} ${sameProvider ? "does not accept it" : "has no equivalent"}.`);
        continue;
      }

      if (sameProvider && canonical === "response_format" && this.family.accepts.includes(key)) {
        // Anthropic's native `output_format` stays native on another Claude model (the canonical name is a forced tool).
        this.put({ [key]: cloneData(value) });
        continue;
      }
      const targetName = this.family.names[canonical];
      if (targetName === undefined) {
        this.warnings.push(`Dropped "${key}": ${this.label} ${sameProvider ? "does not accept it" : "has no equivalent"}.`);
        continue;
      }
      if (targetName === key) {
        const same: Parameters = { [key]: cloneData(value) };
        for (const companion of companionsOf(key)) if (Object.hasOwn(current, companion)) same[companion] = cloneData(current[companion]);
        this.put(this.clamped(same, canonical));
        continue;
      }
      const fragment = writeCanonical(targetName, readCanonical(key, current), this.family.efforts);
      if (fragment === undefined) {
        this.warnings.push(`Dropped "${key}": its value has no equivalent in "${targetName}" for ${this.label}.`);
        continue;
      }
      this.put(this.clamped(fragment, canonicalNameOf(targetName)));
    }
  }

  /** Overrides, in the target's names, win over everything; refused ones are renamed or dropped. */
  applyOverrides(overrides: Parameters): void {
    for (const [key, value] of Object.entries(overrides)) {
      if (value === undefined) continue;
      if (!rejectsParameter(this.family, key)) {
        this.put({ [key]: cloneData(value) });
        continue;
      }
      const canonical = canonicalNameOf(key);
      const targetName = canonical === undefined ? undefined : this.family.names[canonical];
      const fragment = targetName === undefined ? undefined : writeCanonical(targetName, readCanonical(key, overrides), this.family.efforts);
      if (fragment !== undefined) {
        this.put(fragment);
        this.warnings.push(`Renamed override "${key}" to "${targetName}": that is ${this.label}'s name for it.`);
      } else {
        this.warnings.push(`Dropped override "${key}": ${this.label} does not accept it.`);
      }
    }
  }

  /** Rules that involve several parameters at once. */
  applyConstraints(): void {
    this.keepAllowedEffort();
    for (const [kept, dropped] of this.family.exclusive ?? []) {
      if (Object.hasOwn(this.parameters, kept) && Object.hasOwn(this.parameters, dropped)) {
        delete this.parameters[dropped];
        this.warnings.push(`Dropped "${dropped}": ${this.label} does not take it together with "${kept}".`);
      }
    }
    if (this.family.names.reasoning_effort === "thinking") this.fitAnthropicThinking();
  }

  /** Sets keys, removing any other name of the same canonical parameter (one idea, one key). */
  private put(fragment: Parameters): void {
    for (const key of Object.keys(fragment)) {
      const canonical = canonicalNameOf(key);
      if (canonical === undefined) continue;
      for (const existing of Object.keys(this.parameters)) {
        if (existing !== key && canonicalNameOf(existing) === canonical) {
          delete this.parameters[existing];
          for (const companion of companionsOf(existing)) delete this.parameters[companion];
        }
      }
      // A fragment that brings its own schema replaces the other spelling of it (`response_schema` vs `response_json_schema`).
      const companions = companionsOf(key);
      if (companions.some((companion) => Object.hasOwn(fragment, companion))) {
        for (const companion of companions) if (!Object.hasOwn(fragment, companion)) delete this.parameters[companion];
      }
    }
    Object.assign(this.parameters, fragment);
  }

  /** A translated number outside the target's range is brought into it. */
  private clamped(fragment: Parameters, canonical: string | undefined): Parameters {
    const range = canonical === undefined ? undefined : this.family.ranges?.[canonical as keyof NonNullable<ModelFamily["ranges"]>];
    if (range === undefined) return fragment;
    const result = { ...fragment };
    for (const [key, value] of Object.entries(fragment)) {
      if (typeof value !== "number") continue;
      const bounded = Math.min(range.max, Math.max(range.min, value));
      if (bounded !== value) {
        result[key] = bounded;
        this.warnings.push(`Clamped "${key}" from ${value} to ${bounded}: ${this.label} takes ${range.min} to ${range.max}.`);
      }
    }
    return result;
  }

  /** An effort the family doesn't offer (`minimal` on o3) moves to the nearest one it does. */
  private keepAllowedEffort(): void {
    const name = this.family.names.reasoning_effort;
    const allowed = this.family.efforts;
    if (name === undefined || allowed === undefined || !Object.hasOwn(this.parameters, name)) return;
    const effort = readCanonical(name, this.parameters) as ReasoningEffort | undefined;
    if (effort === undefined || allowed.includes(effort)) return;
    const nearest = nearestEffort(effort, allowed);
    Object.assign(this.parameters, writeCanonical(name, nearest, allowed));
    this.warnings.push(`Changed reasoning effort "${effort}" to "${nearest}": ${this.label} does not offer "${effort}".`);
  }

  /**
   * Anthropic's extended thinking needs `max_tokens` above the budget and
   * refuses a temperature other than 1, `top_k`, and `top_p` below 0.95.
   */
  private fitAnthropicThinking(): void {
    const thinking = this.parameters.thinking;
    if (typeof thinking !== "object" || thinking === null || (thinking as Parameters).type !== "enabled") return;
    const budget = (thinking as Parameters).budget_tokens;
    if (typeof budget !== "number") return;
    const maxTokens = this.parameters.max_tokens;
    if (typeof maxTokens !== "number" || maxTokens <= budget) {
      const raised = budget + anthropicDefaultMaxTokens;
      this.warnings.push(`Raised "max_tokens" from ${String(maxTokens)} to ${raised}: ${this.label} needs it above the thinking budget (${budget}).`);
      this.parameters.max_tokens = raised;
    }
    const refuse = (key: string, reason: string) => {
      delete this.parameters[key];
      this.warnings.push(`Dropped "${key}": ${this.label} ${reason} with extended thinking.`);
    };
    const { temperature, top_p: topP } = this.parameters;
    if (temperature !== undefined && temperature !== 1) refuse("temperature", "only takes temperature 1");
    if (this.parameters.top_k !== undefined) refuse("top_k", "does not take top_k");
    if (typeof topP === "number" && topP < 0.95) refuse("top_p", "only takes top_p from 0.95 to 1");
  }
}

/** OpenAI and Azure need an `api_type`; a template on the Responses API stays there while it stays on its provider. */
function apiTypeFor(provider: string, model: string, currentApiType: string | null | undefined): string | undefined {
  const family = modelFamilyOf(provider, model);
  if (family.api_type === undefined) return undefined;
  return currentApiType === "responses" ? "responses" : family.api_type;
}

function buildSettings(current: ModelSettings, provider: string, model: string, parameters: Parameters, apiType: string | undefined): ModelSettings {
  const { api_type: _apiType, ...rest } = cloneData(current);
  const settings: ModelSettings = { ...rest, provider, name: model, parameters };
  if (model !== current.name) {
    // These describe the previous model.
    delete settings.model_config_display_name;
    delete settings.base_model;
    delete settings.display_params;
  }
  if (provider !== current.provider) {
    // The endpoint and its key belong to the previous provider.
    delete settings.base_url;
    delete settings.api_key_env;
  }
  if (apiType !== undefined) settings.api_type = apiType;
  return settings;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

function definedEntries(record: Parameters): Parameters {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
