import { InvalidTemplateError } from "../../errors/promptline-error.js";
import type { Content, ImageUrlContent, MediaContent, TextContent } from "../../schemas/content.js";
import type { AssistantMessage, Message } from "../../schemas/message.js";
import { joinText, parseArguments } from "../shared/content.js";
import { parseDataUrl } from "../shared/data-url.js";
import { convertToAlternatingTurns } from "../shared/alternating-turns.js";
import { unexpandedMediaVariable } from "../shared/template-errors.js";

export type AnthropicSource = { type: "base64"; media_type: string; data: string } | { type: "url"; url: string };

export interface AnthropicTextBlock {
  type: "text";
  text: string;
  cache_control?: unknown;
  citations?: unknown;
}

/** A block we pass on as the blueprint holds it (server tool calls and their results). */
export type AnthropicPassThroughBlock = { type: string } & Record<string, unknown>;

export type AnthropicContentBlock =
  | AnthropicTextBlock
  | { type: "image"; source: AnthropicSource; cache_control?: unknown }
  | { type: "document"; source: AnthropicSource; title?: string; cache_control?: unknown }
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "redacted_thinking"; data: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> }
  | { type: "tool_result"; tool_use_id: string; content: string | AnthropicContentBlock[] }
  | AnthropicPassThroughBlock;

export interface AnthropicMessage {
  role: "user" | "assistant";
  content: AnthropicContentBlock[];
}

/** Anthropic's top-level system prompt: a string, or text blocks when they carry `cache_control`. */
export type AnthropicSystem = string | AnthropicTextBlock[];

export interface AnthropicPrompt {
  system?: AnthropicSystem;
  messages: AnthropicMessage[];
}

/**
 * Blueprint block types Anthropic itself produces and takes back in assistant
 * turns. Other pass-through blocks (OpenAI's MCP and shell items, Gemini's
 * code results) mean nothing to Anthropic and are left out.
 */
export const anthropicPassThroughTypes: readonly string[] = [
  "server_tool_use",
  "web_search_tool_result",
  "bash_code_execution_tool_result",
  "text_editor_code_execution_tool_result",
];

/** Fields of a blueprint text block that Anthropic takes as they are. */
const textBlockExtras = ["cache_control", "citations"] as const;

/**
 * Rendered template messages → Anthropic's `system` and `messages`:
 * - system and developer messages become the top-level `system`;
 * - tool messages become `tool_result` blocks of a user turn;
 * - consecutive turns of one role are merged, as Anthropic requires the roles
 *   to alternate (so tool results and the user's next words share a turn,
 *   results first, as Anthropic wants them);
 * - empty text blocks and turns left empty are dropped (Anthropic rejects them).
 */
export function convertToAnthropicMessages(messages: readonly Message[]): AnthropicPrompt {
  const systemMessages: Content[][] = [];
  const turns = convertToAlternatingTurns<AnthropicContentBlock>(messages, {
    provider: "Anthropic",
    system: (message, location) => {
      systemMessages.push(message.content.map((block, blockIndex) => systemBlock(block, `${location}.content[${blockIndex}]`)));
    },
    user: convertUserContent,
    assistant: convertAssistantMessage,
    toolResult: (message, location) => ({ type: "tool_result", tool_use_id: message.tool_call_id, content: toolResultContent(message.content, location) }),
  });

  const system = convertSystem(systemMessages);
  return system === undefined ? { messages: turns } : { system, messages: turns };
}

/** A completion template's content as the one user turn of a Messages request. */
export function completionToAnthropicMessages(content: readonly Content[]): AnthropicPrompt {
  const blocks = convertUserContent(content, "content");
  return { messages: blocks.length > 0 ? [{ role: "user", content: blocks }] : [] };
}

function systemBlock(block: Content, location: string): Content {
  if (block.type !== "text") {
    throw new InvalidTemplateError(`Anthropic system prompts take text only, not "${block.type}" content.`, { location });
  }
  return block;
}

/**
 * The system prompt as a plain string (messages separated by a blank line),
 * unless a block carries `cache_control` or citations: those need the block form.
 */
