export { ANTHROPIC_DEFAULT_MAX_TOKENS, anthropicClientOptionKeys, anthropicCodec } from "./anthropic-codec.js";
export { AnthropicStreamAccumulator, createAnthropicStreamAccumulator } from "./anthropic-stream-accumulator.js";
