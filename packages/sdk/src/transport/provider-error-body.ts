import { isRecord } from "@promptline/core/codecs";
/**
 * Reads the providers' error bodies: each has its own shape, and a gateway in
 * front of them may answer with an HTML page. Pure: no I/O.
 */

/**
 * The provider's own message in an error body:
 * OpenAI, Anthropic, Google `{error: {message}}`; Mistral `{message}` (a string,
 * or `{detail: [...]}` for validation errors) or `{detail}`; Bedrock `{message}`
 * or `{Message}`. Google's streaming endpoint wraps the error in an array.
 * Undefined when none is found.
 */
export function extractProviderMessage(body: unknown): string | undefined {
  if (Array.isArray(body)) return body.length > 0 ? extractProviderMessage(body[0]) : undefined;
  if (!isRecord(body)) return undefined;
  const { error } = body;
  if (isRecord(error)) {
    if (typeof error.message === "string" && error.message) return error.message;
    return extractProviderMessage(error);
  }
  if (typeof error === "string" && error) return error;
  for (const field of ["message", "Message"]) {
    const value = body[field];
    if (typeof value === "string" && value) return value;
    if (isRecord(value)) {
      const nested = extractProviderMessage(value);
      if (nested) return nested;
    }
  }
  return detailMessage(body.detail);
}

/** FastAPI-style `detail`: a string or a list of `{loc, msg}` (Mistral's 422). */
function detailMessage(detail: unknown): string | undefined {
  if (typeof detail === "string" && detail) return detail;
  if (!Array.isArray(detail) || detail.length === 0) return undefined;
  return detail
    .map((item) => {
      if (!isRecord(item) || typeof item.msg !== "string") return JSON.stringify(item);
      const location = Array.isArray(item.loc) ? item.loc.join(".") : undefined;
      return location ? `${location}: ${item.msg}` : item.msg;
    })
    .join("; ");
}

/**
 * A short message for a body that is not JSON (or has no message): the text
 * itself when it is plain, the status text when it is an HTML page.
 */
export function fallbackMessage(text: string, status: number, statusText: string): string {
  const trimmed = text.trim();
  const statusLine = statusText || `HTTP ${status}`;
  if (!trimmed) return statusLine;
  if (trimmed.startsWith("<")) return `${statusLine} (non-JSON response)`;
  return trimmed.length > 500 ? `${trimmed.slice(0, 500)}…` : trimmed;
}

/** Parses JSON, or returns undefined: error bodies are often not JSON. */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Google puts its retry hint in the body (`google.rpc.RetryInfo`,
 * `retryDelay: "34.4s"`) rather than in a header. Milliseconds, or undefined.
 */
export function retryAfterFromBody(body: unknown): number | undefined {
  const error = Array.isArray(body) ? (isRecord(body[0]) ? body[0].error : undefined) : isRecord(body) ? body.error : undefined;
  if (!isRecord(error) || !Array.isArray(error.details)) return undefined;
  for (const detail of error.details) {
    if (!isRecord(detail) || typeof detail.retryDelay !== "string") continue;
    const match = /^(\d+(?:\.\d+)?)s$/.exec(detail.retryDelay.trim());
    if (match?.[1]) return Number.parseFloat(match[1]) * 1000;
  }
  return undefined;
}

/** Anthropic's error types and the statuses they come with (its streams send errors as events). */
const anthropicErrorStatus: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
};

/**
 * The error an in-stream event carries, if it is one: an SSE `event: error`
 * (Anthropic), a payload of `type: "error"` (Anthropic, OpenAI Responses), or
 * a payload whose only purpose is a top-level `error` object (OpenAI chat,
 * Google). Undefined for an ordinary event.
 */
export function streamEventError(
  payload: unknown,
  sseEventName: string | undefined,
): { message: string; status: number | undefined } | undefined {
  const record = isRecord(payload) ? payload : undefined;
  const isError =
    sseEventName === "error" || record?.type === "error" || (record !== undefined && record.type === undefined && isRecord(record.error));
  if (!isError) return undefined;
  const message = extractProviderMessage(payload) ?? (typeof payload === "string" && payload ? payload : "stream error");
  const error = record && isRecord(record.error) ? record.error : record;
  let status: number | undefined;
  if (typeof error?.code === "number" && error.code >= 400 && error.code <= 599) status = error.code;
  else if (typeof error?.type === "string") status = anthropicErrorStatus[error.type];
  return { message, status };
}