function convertSystem(systemMessages: readonly Content[][]): AnthropicSystem | undefined {
  const blocks = systemMessages.flat().filter((block): block is TextContent => block.type === "text" && block.text !== "");
  if (blocks.length === 0) return undefined;
  if (blocks.some((block) => textBlockExtras.some((key) => block[key] != null))) return blocks.map(convertTextBlock);
  return systemMessages
    .map((content) => joinText(content))
    .filter((text) => text !== "")
    .join("\n\n");
}

function convertTextBlock(block: TextContent): AnthropicTextBlock {
  const result: AnthropicTextBlock = { type: "text", text: block.text };
  for (const key of textBlockExtras) if (block[key] != null) result[key] = block[key];
  return result;
}

function convertUserContent(content: readonly Content[], location: string): AnthropicContentBlock[] {
  return content.flatMap((block, index) => convertUserBlock(block, `${location}.content[${index}]`));
}

function convertUserBlock(block: Content, location: string): AnthropicContentBlock[] {
  switch (block.type) {
    case "text":
      return block.text === "" ? [] : [convertTextBlock(block)];
    case "image_url":
      return [convertImageUrl(block)];
    case "media":
      return [convertMedia(block, location)];
    case "media_variable":
      throw unexpandedMediaVariable(block.name, location);
    default:
      throw new InvalidTemplateError(`Anthropic user messages cannot hold "${block.type}" content.`, { location });
  }
}

function convertImageUrl(block: ImageUrlContent): AnthropicContentBlock {
  const data = parseDataUrl(block.image_url.url);
  const source: AnthropicSource = data
    ? { type: "base64", media_type: data.mimeType, data: data.data }
    : { type: "url", url: block.image_url.url };
  return withCacheControl({ type: "image", source }, block);
}

/** Images become image blocks, PDFs and plain text documents; the rest has no Anthropic form. */
function convertMedia(block: MediaContent, location: string): AnthropicContentBlock {
  const { url, type: mimeType, format, title } = block.media;
  if (!url) throw new InvalidTemplateError("media block has no url or data.", { location });
  const data = parseDataUrl(url);
  const source: AnthropicSource = data
    ? { type: "base64", media_type: data.mimeType, data: data.data }
    : format === "base64"
      ? { type: "base64", media_type: mimeType, data: url }
      : { type: "url", url };
  const sourceType = source.type === "base64" ? source.media_type : mimeType;
  if (sourceType.startsWith("image/")) return withCacheControl({ type: "image", source }, block);
  if (sourceType === "application/pdf") {
    const document: AnthropicContentBlock = title && title !== "media" ? { type: "document", source, title } : { type: "document", source };
    return withCacheControl(document, block);
  }
  throw new InvalidTemplateError(`Anthropic cannot take "${sourceType}" media (images and PDFs only).`, { location });
}

function withCacheControl<T extends AnthropicContentBlock>(result: T, block: Content): T {
  const cacheControl = (block as Record<string, unknown>).cache_control;
  return cacheControl == null ? result : { ...result, cache_control: cacheControl };
}

/**
 * An assistant turn: its blocks in order (text, thinking that Anthropic can
 * verify, i.e. with a signature, redacted thinking, server tool blocks), then
 * its tool calls as `tool_use` blocks. Blocks Anthropic cannot take back
 * (unsigned thinking, another provider's items) are left out.
 */
function convertAssistantMessage(message: AssistantMessage): AnthropicContentBlock[] {
  const blocks: AnthropicContentBlock[] = [];
  for (const block of message.content ?? []) {
    if (block.type === "text") {
      if (block.text !== "") blocks.push(convertTextBlock(block));
    } else if (block.type === "thinking") {
      const redacted = (block as Record<string, unknown>).redacted_data;
      if (typeof redacted === "string") blocks.push({ type: "redacted_thinking", data: redacted });
      else if (block.signature) blocks.push({ type: "thinking", thinking: block.thinking, signature: block.signature });
    } else if (anthropicPassThroughTypes.includes(block.type)) {
      blocks.push(block as AnthropicPassThroughBlock);
    }
  }
  for (const call of message.tool_calls ?? []) {
    blocks.push({ type: "tool_use", id: call.id, name: call.function.name, input: parseArguments(call.function.arguments) });
  }
  return blocks;
}

/** A tool message's content: a string when it is all text, else text and image blocks. */
function toolResultContent(content: readonly Content[], location: string): string | AnthropicContentBlock[] {
  if (content.every((block) => block.type === "text")) return joinText(content);
  return convertUserContent(content, location);
}
