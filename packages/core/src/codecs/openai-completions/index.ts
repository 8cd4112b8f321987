export { azureOpenaiCompletionsCodec, openaiCompletionsCodec } from "./openai-completions-codec.js";
