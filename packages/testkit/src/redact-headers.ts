import { redactHeaders } from "@promptline/core";
import type { RecordedRequest } from "./types.js";

// Core's: the SDK and the testkit print headers by one rule.
export { redactHeaders };

/** Query parameters that carry credentials (Gemini accepts its key as `?key=`). */
const SECRET_QUERY_PARAMETERS = new Set(["key", "api_key", "x-amz-security-token", "x-amz-signature", "x-amz-credential"]);

const REDACTED = "[redacted]";

/** A recorded request as indented JSON, with credentials redacted from its headers and query. */
export function formatRecordedRequest(request: RecordedRequest): string {
  const query = Object.fromEntries(
    Object.entries(request.query).map(([name, value]) => [name, SECRET_QUERY_PARAMETERS.has(name.toLowerCase()) ? REDACTED : value]),
  );
  return JSON.stringify({ ...request, query, headers: redactHeaders(request.headers) }, null, 2);
}
