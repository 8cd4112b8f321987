
/**
 * The one error family of Promptline. Every error carries a stable `code`
 * (safe to switch on, stable across releases), structured fields, and a
 * message that says how to fix the problem. Errors become HTTP in exactly one
 * place (the server's error handler) and are parsed back into these classes by
 * the SDK, so a caller sees the same error whichever side detected it.
 */

const marker = Symbol.for("promptline.error");

export type PromptlineErrorCode =
  | "missing_variables"
  | "invalid_template"
  | "template_limit"
  | "prompt_not_found"
  | "prompt_archived"
  | "invalid_request"
  | "provider_error"
  | "missing_provider_key"
  | "unsupported_provider"
  | "response_format_unsupported"
  | "untrusted_base_url"
  | "registry_error"
  | "unauthorized"
  | "missing_api_key"
  | "client_closed"
  | "conflict"
  | "unexpected_response"
  | "internal_error";

export interface PromptlineErrorOptions {
  cause?: unknown;
}

export class PromptlineError extends Error {
  readonly [marker] = true;
  readonly code: PromptlineErrorCode;
  /** Set by `run()` when it logged this failure: the `request_id` of the ERROR (or CANCELLED) record, to look it up. */
  requestId: string | undefined;

  constructor(code: PromptlineErrorCode, message: string, options: PromptlineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PromptlineError";
    this.code = code;
  }

  /** Works across package copies and realms, unlike `instanceof`. */
  static isInstance(error: unknown): error is PromptlineError {
    return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }

  /** The structured fields, for logs and HTTP bodies. */
  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message };
  }
}

/** A template was rendered without some of its input variables (strict mode). */
export class MissingVariablesError extends PromptlineError {
  readonly missing: readonly string[];

  constructor(missing: readonly string[], options: PromptlineErrorOptions = {}) {
    const names = missing.map((name) => `"${name}"`).join(", ");
    super(
      "missing_variables",
      `Missing input variable${missing.length === 1 ? "" : "s"} ${names}: pass ${missing.length === 1 ? "it" : "them"} in inputVariables, or create the client with \`strictVariables: false\` to render missing variables as empty.`,
      options,
    );
    this.name = "MissingVariablesError";
    this.missing = [...missing];
  }

  override toJSON() {
    return { ...super.toJSON(), missing: this.missing };
  }
}

/** A template that cannot be parsed or rendered: syntax error, unsupported field, render limit. */
export class InvalidTemplateError extends PromptlineError {
  readonly reason: string;
  /** Where in the template, e.g. `messages[1].content[0]`, when known. */
  readonly location: string | undefined;

  constructor(reason: string, details: { location?: string } & PromptlineErrorOptions = {}, code: "invalid_template" | "template_limit" = "invalid_template") {
    const where = details.location ? ` (at ${details.location})` : "";
    super(code, `Invalid template${where}: ${reason}`, details);
    this.name = "InvalidTemplateError";
    this.reason = reason;
    this.location = details.location;
  }

  override toJSON() {
    return { ...super.toJSON(), reason: this.reason, location: this.location ?? null };
  }
}

/**
 * A render went over one of its limits (`RenderLimits`: output size, string or
 * list length, growth, steps, wall time, nesting, format width, snippet
 * expansion). A subclass of `InvalidTemplateError`, so code that catches that
 * still does, with its own `code`, `template_limit`, and the limit's name and value.
 */
export class TemplateLimitError extends InvalidTemplateError {
  /** The name of the limit, a key of `RenderLimits` (e.g. `maxSteps`). */
  readonly limit: string;
  /** Its value in this render. */
  readonly limitValue: number;
  /** What went over it, e.g. "range() of 100000 items". */
  readonly detail: string;

  constructor(limit: string, limitValue: number, detail: string, details: { location?: string } & PromptlineErrorOptions = {}) {
    super(
      `render limit exceeded: ${detail} (${limit} = ${limitValue}). Make the template or its inputs smaller, or have the operator raise ${limit} in the render limits.`,
      details,
      "template_limit",
    );
    this.name = "TemplateLimitError";
    this.limit = limit;
    this.limitValue = limitValue;
    this.detail = detail;
  }

  override toJSON() {
    return { ...super.toJSON(), limit: this.limit, limit_value: this.limitValue };
  }
}

