import { InvalidTemplateError } from "../../errors/promptline-error.js";
import type { Content, ImageUrlContent, MediaContent } from "../../schemas/content.js";
import type { AssistantMessage, Message } from "../../schemas/message.js";
import type { ToolCall } from "../../schemas/tools.js";
import { joinText } from "../shared/content.js";
import { mediaUrl } from "../shared/data-url.js";
import { unexpandedMediaVariable, unexpandedPlaceholder } from "../shared/template-errors.js";

export type OpenAIChatContentPart =
  | { type: "text"; text: string }
  | { type: "image_url"; image_url: { url: string; detail?: string } }
  | { type: "file"; file: { file_data: string; filename?: string } };

export interface OpenAIChatToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export type OpenAIChatMessage =
  | { role: "system" | "developer"; content: string; name?: string }
  | { role: "user"; content: OpenAIChatContentPart[]; name?: string }
  | {
      role: "assistant";
      content: string | null;
      name?: string;
      tool_calls?: OpenAIChatToolCall[];
      function_call?: { name: string; arguments: string };
    }
  | { role: "tool"; tool_call_id: string; content: string }
  | { role: "function"; name: string; content: string };

/**
 * Rendered template messages → Chat Completions messages, the way
 * PromptLayer's server builds `llm_kwargs`: system and developer content
 * flattened to a string, user content kept as parts, assistant content a
 * string (or null when it only calls tools). Thinking blocks are dropped:
 * Chat Completions has no way to send them back.
 */
export function convertToOpenAIChatMessages(messages: readonly Message[]): OpenAIChatMessage[] {
  return messages.map((message, index) => convertMessage(message, `messages[${index}]`));
}

function convertMessage(message: Message, location: string): OpenAIChatMessage {
  switch (message.role) {
    case "system":
    case "developer":
      return { role: message.role, content: joinText(message.content), ...nameField(message.name) };
    case "user":
      return {
        role: "user",
        content: message.content.map((block, index) => convertUserPart(block, `${location}.content[${index}]`)),
        ...nameField(message.name),
      };
    case "assistant":
      return convertAssistantMessage(message);
    case "tool":
      return { role: "tool", tool_call_id: message.tool_call_id, content: joinText(message.content) };
    case "function":
      return { role: "function", name: message.name, content: joinText(message.content) };
    case "placeholder":
      throw unexpandedPlaceholder(message.name, location);
  }
}

function convertAssistantMessage(message: AssistantMessage): OpenAIChatMessage {
  const hasText = (message.content ?? []).some((block) => block.type === "text");
  const result: OpenAIChatMessage = { role: "assistant", content: hasText ? joinText(message.content) : null, ...nameField(message.name) };
  if (message.tool_calls && message.tool_calls.length > 0) result.tool_calls = message.tool_calls.map(convertToolCall);
  if (message.function_call) result.function_call = { name: message.function_call.name, arguments: message.function_call.arguments };
  return result;
}

export function convertToolCall(call: ToolCall): OpenAIChatToolCall {
  return { id: call.id, type: "function", function: { name: call.function.name, arguments: call.function.arguments } };
}

function convertUserPart(block: Content, location: string): OpenAIChatContentPart {
  switch (block.type) {
    case "text":
      return { type: "text", text: block.text };
    case "image_url":
      return { type: "image_url", image_url: imageUrlObject(block.image_url) };
    case "media":
      return convertMedia(block, location);
    case "media_variable":
      throw unexpandedMediaVariable(block.name, location);
    default:
      throw new InvalidTemplateError(`Chat Completions user messages cannot hold "${block.type}" content.`, { location });
  }
}

/** An `image_url` block's image as OpenAI's chat APIs take it: `{ url }`, with `detail` only when the block sets one. */
export function imageUrlObject({ url, detail }: ImageUrlContent["image_url"]): { url: string; detail?: string } {
  return detail ? { url, detail } : { url };
}

function convertMedia(block: MediaContent, location: string): OpenAIChatContentPart {
  const { url, type: mimeType, format, title } = block.media;
  if (!url) throw new InvalidTemplateError("media block has no url or data.", { location });
  const source = mediaUrl(url, mimeType, format);
  if (mimeType.startsWith("image/")) return { type: "image_url", image_url: { url: source } };
  if (mimeType === "application/pdf" && source.startsWith("data:")) {
    return { type: "file", file: { file_data: source, filename: title } };
  }
  throw new InvalidTemplateError(`Chat Completions cannot take "${mimeType}" media here (images, and PDFs as base64, only).`, {
    location,
  });
}

/** OpenAI's optional participant name, only when set. */
function nameField(name: string | null | undefined): { name?: string } {
  return name ? { name } : {};
}

/** A completion template's content as one user message (a completion template run on a chat API). */
export function completionToUserMessage(content: readonly Content[]): OpenAIChatMessage {
  return { role: "user", content: content.map((block, index) => convertUserPart(block, `content[${index}]`)) };
}
