/**
 * Where a provider credential may go (DESIGN.md, "Trusted provider
 * endpoints"): the provider's official endpoint, a base URL the environment
 * (or the code, through the `env` it passes) sets, or an allow-listed origin.
 * A template is data anyone with publish rights can write, so its `base_url`
 * is only followed to one of those origins; anything else fails before a byte
 * is sent. Every provider transport, the playground included, goes through
 * `assertTrustedBaseURL`.
 */
import { InvalidRequestError, UntrustedBaseURLError } from "@promptline/core/errors";
import { providerDescriptor, providerList } from "@promptline/core/provider-registry";
import type { ProviderEnv } from "./provider-endpoints.js";

/** The environment variable that lists extra trusted origins, comma-separated. */
export const allowedBaseURLsEnvVar = "PROMPTLINE_ALLOWED_BASE_URLS";

/** Where the trust comes from, besides the provider's official endpoint. */
export interface BaseURLTrust {
  /** Origins (or URLs, whose origin counts) allowed for every provider: `new Promptline({ allowedBaseURLs })`. */
  allowedBaseURLs?: readonly string[] | undefined;
  /** Base URLs the calling code configured itself for this provider (trusted like the environment's). */
  trustedBaseURLs?: readonly string[] | undefined;
}

/** The environment variables that set each provider's base URL (the official SDKs' names), from its descriptor. */
export const baseURLEnvVars: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  providerList.map((descriptor) => [descriptor.id, descriptor.endpoint.baseURLEnv]),
);

/** The origin of an http(s) URL, or undefined when it is not one. */
export function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url.trim());
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

/** Parses an allow list entry; a wrong one is an error (silently ignoring it would hide a typo). */
function allowedOrigin(entry: string, source: string): string {
  const origin = originOf(entry);
  if (!origin) throw new InvalidRequestError(`${source}: "${entry}" is not an http(s) origin such as https://llm-gateway.example.com.`);
  return origin;
}

/** The allow-listed origins: the code's `allowedBaseURLs` and `PROMPTLINE_ALLOWED_BASE_URLS`. */
export function allowedOrigins(env: ProviderEnv, allowed: readonly string[] = []): Set<string> {
  const origins = new Set(allowed.map((entry) => allowedOrigin(entry, "allowedBaseURLs")));
  for (const entry of (env[allowedBaseURLsEnvVar] ?? "").split(",")) {
    if (entry.trim()) origins.add(allowedOrigin(entry, allowedBaseURLsEnvVar));
  }
  return origins;
}

/** Whether a provider credential may be sent to `origin`. */
export function isTrustedOrigin(provider: string, origin: string, env: ProviderEnv, trust: BaseURLTrust = {}): boolean {
  const official = providerDescriptor(provider)?.endpoint.officialOrigins ?? [];
  if (official.some((each) => (typeof each === "string" ? each === origin : each.test(origin)))) return true;
  for (const name of baseURLEnvVars[provider] ?? []) {
    const value = env[name]?.trim();
    if (value && originOf(value) === origin) return true;
  }
  if ((trust.trustedBaseURLs ?? []).some((url) => originOf(url) === origin)) return true;
  return allowedOrigins(env, trust.allowedBaseURLs).has(origin);
}

/**
 * Throws `UntrustedBaseURLError` unless a provider credential may go to
 * `baseURL` (a template's `metadata.model.base_url`). Call it before building
 * any request to a URL that did not come from the environment or the code.
 *
 * @example
 * assertTrustedBaseURL("openai", template.metadata.model.base_url, process.env, { allowedBaseURLs: ["https://llm-gateway.internal"] });
 */
export function assertTrustedBaseURL(provider: string, baseURL: string, env: ProviderEnv, trust: BaseURLTrust = {}): void {
  const origin = originOf(baseURL);
  if (origin && isTrustedOrigin(provider, origin, env, trust)) return;
  throw new UntrustedBaseURLError(provider, origin ?? baseURL.trim(), { envVars: baseURLEnvVars[provider] ?? [] });
}
