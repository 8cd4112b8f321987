export { azureOpenaiResponsesCodec, openaiResponsesCodec } from "./openai-responses-codec.js";
export { convertOpenaiResponsesUsage } from "./convert-from-openai-responses-output.js";
