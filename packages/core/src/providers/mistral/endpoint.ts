import { requireKey, withVersion } from "../endpoint-helpers.js";
import type { ProviderEndpointSpec, ProviderStreamSpec } from "../provider-descriptor.js";

/** `MISTRAL_API_KEY` (Bearer); base URL `MISTRAL_BASE_URL` + `/v1` (`https://api.mistral.ai/v1`). */
export const mistralEndpoint: ProviderEndpointSpec = {
  baseURLEnv: ["MISTRAL_BASE_URL"],
  officialOrigins: ["https://api.mistral.ai"],
  resolve({ read, templateBaseURL }) {
    const key = requireKey("mistral", read, ["MISTRAL_API_KEY"]);
    const baseURL = withVersion(templateBaseURL ?? read("MISTRAL_BASE_URL") ?? "https://api.mistral.ai", "/v1");
    return { baseURL, headers: { authorization: `Bearer ${key}` }, secrets: [key], auth: { scheme: "headers" } };
  },
};

/** Mistral always ends with `data: [DONE]`: no other event counts as the end. */
export const mistralStream: ProviderStreamSpec = { framing: "sse", isEnd: () => false };
