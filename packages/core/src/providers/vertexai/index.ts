import { defineProvider } from "../provider-descriptor.js";
import { vertexaiCodecs } from "./codecs.js";
import { vertexaiEndpoint, vertexaiStream } from "./endpoint.js";
import { vertexaiModels } from "./models.js";

export const vertexaiProvider = defineProvider({
  id: "vertexai",
  codecs: vertexaiCodecs,
  endpoint: vertexaiEndpoint,
  stream: vertexaiStream,
  models: vertexaiModels,
  genAiProviderName: "gcp.vertex_ai",
});
