import { ProviderError } from "@promptline/core/errors";

/**
 * The caller aborted a provider request (its `AbortSignal`, or
 * `response.abort()` during a stream). Never retried. A ProviderError so the
 * error family's handlers see it, named `AbortError` like fetch's own abort
 * error so `error.name === "AbortError"` checks keep working; `cause` is the
 * signal's reason.
 */
export class ProviderAbortError extends ProviderError {
  constructor(provider: string, cause?: unknown) {
    super({ provider, providerMessage: "request aborted by the caller", errorType: "UNKNOWN_ERROR", isRetryable: false, cause });
    this.name = "AbortError";
  }
}
