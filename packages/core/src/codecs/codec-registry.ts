import { UnsupportedProviderError } from "../errors/promptline-error.js";
import { isKnownProvider, knownProviders, selectCodec, trackedCodecs, unsupportedProvider } from "../providers/provider-registry.js";
import type { ProviderCodec } from "./codec.js";

/** Every codec that reads `/track-request` bodies, for lookups by `function_name` (the providers' `codecs.tracked`). */
export const allCodecs: readonly ProviderCodec[] = trackedCodecs;

export interface CodecSelector {
  /** `metadata.model.provider`. */
  provider: string;
  /** `metadata.model.api_type`: for OpenAI and Azure; `chat-completions` when absent. */
  apiType?: string | null | undefined;
  /** The template's type. */
  templateType: "chat" | "completion";
  /** `metadata.model.name`; only `vertexai` looks at it (it serves Gemini and Claude models). */
  modelName?: string | undefined;
}

/**
 * The codec for a provider, API type and template type: the provider's
 * descriptor decides (`providers/<id>/codecs.ts`). Unlike PromptLayer's SDK
 * (contract §8, B5) the provider decides, not the model name: an
 * OpenAI-compatible endpoint serving a model called `claude-…` still speaks
 * OpenAI. Only `vertexai`, which hosts several model families, looks at the name.
 */
export function codecFor(selector: CodecSelector): ProviderCodec {
  return selectCodec(selector.provider, {
    apiType: selector.apiType ?? "chat-completions",
    templateType: selector.templateType,
    modelName: selector.modelName ?? "",
  });
}

const byFunctionName = new Map(allCodecs.flatMap((codec) => codec.functionNames.map((name) => [name, codec] as const)));

/** The codec that reads `/track-request` bodies with this PromptLayer `function_name`, if any. */
export function codecForFunctionName(functionName: string): ProviderCodec | undefined {
  return byFunctionName.get(functionName);
}

/** The PromptLayer `function_name` of a call made through this codec (its first one). */
export function functionNameOf(codec: ProviderCodec): string {
  const name = codec.functionNames[0];
  if (name === undefined) throw unsupportedProvider(codec.id, "codec declares no function name");
  return name;
}

/** The model settings a publish check reads (`metadata.model`, or one of its fallbacks). */
export interface PublishedModel {
  provider?: unknown;
  name?: unknown;
  api_type?: unknown;
  fallbacks?: unknown;
}

function modelReason(model: PublishedModel, templateType: "chat" | "completion", where: string): string | undefined {
  const provider = typeof model.provider === "string" ? model.provider.trim() : "";
  if (!provider) return `${where}.provider is missing: use one of ${knownProviders.join(", ")}.`;
  if (!isKnownProvider(provider)) {
    return `${where}.provider "${provider}" is not a provider Promptline can call: use one of ${knownProviders.join(", ")} (an OpenAI-compatible endpoint is provider "openai" with a base_url).`;
  }
  const name = typeof model.name === "string" ? model.name.trim() : "";
  if (!name) return `${where}.name is missing: name the model to call, e.g. gpt-4o-mini.`;
  const apiType = typeof model.api_type === "string" ? model.api_type : undefined;
  try {
    codecFor({ provider, apiType, templateType, modelName: name });
  } catch (error) {
    if (error instanceof UnsupportedProviderError) return `${where}: provider "${provider}" cannot call model "${name}"${apiType ? ` with api_type "${apiType}"` : ""}: ${error.message}`;
    throw error;
  }
  return undefined;
}

/**
 * Why a version with this `metadata.model` could never run (unknown provider,
 * no model name, a provider/model/api_type the codecs can't build, the same
 * for each fallback); empty when it can. Publish refuses such versions. A
 * version without `metadata.model` is allowed: it runs with a model override.
 */
export function unrunnableModelReasons(model: PublishedModel | null | undefined, templateType: "chat" | "completion"): string[] {
  if (model === null || model === undefined) return [];
  const reasons: string[] = [];
  const primary = modelReason(model, templateType, "metadata.model");
  if (primary) reasons.push(primary);
  if (Array.isArray(model.fallbacks)) {
    model.fallbacks.forEach((fallback: unknown, index) => {
      const reason = modelReason(typeof fallback === "object" && fallback !== null ? (fallback as PublishedModel) : {}, templateType, `metadata.model.fallbacks[${index}]`);
      if (reason) reasons.push(reason);
    });
  }
  return reasons;
}
