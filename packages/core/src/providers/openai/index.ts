import { defineProvider } from "../provider-descriptor.js";
import { openaiCodecs } from "./codecs.js";
import { openaiEndpoint, openaiStream } from "./endpoint.js";
import { openaiModels } from "./models.js";

export const openaiProvider = defineProvider({
  id: "openai",
  codecs: openaiCodecs,
  endpoint: openaiEndpoint,
  stream: openaiStream,
  models: openaiModels,
  tracking: {
    // Azure's clients report `openai.AzureOpenAI.…`: tracked as `openai`, as PromptLayer does.
    apiTypeOf(functionName) {
      if (functionName.includes(".responses.")) return "responses";
      if (functionName.includes(".images.")) return "images";
      return "chat-completions";
    },
  },
  genAiProviderName: "openai",
});
