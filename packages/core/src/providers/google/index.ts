import { defineProvider } from "../provider-descriptor.js";
import { googleCodecs } from "./codecs.js";
import { googleEndpoint, googleStream } from "./endpoint.js";
import { googleModels } from "./models.js";

export const googleProvider = defineProvider({
  id: "google",
  codecs: googleCodecs,
  endpoint: googleEndpoint,
  stream: googleStream,
  models: googleModels,
  genAiProviderName: "gcp.gemini",
});
