/**
 * Lookups over `providerList`, the one list of providers. Every question
 * about a provider by id goes through here; nothing outside the provider
 * folders switches on a provider's name.
 */
import type { ProviderCodec } from "../codecs/codec.js";
import { UnsupportedProviderError } from "../errors/promptline-error.js";
import { providerList } from "./provider-list.js";

export { providerList };
import type { CodecSelection, ProviderDescriptor } from "./provider-descriptor.js";

export type KnownProvider = (typeof providerList)[number]["id"];

/** Every provider id, in the list's order: publish-time checks, error messages and the dashboard read it. */
export const knownProviders: readonly KnownProvider[] = providerList.map((descriptor) => descriptor.id);

const byId: ReadonlyMap<string, ProviderDescriptor> = new Map(providerList.map((descriptor) => [descriptor.id, descriptor]));

export function isKnownProvider(provider: string): provider is KnownProvider {
  return byId.has(provider);
}

/** The descriptor of `provider`, or undefined for one Promptline doesn't know. */
export function providerDescriptor(provider: string): ProviderDescriptor | undefined {
  return byId.get(provider);
}

/** An UnsupportedProviderError that lists the providers there are. */
export function unsupportedProvider(provider: string, detail?: string): UnsupportedProviderError {
  return new UnsupportedProviderError(provider, detail, { knownProviders });
}

/** The codec of a provider for an API type, template type and model; UnsupportedProviderError when there is none. */
export function selectCodec(provider: string, selection: CodecSelection): ProviderCodec {
  const descriptor = byId.get(provider);
  if (descriptor === undefined) throw unsupportedProvider(provider);
  const choice = descriptor.codecs.select(selection);
  if ("unsupported" in choice) throw unsupportedProvider(provider, choice.unsupported);
  return choice;
}

/** Every codec that reads `/track-request` bodies, in list order. */
export const trackedCodecs: readonly ProviderCodec[] = providerList.flatMap((descriptor) => descriptor.codecs.tracked);

const byFunctionNamePrefix: ReadonlyMap<string, ProviderDescriptor> = new Map(
  providerList.map((descriptor) => [descriptor.tracking?.functionNamePrefix ?? descriptor.id, descriptor]),
);

/**
 * The provider a tracked `function_name` names: its first segment, or the
 * provider whose client reports under another prefix (`boto3.…` is
 * `amazon.bedrock`) when a codec reads it.
 */
export function trackedProviderOf(functionName: string, hasCodec: boolean): string {
  const prefix = functionName.split(".")[0] ?? "";
  if (hasCodec && prefix) return byFunctionNamePrefix.get(prefix)?.id ?? prefix;
  return prefix || "unknown";
}

/** The `api_type` of a tracked `function_name`, for providers with several APIs. */
export function trackedApiTypeOf(functionName: string): string | undefined {
  const prefix = functionName.split(".")[0] ?? "";
  if (!functionName.startsWith(`${prefix}.`)) return undefined;
  return byFunctionNamePrefix.get(prefix)?.tracking?.apiTypeOf?.(functionName);
}

/** OpenTelemetry's `gen_ai.provider.name` for a provider; others keep their own name. */
export function genAiProviderName(provider: string): string {
  return byId.get(provider)?.genAiProviderName ?? provider;
}
