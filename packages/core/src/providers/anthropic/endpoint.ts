import { isRecord } from "../../codecs/shared/content.js";
import { apiKeyEndpoint } from "../endpoint-helpers.js";
import type { ProviderEndpointSpec, ProviderStreamSpec } from "../provider-descriptor.js";

/** Anthropic's API version header value (the only one the Messages API has). */
export const anthropicVersion = "2023-06-01";

/** `ANTHROPIC_API_KEY` (`x-api-key`); base URL `ANTHROPIC_BASE_URL` + `/v1` (`https://api.anthropic.com/v1`). */
export const anthropicEndpoint: ProviderEndpointSpec = apiKeyEndpoint({
  provider: "anthropic",
  keyEnv: ["ANTHROPIC_API_KEY"],
  baseURLEnv: "ANTHROPIC_BASE_URL",
  defaultBaseURL: "https://api.anthropic.com",
  version: "/v1",
  headers: (key) => ({ "x-api-key": key, "anthropic-version": anthropicVersion }),
});

/** Anthropic's Messages stream ends with `message_stop`, wherever it is served from. */
export const anthropicStream: ProviderStreamSpec = {
  framing: "sse",
  isEnd: (event) => isRecord(event) && event.type === "message_stop",
};
