export { ANTHROPIC_BEDROCK_VERSION, anthropicBedrockCodec } from "./anthropic-bedrock-codec.js";
export { ANTHROPIC_VERTEX_VERSION, anthropicVertexCodec } from "./anthropic-vertex-codec.js";
export { ANTHROPIC_DEFAULT_MAX_TOKENS, anthropicClientOptionKeys, anthropicCodec } from "./anthropic-codec.js";
export { AnthropicStreamAccumulator, createAnthropicStreamAccumulator } from "./anthropic-stream-accumulator.js";
export { anthropicStructuredOutput, anthropicStructuredOutputTool, convertFromAnthropicStructuredOutput } from "./anthropic-structured-output.js";
