import { isRecord } from "../../codecs/shared/content.js";
import { apiKeyEndpoint } from "../endpoint-helpers.js";
import type { ProviderEndpointSpec, ProviderStreamSpec } from "../provider-descriptor.js";

/**
 * `OPENAI_API_KEY` (Bearer), or the template's `api_key_env` for an
 * OpenAI-compatible `base_url`; optional `OPENAI_ORG_ID`, `OPENAI_PROJECT_ID`.
 * Base URL: the template's, `OPENAI_BASE_URL`, else `https://api.openai.com/v1`.
 */
export const openaiEndpoint: ProviderEndpointSpec = apiKeyEndpoint({
  provider: "openai",
  keyEnv: ["OPENAI_API_KEY"],
  baseURLEnv: "OPENAI_BASE_URL",
  defaultBaseURL: "https://api.openai.com/v1",
  acceptsApiKeyEnv: true,
  headers: (key) => ({ authorization: `Bearer ${key}` }),
  optionalHeaders: { OPENAI_ORG_ID: "openai-organization", OPENAI_PROJECT_ID: "openai-project" },
});

const responsesEnd = new Set(["response.completed", "response.incomplete", "response.failed"]);

/** Chat Completions ends with `data: [DONE]`; the Responses API with one of its final events. */
export const openaiStream: ProviderStreamSpec = {
  framing: "sse",
  isEnd: (event) => isRecord(event) && typeof event.type === "string" && responsesEnd.has(event.type),
};
