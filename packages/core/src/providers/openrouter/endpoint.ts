import { keyNames, requireKey, trimSlashes } from "../endpoint-helpers.js";
import type { ProviderEndpointSpec, ProviderStreamSpec } from "../provider-descriptor.js";

/** OpenRouter's API when `OPENROUTER_BASE_URL` is not set. */
export const defaultOpenRouterBaseURL = "https://openrouter.ai/api/v1";

/**
 * `OPENROUTER_API_KEY` (Bearer), or the template's `api_key_env`; optional
 * `OPENROUTER_SITE_URL` (`HTTP-Referer`) and `OPENROUTER_APP_NAME`
 * (`X-Title`), OpenRouter's app attribution. Base URL: the template's,
 * `OPENROUTER_BASE_URL`, else `https://openrouter.ai/api/v1`.
 */
export const openrouterEndpoint: ProviderEndpointSpec = {
  baseURLEnv: ["OPENROUTER_BASE_URL"],
  officialOrigins: ["https://openrouter.ai"],
  acceptsApiKeyEnv: true,
  resolve({ read, templateBaseURL, apiKeyEnv }) {
    const key = requireKey("openrouter", read, keyNames(apiKeyEnv, ["OPENROUTER_API_KEY"]));
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    const siteURL = read("OPENROUTER_SITE_URL");
    const appName = read("OPENROUTER_APP_NAME");
    if (siteURL) headers["http-referer"] = siteURL;
    if (appName) headers["x-title"] = appName;
    const baseURL = templateBaseURL ?? read("OPENROUTER_BASE_URL") ?? defaultOpenRouterBaseURL;
    return { baseURL: trimSlashes(baseURL), headers, secrets: [key], auth: { scheme: "headers" } };
  },
};

/** OpenRouter always ends with `data: [DONE]`: no other event counts as the end. */
export const openrouterStream: ProviderStreamSpec = { framing: "sse", isEnd: () => false };
