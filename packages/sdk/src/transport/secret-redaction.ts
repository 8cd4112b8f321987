/**
 * Keeps provider credentials out of logs and error messages. Endpoints carry
 * keys in their headers because fetch needs them; everything that leaves the
 * transport for a human (errors, log records) goes through these helpers.
 */

const redacted = "[redacted]";

/** Header names whose values are credentials (compared in lower case). */
const sensitiveHeaderNames = new Set([
  "authorization",
  "proxy-authorization",
  "api-key",
  "x-api-key",
  "x-goog-api-key",
  "x-amz-security-token",
  "cookie",
]);

function isSensitiveHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return sensitiveHeaderNames.has(lower) || /(key|token|secret|password)/.test(lower);
}

/**
 * A copy of `headers` safe to log: credential values become `[redacted]`
 * (an `Authorization` keeps its scheme, e.g. `Bearer [redacted]`).
 *
 * @example
 * logger.debug({ headers: redactHeaders(endpoint.headers) });
 */
export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const safe: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!isSensitiveHeader(name)) {
      safe[name] = value;
      continue;
    }
    const scheme = name.toLowerCase() === "authorization" ? /^(\S+)\s+\S/.exec(value)?.[1] : undefined;
    safe[name] = scheme ? `${scheme} ${redacted}` : redacted;
  }
  return safe;
}

/** The credential values among `headers` (an `Authorization` without its scheme). */
export function secretHeaderValues(headers: Readonly<Record<string, string>>): string[] {
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!isSensitiveHeader(name)) continue;
    secrets.push(value);
    const credential = /^\S+\s+(\S.*)$/.exec(value)?.[1];
    if (credential) secrets.push(credential);
  }
  return secrets;
}

/**
 * A function that replaces every occurrence of the given secrets, in a string
 * or anywhere inside a JSON-like value, with `[redacted]`. Secrets shorter than
 * 4 characters are ignored (they would redact ordinary words).
 */
export function createSecretScrubber(secrets: readonly string[]): <T>(value: T) => T {
  const needles = [...new Set(secrets.filter((secret) => secret.length >= 4))].sort((a, b) => b.length - a.length);
  const scrubText = (text: string): string => needles.reduce((result, needle) => result.split(needle).join(redacted), text);
  const scrub = (value: unknown): unknown => {
    if (typeof value === "string") return scrubText(value);
    if (Array.isArray(value)) return value.map(scrub);
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, scrub(inner)]));
    }
    return value;
  };
  return <T>(value: T): T => (needles.length === 0 ? value : (scrub(value) as T));
}
