import { defineProvider } from "../provider-descriptor.js";
import { anthropicBedrockCodecs } from "./codecs.js";
import { anthropicBedrockEndpoint, anthropicBedrockStream } from "./endpoint.js";
import { anthropicBedrockModels } from "./models.js";

export const anthropicBedrockProvider = defineProvider({
  id: "anthropic.bedrock",
  codecs: anthropicBedrockCodecs,
  endpoint: anthropicBedrockEndpoint,
  stream: anthropicBedrockStream,
  models: anthropicBedrockModels,
  genAiProviderName: "aws.bedrock",
});
