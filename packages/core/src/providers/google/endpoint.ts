import { requireKey, withVersion } from "../endpoint-helpers.js";
import type { ProviderEndpointSpec, ProviderStreamSpec } from "../provider-descriptor.js";

/**
 * `GOOGLE_API_KEY` or `GEMINI_API_KEY` (`x-goog-api-key`); base URL
 * `GOOGLE_GEMINI_BASE_URL` + `/v1beta` (`https://generativelanguage.googleapis.com/v1beta`).
 */
export const googleEndpoint: ProviderEndpointSpec = {
  baseURLEnv: ["GOOGLE_GEMINI_BASE_URL"],
  officialOrigins: ["https://generativelanguage.googleapis.com"],
  resolve({ read, templateBaseURL }) {
    const key = requireKey("google", read, ["GOOGLE_API_KEY", "GEMINI_API_KEY"]);
    const baseURL = withVersion(templateBaseURL ?? read("GOOGLE_GEMINI_BASE_URL") ?? "https://generativelanguage.googleapis.com", "/v1beta");
    // The key goes in a header, not `?key=`, so it never lands in URL logs.
    return { baseURL, headers: { "x-goog-api-key": key }, secrets: [key], auth: { scheme: "headers" } };
  },
};

/** Gemini ends its SSE stream without a marker. */
export const googleStream: ProviderStreamSpec = { framing: "sse", isEnd: null };
