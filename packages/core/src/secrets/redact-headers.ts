/**
 * HTTP headers safe to print: the SDK's endpoint views and the testkit's
 * recorded requests both go through this one rule.
 */

const redacted = "[redacted]";

/** Header names whose values are credentials (compared in lower case), besides any name that says key, token, secret or password. */
const credentialHeaderNames = new Set([
  "authorization",
  "proxy-authorization",
  "api-key",
  "x-api-key",
  "x-goog-api-key",
  "x-amz-security-token",
  "cookie",
  "set-cookie",
]);

/** Whether a header's value is a credential. */
export function isCredentialHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return credentialHeaderNames.has(lower) || /(key|token|secret|password)/.test(lower);
}

/**
 * A copy of `headers` safe to print: credential values become `[redacted]`;
 * an `Authorization` (or `Proxy-Authorization`) keeps its scheme, e.g.
 * `Bearer [redacted]`, `AWS4-HMAC-SHA256 [redacted]`.
 *
 * @example
 * logger.debug({ headers: redactHeaders(endpoint.headers) });
 */
export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const safe: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!isCredentialHeader(name)) {
      safe[name] = value;
      continue;
    }
    const lower = name.toLowerCase();
    const scheme = lower === "authorization" || lower === "proxy-authorization" ? /^(\S+)\s+\S/.exec(value)?.[1] : undefined;
    safe[name] = scheme ? `${scheme} ${redacted}` : redacted;
  }
  return safe;
}
