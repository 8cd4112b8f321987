import type { ProviderCodec } from "../../codecs/codec.js";
import { openaiChatCodec } from "../../codecs/openai-chat/index.js";
import { openaiCompletionsCodec } from "../../codecs/openai-completions/index.js";
import { openaiResponsesCodec } from "../../codecs/openai-responses/index.js";
import type { CodecChoice, CodecSelection, ProviderCodecs } from "../provider-descriptor.js";

/** The three OpenAI APIs a provider speaks (OpenAI itself, Azure). */
export interface OpenAiApiCodecs {
  chat: ProviderCodec;
  completions: ProviderCodec;
  responses: ProviderCodec;
}

/** Picks by `api_type`: Responses, or Chat Completions (legacy Completions for completion templates). */
export function selectOpenAiApi(codecs: OpenAiApiCodecs): (selection: CodecSelection) => CodecChoice {
  return ({ apiType, templateType }) => {
    if (apiType === "responses") return codecs.responses;
    if (apiType === "chat-completions" || apiType === "completions") return templateType === "completion" ? codecs.completions : codecs.chat;
    return { unsupported: `api_type "${apiType}" is not supported; use chat-completions or responses` };
  };
}

const apis: OpenAiApiCodecs = { chat: openaiChatCodec, completions: openaiCompletionsCodec, responses: openaiResponsesCodec };

/** OpenAI, and every OpenAI-compatible endpoint reached through a `base_url`. */
export const openaiCodecs: ProviderCodecs = {
  select: selectOpenAiApi(apis),
  tracked: [apis.chat, apis.completions, apis.responses],
  defaultApiType: "chat-completions",
};
