/**
 * A logged failure in words a reader acts on. PromptLayer's `error_type`s
 * have no "connection refused": the SDK logs a network failure as
 * `UNKNOWN_ERROR` with the socket's code in the message, so the dashboard
 * reads the code.
 */
export function describeFailure(errorType: string | null, message: string | null): { title: string; detail: string } {
  const text = message ?? "";
  const address = /\b(?:ECONNREFUSED|ENOTFOUND|ECONNRESET|ETIMEDOUT|EAI_AGAIN)\b\s*([^\s)]+)?/.exec(text)?.[1];
  const at = address ? ` at ${address}` : "";
  if (/\bECONNREFUSED\b/.test(text)) {
    return { title: "Connection refused", detail: `Nothing accepted the connection${at}: check the provider's address (its *_BASE_URL variable or the template's base_url) and that it is up. ${text}` };
  }
  if (/\b(?:ENOTFOUND|EAI_AGAIN)\b/.test(text)) {
    return { title: "Host not found", detail: `The provider's host name${at} did not resolve: check its address. ${text}` };
  }
  if (/\b(?:ECONNRESET|ETIMEDOUT)\b/.test(text)) {
    return { title: "Connection dropped", detail: `The connection${at} was reset or timed out before an answer. ${text}` };
  }
  return { title: errorType ?? "Error", detail: text || "The provider call failed." };
}
