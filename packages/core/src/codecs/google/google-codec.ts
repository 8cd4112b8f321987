import type { ProviderCodec } from "../codec.js";
import { convertFromGoogleKwargs } from "./convert-from-google-kwargs.js";
import { convertFromGoogleResponse, googleResponseUsage } from "./convert-from-google-response.js";
import { convertToGoogleHttpRequest } from "./convert-to-google-http-request.js";
import { convertToGoogleKwargs } from "./convert-to-google-kwargs.js";
import { createGoogleStreamAccumulator } from "./google-stream-accumulator.js";

/**
 * Gemini chat (`google.convo.send_message`): PromptLayer's kwargs hold the
 * conversation as `history` for `chats.create`; the last entry is the message
 * sent. On the wire the whole history is `contents`.
 */
export const googleCodec: ProviderCodec = {
  id: "google.chat",
  functionNames: ["google.convo.send_message"],
  toLlmKwargs: (template, model) => convertToGoogleKwargs(template, model, "history"),
  fromLlmKwargs: (kwargs) => convertFromGoogleKwargs(kwargs, "history"),
  responseToMessage: convertFromGoogleResponse,
  usage: googleResponseUsage,
  toHttpRequest: convertToGoogleHttpRequest,
  createStreamAccumulator: createGoogleStreamAccumulator,
};

/** Gemini `generateContent` for completion templates (`google.model.generate_content`): the prompt as `contents`. */
export const googleCompletionCodec: ProviderCodec = {
  id: "google.completion",
  functionNames: ["google.model.generate_content"],
  toLlmKwargs: (template, model) => convertToGoogleKwargs(template, model, "contents"),
  fromLlmKwargs: (kwargs) => convertFromGoogleKwargs(kwargs, "contents"),
  responseToMessage: convertFromGoogleResponse,
  usage: googleResponseUsage,
  toHttpRequest: convertToGoogleHttpRequest,
  createStreamAccumulator: createGoogleStreamAccumulator,
};
