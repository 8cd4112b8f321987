import { PromptlineError, type PromptlineErrorCode } from "@promptline/core";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { LabelProtectedError } from "../storage/index.js";
import { ForbiddenError, NotFoundError, PayloadTooLargeError, TooManyAttemptsError } from "./route-errors.js";

const statusByCode: Record<PromptlineErrorCode, ContentfulStatusCode> = {
  missing_variables: 400,
  invalid_template: 400,
  template_limit: 400,
  invalid_request: 400,
  unsupported_provider: 400,
  response_format_unsupported: 400,
  missing_provider_key: 400,
  untrusted_base_url: 400,
  prompt_not_found: 404,
  // Gone until unarchived: the official SDKs surface the message.
  prompt_archived: 410,
  unauthorized: 401,
  // Raised by the SDK before any request; never by the server.
  missing_api_key: 401,
  client_closed: 500,
  conflict: 409,
  provider_error: 502,
  registry_error: 503,
  // Raised by clients reading an answer; never by the server.
  unexpected_response: 502,
  internal_error: 500,
};

/** The one error body of the server: PromptLayer's `{success:false, message}` plus our structured `error`. */
export interface ErrorBody {
  success: false;
  message: string;
  error: { code: PromptlineErrorCode | "not_found" | "forbidden" | "label_protected" | "too_many_attempts" | "http_error"; message: string; [field: string]: unknown };
}

export function errorBody(code: ErrorBody["error"]["code"], message: string, fields: Record<string, unknown> = {}): ErrorBody {
  return { success: false, message, error: { ...fields, code, message } };
}

/** An error as the server answers it: status, body and extra headers. */
export interface ErrorAnswer {
  status: ContentfulStatusCode;
  body: ErrorBody;
  headers?: Record<string, string>;
}

/**
 * The one place errors become HTTP. Callers' mistakes are 4xx with a message
 * saying what is wrong; 5xx only for trouble on our side (and never with
 * internals in the message). `role`: the caller's key role, if known (named
 * in a protected label's refusal).
 */
export function errorAnswer(error: unknown, role: unknown, log: (error: unknown) => void = console.error): ErrorAnswer {
  if (PromptlineError.isInstance(error)) {
    const status = statusByCode[error.code];
    if (status < 500) return { status, body: errorBody(error.code, error.message, error.toJSON()) };
    // Ours to fix, not the caller's: log the detail, answer without it.
    log(error);
    return { status, body: errorBody(error.code, "Internal server error.") };
  }
  if (error instanceof NotFoundError) return { status: 404, body: errorBody("not_found", error.message) };
  if (error instanceof ForbiddenError) return { status: 403, body: errorBody("forbidden", error.message, error.fields) };
  if (error instanceof LabelProtectedError) {
    const message = `The release label "${error.label}" is protected in this workspace: moving, deleting or publishing onto it needs the deployer role${typeof role === "string" ? `; this key is a ${role}` : ""}. Use a deployer or admin key, or ask an admin to unprotect it (DELETE /api/v1/protected-labels/${encodeURIComponent(error.label)}).`;
    return { status: 403, body: errorBody("label_protected", message, { label: error.label, required_role: "deployer", ...(typeof role === "string" && { role }) }) };
  }
  if (error instanceof PayloadTooLargeError) return { status: 413, body: errorBody("invalid_request", error.message) };
  if (error instanceof TooManyAttemptsError) {
    return {
      status: 429,
      body: errorBody("too_many_attempts", error.message, { retry_after_seconds: error.retryAfterSeconds }),
      headers: { "retry-after": String(error.retryAfterSeconds) },
    };
  }
  if (error instanceof HTTPException) {
    const status = error.status;
    const message = status === 413 ? "Request body too large." : error.message || "Request failed.";
    return { status: status as ContentfulStatusCode, body: errorBody("http_error", message) };
  }
  log(error);
  return { status: 500, body: errorBody("internal_error", "Internal server error.") };
}

/** `errorAnswer` as the app's error handler answers it (`app.onError`). */
export function toErrorResponse(error: unknown, c: Context, log: (error: unknown) => void = console.error): Response {
  const { status, body, headers } = errorAnswer(error, c.get("apiKey")?.role, log);
  return headers ? c.json(body, status, headers) : c.json(body, status);
}
