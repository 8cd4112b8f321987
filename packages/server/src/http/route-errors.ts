/**
 * Errors of the HTTP layer that have no place in core's error family: they
 * are about what the caller may see, not about prompts or providers. The
 * error handler turns them into 404 and 403.
 */

/**
 * A request, release label or API key the caller named is not in their
 * workspace (or doesn't exist: the two are never told apart). Prompts,
 * versions and labels looked up by name use core's `PromptNotFoundError`.
 */
export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotFoundError";
  }
}

/** A valid key whose role may not do this (`http/permissions.ts`): a 403 `forbidden`, with the role needed. */
export class ForbiddenError extends Error {
  constructor(
    message: string,
    /** Structured fields of the error body: `required_role`, `role`. */
    readonly fields: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ForbiddenError";
  }
}

/** A body over the server's limit (`maxBodyBytes`): a 413. */
export class PayloadTooLargeError extends Error {
  constructor(
    readonly limitBytes: number,
    /** Why this limit, when it is not the server's `maxBodyBytes`. */
    hint?: string,
  ) {
    super(`Request body too large (limit ${limitBytes} bytes${hint ? `: ${hint}` : ""}).`);
    this.name = "PayloadTooLargeError";
  }
}

/** Too many wrong keys from one address (`KeyThrottle`): a 429 with `retry-after`. */
export class TooManyAttemptsError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many wrong API keys from this address: try again in ${retryAfterSeconds} s. A key that worked from here before is not held back.`);
    this.name = "TooManyAttemptsError";
  }
}
