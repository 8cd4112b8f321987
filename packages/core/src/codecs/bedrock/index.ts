export { bedrockClientOptionKeys, bedrockConverseCodec } from "./bedrock-codec.js";
export { BedrockStreamAccumulator, createBedrockStreamAccumulator } from "./bedrock-stream-accumulator.js";
