import type { ProviderCodec } from "../../codecs/codec.js";
import { anthropicCodec } from "../../codecs/anthropic/index.js";
import { InvalidRequestError } from "../../errors/promptline-error.js";
import type { ProviderCodecs } from "../provider-descriptor.js";

/** The `anthropic_version` Bedrock's InvokeModel takes in a Claude body. */
export const ANTHROPIC_BEDROCK_VERSION = "bedrock-2023-05-31";

/**
 * Claude through Amazon Bedrock's InvokeModel (`anthropic.bedrock`): the same
 * `llm_kwargs` as Anthropic's (PromptLayer's too), sent to
 * `/model/{modelId}/invoke` (or `/invoke-with-response-stream`) with the model
 * in the path, `anthropic_version` in the body, and betas as
 * `anthropic_beta` rather than a header. The stream's `chunk` events carry
 * Anthropic's own events, which the transport unwraps, so the accumulator,
 * usage and blueprint are Anthropic's.
 */
export const anthropicBedrockCodec: ProviderCodec = {
  ...anthropicCodec,
  id: "anthropic.bedrock.messages",

  toHttpRequest(kwargs, { stream }) {
    if (typeof kwargs.model !== "string" || kwargs.model === "") {
      throw new InvalidRequestError("Claude on Bedrock needs a model id, e.g. anthropic.claude-3-5-haiku-20241022-v1:0.", ["model"]);
    }
    const { body, headers } = anthropicCodec.toHttpRequest(kwargs, { stream: false });
    const { model: _model, ...rest } = body;
    const beta = headers?.["anthropic-beta"];
    return {
      path: `/model/${encodeURIComponent(kwargs.model)}/${stream ? "invoke-with-response-stream" : "invoke"}`,
      body: { anthropic_version: ANTHROPIC_BEDROCK_VERSION, ...rest, ...(beta ? { anthropic_beta: beta.split(",") } : {}) },
    };
  },
};

export const anthropicBedrockCodecs: ProviderCodecs = {
  select: () => anthropicBedrockCodec,
  // Not tracked: `/track-request` reports it as `anthropic.messages.create`, read by the Anthropic codec.
  tracked: [],
};
