/**
 * Small pure pieces the providers' `endpoint.ts` files share: reading a key,
 * naming what is missing, tidying a base URL.
 */
import { MissingProviderKeyError } from "../errors/promptline-error.js";
import type { ReadEnv } from "./provider-descriptor.js";

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
