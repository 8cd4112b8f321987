import { defineProvider } from "../provider-descriptor.js";
import { openrouterCodecs } from "./codecs.js";
import { openrouterEndpoint, openrouterStream } from "./endpoint.js";
import { openrouterModels } from "./models.js";

export const openrouterProvider = defineProvider({
  id: "openrouter",
  codecs: openrouterCodecs,
  endpoint: openrouterEndpoint,
  stream: openrouterStream,
  models: openrouterModels,
});
