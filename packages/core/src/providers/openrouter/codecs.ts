import type { ProviderCodec } from "../../codecs/codec.js";
import { createOpenAIChatCodec } from "../../codecs/openai-chat/index.js";
import type { ProviderCodecs } from "../provider-descriptor.js";

/**
 * OpenRouter: the Chat Completions wire format under its own provider id, so
 * logs, prices and `/track-request` say which service answered. Model ids
 * carry the vendor (`anthropic/claude-sonnet-4`); OpenRouter-only parameters
 * (`provider`, `models`, `transforms`, `reasoning`) pass through as they are.
 */
export const openrouterChatCodec: ProviderCodec = createOpenAIChatCodec({
  id: "openrouter.chat-completions",
  functionNames: ["openrouter.chat.completions.create"],
  path: () => "/chat/completions",
});

export const openrouterCodecs: ProviderCodecs = {
  select: () => openrouterChatCodec,
  tracked: [openrouterChatCodec],
};
