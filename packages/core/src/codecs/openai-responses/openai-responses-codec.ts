import type { LlmKwargs, ProviderCodec, ProviderHttpRequest } from "../codec.js";
import { omit } from "../shared/content.js";
import { convertFromOpenaiResponsesKwargs } from "./convert-from-openai-responses-input.js";
import { convertFromOpenaiResponsesOutput, openaiResponsesUsage } from "./convert-from-openai-responses-output.js";
import { convertToOpenaiResponsesKwargs } from "./convert-to-openai-responses-input.js";
import { createOpenaiResponsesStreamAccumulator } from "./openai-responses-stream-accumulator.js";

/** Client options PromptLayer's kwargs may carry (custom providers, Azure): never part of the body. */
const clientOptionKeys = ["apiKey", "api_key", "baseURL", "base_url", "apiVersion", "api_version", "stream"];

function responsesHttpRequest(path: string) {
  return (kwargs: LlmKwargs, options: { stream: boolean }): ProviderHttpRequest => {
    const body = omit(kwargs, clientOptionKeys);
    if (options.stream) body.stream = true;
    return { path, body };
  };
}

function createResponsesCodec(settings: { id: string; functionNames: readonly string[]; path: string }): ProviderCodec {
  return {
    id: settings.id,
    functionNames: settings.functionNames,
    toLlmKwargs: convertToOpenaiResponsesKwargs,
    fromLlmKwargs: convertFromOpenaiResponsesKwargs,
    responseToMessage: convertFromOpenaiResponsesOutput,
    usage: openaiResponsesUsage,
    toHttpRequest: responsesHttpRequest(settings.path),
    createStreamAccumulator: createOpenaiResponsesStreamAccumulator,
  };
}

/** The OpenAI Responses API (`POST /responses`). */
export const openaiResponsesCodec: ProviderCodec = createResponsesCodec({
  id: "openai.responses",
  functionNames: ["openai.responses.create"],
  path: "/responses",
});

/** Azure OpenAI's Responses API; the transport appends `?api-version=`. `model` is the deployment name. */
export const azureOpenaiResponsesCodec: ProviderCodec = createResponsesCodec({
  id: "openai.azure.responses",
  functionNames: ["openai.AzureOpenAI.responses.create"],
  path: "/openai/responses",
});
