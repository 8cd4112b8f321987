import { ResponseFormatUnsupportedError } from "../../errors/promptline-error.js";
import type { ProviderCodec } from "../codec.js";
import type { OpenAICodecOptions } from "../openai-chat/openai-chat-codec.js";
import { azureDeployment, clientOptionKeys, openaiRequestBody } from "../openai-chat/openai-chat-codec.js";
import { openaiChatResponseUsage } from "../openai-chat/openai-chat-usage.js";
import { omit } from "../shared/content.js";
import { asksForJson } from "../shared/structured-output.js";
import { convertFromOpenAICompletionsPrompt, convertOpenAICompletionsResponseToMessage } from "./convert-from-openai-completions-prompt.js";
import { convertToOpenAICompletionsPrompt } from "./convert-to-openai-completions-prompt.js";
import { createOpenAICompletionsStreamAccumulator } from "./openai-completions-stream-accumulator.js";

const streamKeys = ["stream", "stream_options"];
const nonParameterKeys = ["prompt", "model", "stream_options", ...clientOptionKeys];

function createOpenAICompletionsCodec(options: OpenAICodecOptions): ProviderCodec {
  return {
    id: options.id,
    functionNames: options.functionNames,

    toLlmKwargs(template, model) {
      if (asksForJson(model.parameters.response_format)) {
        throw new ResponseFormatUnsupportedError({
          provider: model.provider,
          model: model.name,
          reason: "the legacy Completions API (completion templates) has no response_format; make it a chat template",
        });
      }
      return { prompt: convertToOpenAICompletionsPrompt(template), model: model.name, ...omit(model.parameters, streamKeys) };
    },

    fromLlmKwargs(kwargs) {
      return {
        template: convertFromOpenAICompletionsPrompt(kwargs.prompt),
        model: { name: typeof kwargs.model === "string" ? kwargs.model : "", parameters: omit(kwargs, nonParameterKeys) },
      };
    },

    responseToMessage: convertOpenAICompletionsResponseToMessage,
    usage: openaiChatResponseUsage,

    toHttpRequest(kwargs, { stream }) {
      return { path: options.path(kwargs), body: openaiRequestBody(kwargs, stream) };
    },

    createStreamAccumulator: createOpenAICompletionsStreamAccumulator,
  };
}

/** OpenAI's legacy Completions API (`gpt-3.5-turbo-instruct`), for completion templates. */
export const openaiCompletionsCodec: ProviderCodec = createOpenAICompletionsCodec({
  id: "openai.completions",
  functionNames: ["openai.completions.create"],
  path: () => "/completions",
});

/** Azure OpenAI's legacy Completions API: the model is the deployment name. */
export const azureOpenaiCompletionsCodec: ProviderCodec = createOpenAICompletionsCodec({
  id: "openai.azure.completions",
  functionNames: ["openai.AzureOpenAI.completions.create"],
  path: (kwargs) => `/openai/deployments/${encodeURIComponent(azureDeployment(kwargs))}/completions`,
});
