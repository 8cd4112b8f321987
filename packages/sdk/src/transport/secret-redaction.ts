/**
 * Keeps provider credentials out of logs and error messages. Endpoints carry
 * keys in their headers because fetch needs them; everything that leaves the
 * transport for a human (errors, log records) goes through these helpers.
 */

import { isCredentialHeader } from "@promptline/core/secrets";

// One rule for what a credential header is, and one `redactHeaders`: core's (the testkit prints with it too).
export { redactHeaders } from "@promptline/core/secrets";

const redacted = "[redacted]";

/** The credential values among `headers` (an `Authorization` without its scheme). */
export function secretHeaderValues(headers: Readonly<Record<string, string>>): string[] {
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!isCredentialHeader(name)) continue;
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
