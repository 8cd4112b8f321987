import { apiKeyEndpoint } from "../endpoint-helpers.js";
import type { ProviderEndpointSpec, ProviderStreamSpec } from "../provider-descriptor.js";

/**
 * `GOOGLE_API_KEY` or `GEMINI_API_KEY` (`x-goog-api-key`); base URL
 * `GOOGLE_GEMINI_BASE_URL` + `/v1beta` (`https://generativelanguage.googleapis.com/v1beta`).
 */
export const googleEndpoint: ProviderEndpointSpec = apiKeyEndpoint({
  provider: "google",
  keyEnv: ["GOOGLE_API_KEY", "GEMINI_API_KEY"],
  baseURLEnv: "GOOGLE_GEMINI_BASE_URL",
  defaultBaseURL: "https://generativelanguage.googleapis.com",
  version: "/v1beta",
  // The key goes in a header, not `?key=`, so it never lands in URL logs.
  headers: (key) => ({ "x-goog-api-key": key }),
});

/** Gemini ends its SSE stream without a marker. */
export const googleStream: ProviderStreamSpec = { framing: "sse", isEnd: null };
