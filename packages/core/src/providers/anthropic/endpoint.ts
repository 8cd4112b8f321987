import { isRecord } from "../../codecs/shared/content.js";
import { requireKey, withVersion } from "../endpoint-helpers.js";
import type { ProviderEndpointSpec, ProviderStreamSpec } from "../provider-descriptor.js";

/** Anthropic's API version header value (the only one the Messages API has). */
export const anthropicVersion = "2023-06-01";

/** `ANTHROPIC_API_KEY` (`x-api-key`); base URL `ANTHROPIC_BASE_URL` + `/v1` (`https://api.anthropic.com/v1`). */
export const anthropicEndpoint: ProviderEndpointSpec = {
  baseURLEnv: ["ANTHROPIC_BASE_URL"],
  officialOrigins: ["https://api.anthropic.com"],
  resolve({ read, templateBaseURL }) {
    const key = requireKey("anthropic", read, ["ANTHROPIC_API_KEY"]);
    const baseURL = withVersion(templateBaseURL ?? read("ANTHROPIC_BASE_URL") ?? "https://api.anthropic.com", "/v1");
    return { baseURL, headers: { "x-api-key": key, "anthropic-version": anthropicVersion }, secrets: [key], auth: { scheme: "headers" } };
  },
};

/** Anthropic's Messages stream ends with `message_stop`, wherever it is served from. */
export const anthropicStream: ProviderStreamSpec = {
  framing: "sse",
  isEnd: (event) => isRecord(event) && event.type === "message_stop",
};
