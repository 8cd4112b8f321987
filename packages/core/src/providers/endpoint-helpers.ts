/**
 * Small pure pieces the providers' `endpoint.ts` files share: reading a key,
 * naming what is missing, tidying a base URL.
 */
import { MissingProviderKeyError } from "../errors/promptline-error.js";
import type { ProviderEndpointSpec, ReadEnv } from "./provider-descriptor.js";

/** The first of `names` that is set, else MissingProviderKeyError naming them all. */
export function requireKey(provider: string, read: ReadEnv, names: readonly string[]): string {
  for (const name of names) {
    const value = read(name);
    if (value) return value;
  }
  throw new MissingProviderKeyError(provider, names);
}

/** A template's `api_key_env` replaces the provider's own key variables. */
export function keyNames(apiKeyEnv: string | undefined, defaults: readonly string[]): readonly string[] {
  return apiKeyEnv ? [apiKeyEnv] : defaults;
}

/** A MissingProviderKeyError whose message fits a missing setting that is not an API key. */
export function missingSetting(provider: string, names: readonly string[], message: string): MissingProviderKeyError {
  const error = new MissingProviderKeyError(provider, names);
  error.message = message;
  return error;
}

export function trimSlashes(url: string): string {
  return url.replace(/\/+$/, "");
}

/** Appends a version segment (`/v1`) unless the URL already ends with it, as the official SDKs do. */
export function withVersion(url: string, version: string): string {
  const base = trimSlashes(url);
  return base.endsWith(version) ? base : `${base}${version}`;
}

/** An endpoint that authenticates with an API key in a header. */
export interface ApiKeyEndpointOptions {
  provider: string;
  /** Variables holding the key, in order of preference (a template's `api_key_env` replaces them where allowed). */
  keyEnv: readonly string[];
  /** The variable that sets the base URL (the official SDK's name). */
  baseURLEnv: string;
  /** The provider's own API; its origin is the official one (trusted for a template's `base_url`). */
  defaultBaseURL: string;
  /** A version segment (`/v1`) appended unless the base URL ends with it. */
  version?: string;
  acceptsApiKeyEnv?: boolean;
  /** The headers that carry the key (and fixed ones). */
  headers: (key: string) => Record<string, string>;
  /** Headers sent when their variable is set: variable name → header name. */
  optionalHeaders?: Readonly<Record<string, string>>;
}

/** Base URL: the template's, the variable's, else the default; the key from the environment, sent in `headers`. */
export function apiKeyEndpoint(options: ApiKeyEndpointOptions): ProviderEndpointSpec {
  return {
    baseURLEnv: [options.baseURLEnv],
    officialOrigins: [new URL(options.defaultBaseURL).origin],
    ...(options.acceptsApiKeyEnv && { acceptsApiKeyEnv: true }),
    resolve({ read, templateBaseURL, apiKeyEnv }) {
      const key = requireKey(options.provider, read, keyNames(apiKeyEnv, options.keyEnv));
      const base = templateBaseURL ?? read(options.baseURLEnv) ?? options.defaultBaseURL;
      const baseURL = options.version ? withVersion(base, options.version) : trimSlashes(base);
      const headers = options.headers(key);
      for (const [name, header] of Object.entries(options.optionalHeaders ?? {})) {
        const value = read(name);
        if (value) headers[header] = value;
      }
      return { baseURL, headers, secrets: [key], auth: { scheme: "headers" } };
    },
  };
}
