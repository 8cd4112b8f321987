import type { AssistantMessage, Message } from "../../schemas/message.js";
import { convertChatResponseMessage, convertFromOpenAIChatMessages } from "../openai-chat/convert-from-openai-chat-messages.js";
import { chatCompletionResponseSchema } from "../openai-chat/openai-chat-api-schemas.js";
import { toMistralWireShape } from "./to-mistral-wire-shape.js";

/**
 * Mistral request messages → blueprint messages. Mistral's messages are
 * Chat Completions messages with extras the shared reader already handles:
 * thinking chunks in assistant content, `image_url` as a bare string, tool
 * arguments as an object.
 */
export function convertFromMistralMessages(messages: unknown): Message[] {
  return convertFromOpenAIChatMessages(toMistralWireShape(messages));
}

/**
 * A Mistral chat response (the HTTP body, or the SDK's camelCase object) →
 * the assistant's answer: thinking chunks as thinking blocks, then the text.
 */
export function convertMistralResponseToMessage(response: unknown): AssistantMessage {
  const parsed = chatCompletionResponseSchema.safeParse(toMistralWireShape(response));
  const message = parsed.success ? parsed.data.choices?.[0]?.message : undefined;
  return convertChatResponseMessage(message ?? {});
}
