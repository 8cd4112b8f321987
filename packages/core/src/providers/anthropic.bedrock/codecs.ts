import { createAnthropicHostedCodec } from "../../codecs/anthropic/index.js";
import type { ProviderCodecs } from "../provider-descriptor.js";

/**
 * Claude through Amazon Bedrock's InvokeModel: Anthropic's `llm_kwargs`, sent
 * to `/model/{modelId}/invoke` (or `/invoke-with-response-stream`) with
 * `anthropic_version: "bedrock-2023-05-31"`. The stream's `chunk` events carry
 * Anthropic's own events, which the transport unwraps.
 */
export const anthropicBedrockCodec = createAnthropicHostedCodec({
  id: "anthropic.bedrock.messages",
  version: "bedrock-2023-05-31",
  path: (model, stream) => `/model/${encodeURIComponent(model)}/${stream ? "invoke-with-response-stream" : "invoke"}`,
  streamFlagInBody: false,
  missingModel: "Claude on Bedrock needs a model id, e.g. anthropic.claude-3-5-haiku-20241022-v1:0.",
});

export const anthropicBedrockCodecs: ProviderCodecs = {
  select: () => anthropicBedrockCodec,
  // Not tracked: `/track-request` reports it as `anthropic.messages.create`, read by the Anthropic codec.
  tracked: [],
};
