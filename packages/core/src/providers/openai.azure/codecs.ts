import { azureOpenaiChatCodec } from "../../codecs/openai-chat/index.js";
import { azureOpenaiCompletionsCodec } from "../../codecs/openai-completions/index.js";
import { azureOpenaiResponsesCodec } from "../../codecs/openai-responses/index.js";
import type { ProviderCodecs } from "../provider-descriptor.js";
import { selectOpenAiApi, type OpenAiApiCodecs } from "../openai/codecs.js";

const apis: OpenAiApiCodecs = { chat: azureOpenaiChatCodec, completions: azureOpenaiCompletionsCodec, responses: azureOpenaiResponsesCodec };

/** OpenAI's APIs on an Azure resource: the model is the deployment name. */
export const azureOpenaiCodecs: ProviderCodecs = {
  select: selectOpenAiApi(apis),
  tracked: [apis.chat, apis.completions, apis.responses],
  defaultApiType: "chat-completions",
};
