import { defineProvider } from "../provider-descriptor.js";
import { bedrockCodecs } from "./codecs.js";
import { bedrockEndpoint, bedrockStream } from "./endpoint.js";
import { bedrockModels } from "./models.js";

export const bedrockProvider = defineProvider({
  id: "amazon.bedrock",
  codecs: bedrockCodecs,
  endpoint: bedrockEndpoint,
  stream: bedrockStream,
  models: bedrockModels,
  // boto3's `bedrock-runtime` client: `boto3.bedrock-runtime.converse`.
  tracking: { functionNamePrefix: "boto3" },
  genAiProviderName: "aws.bedrock",
});
