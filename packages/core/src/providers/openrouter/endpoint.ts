import { apiKeyEndpoint } from "../endpoint-helpers.js";
import type { ProviderEndpointSpec, ProviderStreamSpec } from "../provider-descriptor.js";

/** OpenRouter's API when `OPENROUTER_BASE_URL` is not set. */
export const defaultOpenRouterBaseURL = "https://openrouter.ai/api/v1";

/**
 * `OPENROUTER_API_KEY` (Bearer), or the template's `api_key_env`; optional
 * `OPENROUTER_SITE_URL` (`HTTP-Referer`) and `OPENROUTER_APP_NAME`
 * (`X-Title`), OpenRouter's app attribution. Base URL: the template's,
 * `OPENROUTER_BASE_URL`, else `https://openrouter.ai/api/v1`.
 */
export const openrouterEndpoint: ProviderEndpointSpec = apiKeyEndpoint({
  provider: "openrouter",
  keyEnv: ["OPENROUTER_API_KEY"],
  baseURLEnv: "OPENROUTER_BASE_URL",
  defaultBaseURL: defaultOpenRouterBaseURL,
  acceptsApiKeyEnv: true,
  headers: (key) => ({ authorization: `Bearer ${key}` }),
  // OpenRouter's app attribution.
  optionalHeaders: { OPENROUTER_SITE_URL: "http-referer", OPENROUTER_APP_NAME: "x-title" },
});

/** OpenRouter always ends with `data: [DONE]`: no other event counts as the end. */
export const openrouterStream: ProviderStreamSpec = { framing: "sse", isEnd: () => false };