/** The registry has no prompt (or no such version or label of it). */
export class PromptNotFoundError extends PromptlineError {
  readonly promptName: string;
  readonly version: number | undefined;
  readonly label: string | undefined;
  /** The labels the prompt has, when the prompt exists but the label asked for does not. */
  readonly existingLabels: readonly string[] | undefined;

  constructor(
    promptName: string,
    selector: { version?: number; label?: string; existingLabels?: readonly string[] } = {},
    options: PromptlineErrorOptions = {},
  ) {
    super("prompt_not_found", notFoundMessage(promptName, selector), options);
    this.name = "PromptNotFoundError";
    this.promptName = promptName;
    this.version = selector.version;
    this.label = selector.label;
    this.existingLabels = selector.label !== undefined ? selector.existingLabels : undefined;
  }

  override toJSON() {
    return {
      ...super.toJSON(),
      prompt_name: this.promptName,
      version: this.version ?? null,
      label: this.label ?? null,
      ...(this.existingLabels && { existing_labels: [...this.existingLabels] }),
    };
  }
}

function notFoundMessage(promptName: string, selector: { version?: number; label?: string; existingLabels?: readonly string[] }): string {
  if (selector.version === undefined && selector.label !== undefined && selector.existingLabels) {
    const labels = selector.existingLabels.map((label) => `"${label}"`).join(", ");
    return (
      `Label "${selector.label}" of prompt "${promptName}" not found: ` +
      (labels ? `its labels are ${labels}.` : "it has no labels yet.") +
      ` Point one at a version with \`promptline label set ${promptName} ${selector.label} <version>\`, or ask for another label.`
    );
  }
  const which = selector.version !== undefined ? ` version ${selector.version}` : selector.label !== undefined ? ` with label "${selector.label}"` : "";
  return `Prompt "${promptName}"${which} not found: check the name, or publish it first (promptline push, or client.templates.publish).`;
}

/** The prompt is archived: it can't run or take new versions until it is unarchived. */
export class PromptArchivedError extends PromptlineError {
  readonly promptName: string;
  readonly archivedAt: string | undefined;

  constructor(promptName: string, archivedAt?: string, options: PromptlineErrorOptions = {}) {
    super(
      "prompt_archived",
      `Prompt "${promptName}" is archived${archivedAt ? ` (since ${archivedAt})` : ""}: an archived prompt can't run or take new versions. ` +
        `Unarchive it to use it again: \`promptline unarchive ${promptName}\`, or Unarchive on its dashboard page.`,
      options,
    );
    this.name = "PromptArchivedError";
    this.promptName = promptName;
    this.archivedAt = archivedAt;
  }

  override toJSON() {
    return { ...super.toJSON(), prompt_name: this.promptName, archived_at: this.archivedAt ?? null };
  }
}

/** A request the caller got wrong (bad parameter, wrong type). */
export class InvalidRequestError extends PromptlineError {
  readonly issues: readonly string[];

  constructor(message: string, issues: readonly string[] = [], options: PromptlineErrorOptions = {}) {
    super("invalid_request", message, options);
    this.name = "InvalidRequestError";
    this.issues = [...issues];
  }

  override toJSON() {
    return { ...super.toJSON(), issues: this.issues };
  }
}

/** The error types of PromptLayer's log records (`error_type`). */
export const providerErrorTypes = [
  "PROVIDER_RATE_LIMIT",
  "PROVIDER_QUOTA_LIMIT",
  "PROVIDER_TIMEOUT",
  "PROVIDER_AUTH_ERROR",
  "PROVIDER_ERROR",
  "UNKNOWN_ERROR",
] as const;
export type ProviderErrorType = (typeof providerErrorTypes)[number];

/** An LLM provider answered with an error, timed out, or broke its stream. */
export class ProviderError extends PromptlineError {
  readonly provider: string;
  /** HTTP status, or undefined for network errors, timeouts and broken streams. */
  readonly status: number | undefined;
  /** The provider's own error message, as it sent it. */
  readonly providerMessage: string;
  /** Whether the same request may succeed if tried again (429, 5xx, 529, timeouts). */
  readonly isRetryable: boolean;
  /** Milliseconds the provider asked us to wait (`retry-after-ms` / `retry-after`). */
  readonly retryAfterMs: number | undefined;
  readonly errorType: ProviderErrorType;
  readonly responseBody: unknown;

