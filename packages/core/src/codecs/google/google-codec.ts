import type { ProviderCodec } from "../codec.js";
import { convertFromGoogleKwargs } from "./convert-from-google-kwargs.js";
import { convertFromGoogleResponse, googleResponseUsage } from "./convert-from-google-response.js";
import { convertToGoogleHttpRequest } from "./convert-to-google-http-request.js";
import { convertToGoogleKwargs, type GoogleConversationField } from "./convert-to-google-kwargs.js";
import { createGoogleStreamAccumulator } from "./google-stream-accumulator.js";

/** A Gemini codec: the two differ only in their names and the kwargs field that holds the conversation. */
function googleCodecOf(id: string, functionName: string, conversationField: GoogleConversationField): ProviderCodec {
  return {
    id,
    functionNames: [functionName],
    toLlmKwargs: (template, model) => convertToGoogleKwargs(template, model, conversationField),
    fromLlmKwargs: (kwargs) => convertFromGoogleKwargs(kwargs, conversationField),
    responseToMessage: convertFromGoogleResponse,
    usage: googleResponseUsage,
    toHttpRequest: convertToGoogleHttpRequest,
    createStreamAccumulator: createGoogleStreamAccumulator,
  };
}

/**
 * Gemini chat (`google.convo.send_message`): PromptLayer's kwargs hold the
 * conversation as `history` for `chats.create`; the last entry is the message
 * sent. On the wire the whole history is `contents`.
 */
export const googleCodec: ProviderCodec = googleCodecOf("google.chat", "google.convo.send_message", "history");

/** Gemini `generateContent` for completion templates (`google.model.generate_content`): the prompt as `contents`. */
export const googleCompletionCodec: ProviderCodec = googleCodecOf("google.completion", "google.model.generate_content", "contents");
