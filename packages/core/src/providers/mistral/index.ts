import { defineProvider } from "../provider-descriptor.js";
import { mistralCodecs } from "./codecs.js";
import { mistralEndpoint, mistralStream } from "./endpoint.js";
import { mistralModels } from "./models.js";

export const mistralProvider = defineProvider({
  id: "mistral",
  codecs: mistralCodecs,
  endpoint: mistralEndpoint,
  stream: mistralStream,
  models: mistralModels,
  genAiProviderName: "mistral_ai",
});
