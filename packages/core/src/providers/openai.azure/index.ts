import { defineProvider } from "../provider-descriptor.js";
import { azureOpenaiCodecs } from "./codecs.js";
import { azureOpenaiEndpoint, azureOpenaiStream } from "./endpoint.js";
import { azureOpenaiModels } from "./models.js";

export const azureOpenaiProvider = defineProvider({
  id: "openai.azure",
  codecs: azureOpenaiCodecs,
  endpoint: azureOpenaiEndpoint,
  stream: azureOpenaiStream,
  models: azureOpenaiModels,
  genAiProviderName: "azure.ai.openai",
});
