import { UnsupportedProviderError } from "../errors/promptline-error.js";
import { anthropicBedrockCodec, anthropicCodec, anthropicVertexCodec } from "./anthropic/index.js";
import { bedrockConverseCodec } from "./bedrock/index.js";
import type { ProviderCodec } from "./codec.js";
import { googleCodec, googleCompletionCodec } from "./google/index.js";
import { mistralCodec } from "./mistral/index.js";
import { azureOpenaiChatCodec, openaiChatCodec, openrouterChatCodec } from "./openai-chat/index.js";
import { azureOpenaiCompletionsCodec, openaiCompletionsCodec } from "./openai-completions/index.js";
import { azureOpenaiResponsesCodec, openaiResponsesCodec } from "./openai-responses/index.js";

/** Every codec, for lookups by `function_name`. */
export const allCodecs: readonly ProviderCodec[] = [
  openaiChatCodec,
  azureOpenaiChatCodec,
  openrouterChatCodec,
  openaiCompletionsCodec,
  azureOpenaiCompletionsCodec,
  openaiResponsesCodec,
  azureOpenaiResponsesCodec,
  anthropicCodec,
  googleCodec,
  googleCompletionCodec,
  mistralCodec,
  bedrockConverseCodec,
];

export interface CodecSelector {
  /** `metadata.model.provider`. */
  provider: string;
  /** `metadata.model.api_type`: for OpenAI and Azure; `chat-completions` when absent. */
  apiType?: string | null | undefined;
  /** The template's type. */
  templateType: "chat" | "completion";
  /** `metadata.model.name`; only `vertexai` looks at it (it serves Gemini and Claude models). */
  modelName?: string | undefined;
}

/**
 * The codec for a provider, API type and template type. Unlike PromptLayer's
 * SDK (contract §8, B5) the provider decides, not the model name: an
 * OpenAI-compatible endpoint serving a model called `claude-…` still speaks
 * OpenAI. Only `vertexai`, which hosts several model families, looks at the name.
 */
export function codecFor(selector: CodecSelector): ProviderCodec {
  const { provider, templateType } = selector;
  const apiType = selector.apiType ?? "chat-completions";
  switch (provider) {
    case "openai":
    case "openai.azure": {
      const azure = provider === "openai.azure";
      if (apiType === "responses") return azure ? azureOpenaiResponsesCodec : openaiResponsesCodec;
      if (apiType === "chat-completions" || apiType === "completions") {
        if (templateType === "completion") return azure ? azureOpenaiCompletionsCodec : openaiCompletionsCodec;
        return azure ? azureOpenaiChatCodec : openaiChatCodec;
      }
      throw new UnsupportedProviderError(provider, `api_type "${apiType}" is not supported; use chat-completions or responses`);
    }
    case "anthropic":
      return anthropicCodec;
    case "anthropic.bedrock":
      return anthropicBedrockCodec;
    case "google":
      return templateType === "completion" ? googleCompletionCodec : googleCodec;
    case "vertexai": {
      const name = selector.modelName ?? "";
      if (name.startsWith("claude")) return anthropicVertexCodec;
      if (name.startsWith("gemini")) return templateType === "completion" ? googleCompletionCodec : googleCodec;
      throw new UnsupportedProviderError(provider, `model "${name}" is neither a Gemini nor a Claude model`);
    }
    case "mistral":
      return mistralCodec;
    case "openrouter":
      return openrouterChatCodec;
    case "amazon.bedrock":
      return bedrockConverseCodec;
    default:
      throw new UnsupportedProviderError(provider);
  }
}

const byFunctionName = new Map(allCodecs.flatMap((codec) => codec.functionNames.map((name) => [name, codec] as const)));

/** The codec that reads `/track-request` bodies with this PromptLayer `function_name`, if any. */
export function codecForFunctionName(functionName: string): ProviderCodec | undefined {
  return byFunctionName.get(functionName);
}

/** The PromptLayer `function_name` of a call made through this codec (its first one). */
export function functionNameOf(codec: ProviderCodec): string {
  const name = codec.functionNames[0];
  if (name === undefined) throw new UnsupportedProviderError(codec.id, "codec declares no function name");
  return name;
}
