/**
 * Request keys that carry credentials or endpoints rather than the request
 * itself. PromptLayer's SDK leaves some of them in `kwargs` (contract §8, B2)
 * and sends them to `/track-request`; we never store, log or forward them.
 */
export const secretRequestKeys: readonly string[] = [
  "apiKey",
  "api_key",
  "baseURL",
  "baseUrl",
  "base_url",
  "apiVersion",
  "endpoint",
  "organization",
  "project",
  "aws_access_key",
  "aws_secret_key",
  "aws_session_token",
  "aws_region",
  "awsAccessKey",
  "awsSecretKey",
  "awsSessionToken",
  "awsRegion",
];

/** The request body without credential and endpoint keys (a new object; the input is untouched). */
export function stripSecrets<T extends Record<string, unknown>>(kwargs: T): Record<string, unknown> {
  const clean: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(kwargs)) if (!secretRequestKeys.includes(key)) clean[key] = value;
  return clean;
}

const secretLike = /(sk-[A-Za-z0-9_-]{8,}|sk-ant-[A-Za-z0-9_-]{8,}|AKIA[0-9A-Z]{12,}|AIza[0-9A-Za-z_-]{20,}|pl_[A-Za-z0-9_-]{16,})/g;

/** A text with anything that looks like a provider or Promptline key replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  return text.replace(secretLike, "[redacted]");
}
