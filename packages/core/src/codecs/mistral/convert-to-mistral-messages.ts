import { InvalidTemplateError } from "../../errors/promptline-error.js";
import type { Content } from "../../schemas/content.js";
import type { AssistantMessage, Message } from "../../schemas/message.js";
import { convertToolCall, imageUrlObject, type OpenAIChatToolCall } from "../openai-chat/convert-to-openai-chat-messages.js";
import { joinText } from "../shared/content.js";
import { mediaUrl } from "../shared/data-url.js";
import { unexpandedMediaVariable, unexpandedPlaceholder } from "../shared/template-errors.js";

export type MistralContentChunk =
  | { type: "text"; text: string }
  | { type: "image_url"; image_url: string | { url: string; detail?: string } }
  | { type: "thinking"; thinking: { type: "text"; text: string }[] };

export type MistralMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: MistralContentChunk[] }
  | { role: "assistant"; content: string | MistralContentChunk[] | null; tool_calls?: OpenAIChatToolCall[] }
  | { role: "tool"; tool_call_id: string; content: string; name?: string };

/**
 * Rendered template messages → Mistral chat messages. Like Chat Completions,
 * except: developer messages become system messages (Mistral has no
 * developer role), thinking blocks are sent back as Mistral's thinking chunks
 * (its API takes them in assistant content), and there are no function messages.
 */
export function convertToMistralMessages(messages: readonly Message[]): MistralMessage[] {
  return messages.map((message, index): MistralMessage => {
    const location = `messages[${index}]`;
    switch (message.role) {
      case "system":
      case "developer":
        return { role: "system", content: joinText(message.content) };
      case "user":
        return { role: "user", content: message.content.map((block, part) => convertUserChunk(block, `${location}.content[${part}]`)) };
      case "assistant":
        return convertAssistantMessage(message);
      case "tool":
        return message.name
          ? { role: "tool", tool_call_id: message.tool_call_id, content: joinText(message.content), name: message.name }
          : { role: "tool", tool_call_id: message.tool_call_id, content: joinText(message.content) };
      case "function":
        throw new InvalidTemplateError("Mistral has no function messages: use tools and tool messages.", { location });
      case "placeholder":
        throw unexpandedPlaceholder(message.name, location);
    }
  });
}

function convertAssistantMessage(message: AssistantMessage): MistralMessage {
  const blocks = message.content ?? [];
  const thinking = blocks.flatMap((block): MistralContentChunk[] =>
    block.type === "thinking" ? [{ type: "thinking", thinking: [{ type: "text", text: block.thinking }] }] : [],
  );
  const hasText = blocks.some((block) => block.type === "text");
  const text = joinText(blocks);
  const content = thinking.length > 0 ? [...thinking, ...(hasText ? [{ type: "text" as const, text }] : [])] : hasText ? text : null;
  const result: MistralMessage = { role: "assistant", content };
  if (message.tool_calls && message.tool_calls.length > 0) result.tool_calls = message.tool_calls.map(convertToolCall);
  return result;
}

function convertUserChunk(block: Content, location: string): MistralContentChunk {
  switch (block.type) {
    case "text":
      return { type: "text", text: block.text };
    case "image_url":
      // A bare URL unless the block sets a detail.
      return { type: "image_url", image_url: block.image_url.detail ? imageUrlObject(block.image_url) : block.image_url.url };
    case "media": {
      const { url, type: mimeType, format } = block.media;
      if (!url || !mimeType.startsWith("image/")) {
        throw new InvalidTemplateError(`Mistral user messages take images only, not "${mimeType}" media.`, { location });
      }
      return { type: "image_url", image_url: mediaUrl(url, mimeType, format) };
    }
    case "media_variable":
      throw unexpandedMediaVariable(block.name, location);
    default:
      throw new InvalidTemplateError(`Mistral user messages cannot hold "${block.type}" content.`, { location });
  }
}