  constructor(details: {
    provider: string;
    status?: number;
    providerMessage: string;
    isRetryable?: boolean;
    retryAfterMs?: number;
    errorType?: ProviderErrorType;
    responseBody?: unknown;
    cause?: unknown;
  }) {
    const status = details.status;
    const errorType = details.errorType ?? classifyProviderError(status, details.providerMessage);
    const prefix = status === undefined ? "" : `${status} `;
    super("provider_error", `${details.provider} error: ${prefix}${details.providerMessage}`, { cause: details.cause });
    this.name = "ProviderError";
    this.provider = details.provider;
    this.status = status;
    this.providerMessage = details.providerMessage;
    this.isRetryable = details.isRetryable ?? isRetryableStatus(status);
    this.retryAfterMs = details.retryAfterMs;
    this.errorType = errorType;
    this.responseBody = details.responseBody;
  }

  override toJSON() {
    return {
      ...super.toJSON(),
      provider: this.provider,
      status: this.status ?? null,
      provider_message: this.providerMessage,
      is_retryable: this.isRetryable,
      error_type: this.errorType,
    };
  }
}

/** 408, 409, 429 and 5xx (Anthropic's 529 included) are worth another try. */
export function isRetryableStatus(status: number | undefined): boolean {
  if (status === undefined) return true;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** The `error_type` of a failed provider call, by PromptLayer's rules. */
export function classifyProviderError(status: number | undefined, message: string): ProviderErrorType {
  const text = message.toLowerCase();
  if (status === 429) return text.includes("quota") ? "PROVIDER_QUOTA_LIMIT" : "PROVIDER_RATE_LIMIT";
  if (status === 401 || status === 403) return "PROVIDER_AUTH_ERROR";
  if (status === 402 || text.includes("quota")) return "PROVIDER_QUOTA_LIMIT";
  if (status === 408 || text.includes("timeout") || text.includes("timed out")) return "PROVIDER_TIMEOUT";
  if (status !== undefined) return "PROVIDER_ERROR";
  return "UNKNOWN_ERROR";
}

/** A provider's API key is not in the environment. */
export class MissingProviderKeyError extends PromptlineError {
  readonly provider: string;
  /** The environment variables any one of which would do, in order of preference. */
  readonly envVars: readonly string[];

  constructor(provider: string, envVars: readonly string[], options: PromptlineErrorOptions = {}) {
    const vars = envVars.join(" or ");
    super("missing_provider_key", `No API key for ${provider}: set ${vars} in the environment.`, options);
    this.name = "MissingProviderKeyError";
    this.provider = provider;
    this.envVars = [...envVars];
  }

  override toJSON() {
    return { ...super.toJSON(), provider: this.provider, env_vars: this.envVars };
  }
}

/** A provider, API type or template type that no codec handles. */
export class UnsupportedProviderError extends PromptlineError {
  readonly provider: string;

  /** `options.knownProviders`: the providers to suggest (the registry's `unsupportedProvider` passes them all). */
  constructor(provider: string, detail?: string, options: PromptlineErrorOptions & { knownProviders?: readonly string[] } = {}) {
    const { knownProviders = [], ...rest } = options;
    const choices = knownProviders.length > 0 ? `use one of ${knownProviders.join(", ")}, or` : "use";
    super(
      "unsupported_provider",
      `Unsupported provider "${provider}"${detail ? ` (${detail})` : ""}: ${choices} an OpenAI-compatible endpoint through provider "openai" with a base URL.`,
      rest,
    );
    this.name = "UnsupportedProviderError";
    this.provider = provider;
  }

  override toJSON() {
    return { ...super.toJSON(), provider: this.provider };
  }
}

/**
 * The template asks for structured output (`response_format` json or
 * json_schema) and the provider, model or API it runs on can't enforce it.
 * `run()` refuses rather than send a request that quietly drops the schema.
 */
export class ResponseFormatUnsupportedError extends PromptlineError {
  readonly provider: string;
  readonly model: string;
  readonly reason: string;

  constructor(details: { provider: string; model: string; reason: string } & PromptlineErrorOptions) {
    super(
      "response_format_unsupported",
      `${details.provider} ${details.model} can't enforce the template's response_format: ${details.reason}. ` +
        "Run it where structured output is enforced (openai, anthropic, google, mistral or amazon.bedrock chat models), " +
        "or pass allowDroppedResponseFormat: true to run() to send it without the schema (the result's warnings say so).",
      details,
    );
    this.name = "ResponseFormatUnsupportedError";
    this.provider = details.provider;
    this.model = details.model;
    this.reason = details.reason;
  }

  override toJSON() {
    return { ...super.toJSON(), provider: this.provider, model: this.model, reason: this.reason };
  }
}

/**
 * A template's `base_url` would send a provider credential to an origin that
 * is not trusted: not the provider's official endpoint, not a base URL of the
 * environment, not an allow-listed origin. Thrown before any request is sent.
 */
export class UntrustedBaseURLError extends PromptlineError {
  readonly provider: string;
  /** The origin the template names, e.g. `https://collector.example`. */
  readonly origin: string;

  constructor(provider: string, origin: string, details: { envVars?: readonly string[] } & PromptlineErrorOptions = {}) {
    const envHint = details.envVars?.length ? `, or set ${details.envVars.join(" or ")} to it` : "";
    super(
      "untrusted_base_url",
      `The template's base_url sends the ${provider} credentials to ${origin}, which is not a trusted endpoint: nothing was sent. To allow it, add "${origin}" to new Promptline({ allowedBaseURLs: [...] }) or to PROMPTLINE_ALLOWED_BASE_URLS (comma-separated origins)${envHint}.`,
      details,
    );
    this.name = "UntrustedBaseURLError";
    this.provider = provider;
    this.origin = origin;
  }

  override toJSON() {
    return { ...super.toJSON(), provider: this.provider, origin: this.origin };
  }
}

/** The registry could not be reached or answered with a transient error. */
export class RegistryError extends PromptlineError {
  readonly status: number | undefined;
  readonly isRetryable: boolean;

  constructor(message: string, details: { status?: number; isRetryable?: boolean } & PromptlineErrorOptions = {}) {
    super("registry_error", message, details);
    this.name = "RegistryError";
    this.status = details.status;
    this.isRetryable = details.isRetryable ?? isRetryableStatus(details.status);
  }

  override toJSON() {
    return { ...super.toJSON(), status: this.status ?? null, is_retryable: this.isRetryable };
  }
}

/** A missing, wrong or revoked API key. The message never says which keys exist. */
export class UnauthorizedError extends PromptlineError {
  constructor(message = "Invalid or missing API key: pass it in the X-API-KEY header (or api_key in the body where the route takes it).") {
    super("unauthorized", message);
    this.name = "UnauthorizedError";
  }
}

/** The SDK has no API key for the registry: neither the `apiKey` option nor `PROMPTLINE_API_KEY` is set. */
export class MissingApiKeyError extends PromptlineError {
  constructor() {
    super(
      "missing_api_key",
      "No Promptline API key: PROMPTLINE_API_KEY is not set (or empty) and no apiKey option was given. Create a key with `promptline keys create` (or in the dashboard) and set PROMPTLINE_API_KEY, or pass new Promptline({ apiKey }).",
    );
    this.name = "MissingApiKeyError";
  }
}

/** `run()` (or a registry call) on a client whose `close()` was called: nothing is sent, since its log could not be shipped. */
export class ClientClosedError extends PromptlineError {
  constructor(operation: string) {
    super("client_closed", `${operation} was called after close(): this Promptline client is closed and sends nothing. Create a new client (or call close() only when the process is done).`);
    this.name = "ClientClosedError";
  }
}

/**
 * A server's answer that does not have the shape of the wire contract
 * (`@promptline/core/wire`): a field of the wrong type, or a required one
 * missing. Raised where the answer is read, naming the route and the field,
 * rather than as a crash later where the value is used. Unknown fields never
 * raise it. Not retryable: the same server gives the same answer.
 */
export class UnexpectedResponseError extends PromptlineError {
  /** The route read, e.g. `GET /api/v1/prompts/{name}/template`. */
  readonly route: string;
  /** The first wrong field's path in the answer, e.g. `version.version` (empty for the whole body). */
  readonly path: string;
  /** Every problem, `path: message`. */
  readonly issues: readonly string[];

  constructor(route: string, issues: readonly { path: string; message: string }[], options: PromptlineErrorOptions = {}) {
    const first = issues[0] ?? { path: "", message: "not what was expected" };
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
    super(
      "unexpected_response",
      `The answer to ${route} is not what this client reads: ${first.path ? `${first.path}: ` : "the body: "}${first.message}${more}. Is the server a Promptline server of a matching version (check the base URL)?`,
      options,
    );
    this.name = "UnexpectedResponseError";
    this.route = route;
    this.path = first.path;
    this.issues = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message));
  }

  override toJSON() {
    return { ...super.toJSON(), route: this.route, path: this.path, issues: this.issues };
  }
}
