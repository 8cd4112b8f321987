import { defineProvider } from "../provider-descriptor.js";
import { anthropicCodecs } from "./codecs.js";
import { anthropicEndpoint, anthropicStream } from "./endpoint.js";
import { anthropicModels } from "./models.js";

export const anthropicProvider = defineProvider({
  id: "anthropic",
  codecs: anthropicCodecs,
  endpoint: anthropicEndpoint,
  stream: anthropicStream,
  models: anthropicModels,
  genAiProviderName: "anthropic",
});
