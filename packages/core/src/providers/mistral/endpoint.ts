import { apiKeyEndpoint } from "../endpoint-helpers.js";
import type { ProviderEndpointSpec, ProviderStreamSpec } from "../provider-descriptor.js";

/** `MISTRAL_API_KEY` (Bearer); base URL `MISTRAL_BASE_URL` + `/v1` (`https://api.mistral.ai/v1`). */
export const mistralEndpoint: ProviderEndpointSpec = apiKeyEndpoint({
  provider: "mistral",
  keyEnv: ["MISTRAL_API_KEY"],
  baseURLEnv: "MISTRAL_BASE_URL",
  defaultBaseURL: "https://api.mistral.ai",
  version: "/v1",
  headers: (key) => ({ authorization: `Bearer ${key}` }),
});

/** Mistral always ends with `data: [DONE]`: no other event counts as the end. */
export const mistralStream: ProviderStreamSpec = { framing: "sse", isEnd: () => false };
