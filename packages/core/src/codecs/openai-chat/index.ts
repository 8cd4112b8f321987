export { azureOpenaiChatCodec, createOpenAIChatCodec, openaiChatCodec } from "./openai-chat-codec.js";
export type { OpenAICodecOptions } from "./openai-chat-codec.js";
