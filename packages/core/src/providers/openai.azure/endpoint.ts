import { missingSetting, requireKey, trimSlashes } from "../endpoint-helpers.js";
import type { ProviderEndpointSpec } from "../provider-descriptor.js";

export { openaiStream as azureOpenaiStream } from "../openai/endpoint.js";

/**
 * Azure OpenAI `api-version` used when `OPENAI_API_VERSION` is not set: the
 * latest GA release of the dated data-plane inference API (chat completions,
 * completions, images). The Responses API needs a preview version
 * (`2025-03-01-preview` or later): set `OPENAI_API_VERSION`, or point
 * `AZURE_OPENAI_ENDPOINT` at the v1 API (`https://…/openai/v1`), which needs none.
 */
export const defaultAzureApiVersion = "2024-10-21";

/**
 * `AZURE_OPENAI_API_KEY` (`api-key`) on the resource `AZURE_OPENAI_ENDPOINT`
 * (which wins over the template's `base_url`, as in PromptLayer); codec paths
 * start with `/openai/`, `?api-version=` from `OPENAI_API_VERSION`. An
 * endpoint ending in `/openai/v1` uses Azure's v1 API.
 */
export const azureOpenaiEndpoint: ProviderEndpointSpec = {
  baseURLEnv: ["AZURE_OPENAI_ENDPOINT"],
  // Azure has no one official host: each resource is its own, named by AZURE_OPENAI_ENDPOINT.
  officialOrigins: [],
  templateBaseURLApplies: (read) => !read("AZURE_OPENAI_ENDPOINT"),
  resolve({ read, templateBaseURL }) {
    const provider = "openai.azure";
    const key = requireKey(provider, read, ["AZURE_OPENAI_API_KEY"]);
    const resource = read("AZURE_OPENAI_ENDPOINT") ?? templateBaseURL;
    if (!resource) {
      throw missingSetting(
        provider,
        ["AZURE_OPENAI_ENDPOINT"],
        "No endpoint for openai.azure: set AZURE_OPENAI_ENDPOINT (e.g. https://my-resource.openai.azure.com) in the environment.",
      );
    }
    const headers = { "api-key": key };
    const apiVersion = read("OPENAI_API_VERSION");
    // The Azure codecs' paths start at the resource (`/openai/deployments/{model}/…`, `/openai/responses`).
    const base = trimSlashes(resource);
    if (/\/openai\/v1$/.test(base)) {
      // The v1 API takes the model in the body and needs no api-version.
      return {
        baseURL: base.slice(0, -"/openai/v1".length),
        headers,
        secrets: [key],
        auth: { scheme: "headers" },
        ...(apiVersion ? { query: { "api-version": apiVersion } } : {}),
        routePath: (path) => path.replace(/^\/openai(\/deployments\/[^/]+)?(?=\/)/, "/openai/v1"),
      };
    }
    return {
      baseURL: base.replace(/\/openai$/, ""),
      headers,
      secrets: [key],
      auth: { scheme: "headers" },
      query: { "api-version": apiVersion ?? defaultAzureApiVersion },
    };
  },
};
