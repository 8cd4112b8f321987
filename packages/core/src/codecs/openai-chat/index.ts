export { azureOpenaiChatCodec, createOpenAIChatCodec, openaiChatCodec, openrouterChatCodec } from "./openai-chat-codec.js";
export type { OpenAICodecOptions } from "./openai-chat-codec.js";
