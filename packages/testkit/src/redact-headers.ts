import type { RecordedRequest } from "./types.js";

/** Headers that carry credentials; their values never appear in anything the testkit prints. */
const SECRET_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "x-api-key",
  "api-key",
  "x-goog-api-key",
  "cookie",
  "set-cookie",
  "x-amz-security-token",
]);

/** Query parameters that carry credentials (Gemini accepts its key as `?key=`). */
const SECRET_QUERY_PARAMETERS = new Set(["key", "api_key", "x-amz-security-token", "x-amz-signature", "x-amz-credential"]);

const REDACTED = "[redacted]";

/**
 * Returns a copy of `headers` safe to print: credential headers keep only their scheme
 * (`Bearer [redacted]`, `AWS4-HMAC-SHA256 [redacted]`), everything else is unchanged.
 */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const redacted: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!SECRET_HEADERS.has(name.toLowerCase())) {
      redacted[name] = value;
      continue;
    }
    const scheme = /^(Bearer|Basic|AWS4-HMAC-SHA256)\s/iu.exec(value)?.[1];
    redacted[name] = scheme === undefined ? REDACTED : `${scheme} ${REDACTED}`;
  }
  return redacted;
}

/** A recorded request as indented JSON, with credentials redacted from its headers and query. */
export function formatRecordedRequest(request: RecordedRequest): string {
  const query = Object.fromEntries(
    Object.entries(request.query).map(([name, value]) => [name, SECRET_QUERY_PARAMETERS.has(name.toLowerCase()) ? REDACTED : value]),
  );
  return JSON.stringify({ ...request, query, headers: redactHeaders(request.headers) }, null, 2);
}
