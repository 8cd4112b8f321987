export { ANTHROPIC_DEFAULT_MAX_TOKENS, anthropicClientOptionKeys, anthropicCodec } from "./anthropic-codec.js";
export { AnthropicStreamAccumulator, createAnthropicStreamAccumulator } from "./anthropic-stream-accumulator.js";
export { anthropicStructuredOutput, anthropicStructuredOutputTool, convertFromAnthropicStructuredOutput } from "./anthropic-structured-output.js";
export { createAnthropicHostedCodec, type AnthropicHostOptions } from "./anthropic-hosted-codec.js";
