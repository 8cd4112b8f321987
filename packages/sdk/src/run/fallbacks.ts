import { ProviderError } from "@promptline/core/errors";
import type { ModelSettings } from "@promptline/core/schemas";
import type { RunFallback } from "./run-params.js";

/** One entry after the primary: the provider and model to switch to, and parameters merged last. */
export interface FallbackTarget {
  provider: string;
  model: string;
  parameters: Record<string, unknown> | undefined;
}

/**
 * The entries to try after the primary, in order: `run({ fallbacks })` when
 * given (an empty list turns the template's off), else the template's
 * `metadata.model.fallbacks` (`{provider, name, parameters?}`).
 */
export function fallbackTargets(fromRun: readonly RunFallback[] | undefined, primary: ModelSettings): FallbackTarget[] {
  if (fromRun !== undefined) return fromRun.map((entry) => ({ provider: entry.provider, model: entry.model, parameters: entry.parameters }));
  return (primary.fallbacks ?? []).map((entry) => ({ provider: entry.provider, model: entry.name, parameters: entry.parameters ?? undefined }));
}

/**
 * Whether the next entry should run after this failure: the provider's own
 * trouble, once the transport's retries are spent — 408, 429, 5xx (529
 * "overloaded" included), a timeout, a refused or reset connection, a stream
 * broken before its first event. A caller's mistake (400, 401, 403, 404, a
 * missing key or variable), a cancelled run, or an error of ours never falls
 * back: another provider would not fix it.
 */
export function isFallbackError(error: unknown): boolean {
  if (!(error instanceof ProviderError) || !error.isRetryable) return false;
  const { status } = error;
  return status === undefined || status === 408 || status === 429 || status >= 500;
}
