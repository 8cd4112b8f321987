import type { Annotation, Content, PassThroughContent, TextContent } from "../../schemas/content.js";
import type { AssistantMessage, Message } from "../../schemas/message.js";
import type { ToolCall } from "../../schemas/tools.js";
import { assistantMessage, textBlock, textLast } from "../shared/content.js";
import { toDataUrl } from "../shared/data-url.js";
import { convertFromKwargsTurns, systemMessages } from "../shared/kwargs-turns.js";
import {
  anthropicContentBlockSchema,
  anthropicKwargsMessageSchema,
  anthropicResponseSchema,
  type AnthropicCitation,
  type AnthropicContentBlockData,
} from "./anthropic-api-schemas.js";
import { anthropicPassThroughTypes } from "./convert-to-anthropic-messages.js";

/** Anthropic's top-level `system` (a string or text blocks) → one system message, or none. */
export function convertFromAnthropicSystem(system: unknown): Message[] {
  const content = typeof system === "string" ? (system === "" ? [] : [textBlock(system)]) : convertBlocks(system).content;
  return systemMessages(content);
}

/**
 * Messages API request messages → blueprint messages: a user turn's
 * `tool_result` blocks become tool messages (in place, so results stay ahead
 * of the words that follow them), an assistant turn's `tool_use` blocks its
 * `tool_calls` (arguments as a JSON string).
 */
export function convertFromAnthropicMessages(messages: unknown): Message[] {
  return convertFromKwargsTurns(messages, {
    turnSchema: anthropicKwargsMessageSchema,
    assistant: (content) => convertBlocks(typeof content === "string" ? [{ type: "text", text: content }] : content),
    userBlocks: (content) => (typeof content === "string" ? [{ type: "text", text: content }] : Array.isArray(content) ? content : []),
    userBlock: (raw) => {
      const block = anthropicContentBlockSchema.safeParse(raw);
      if (!block.success) return undefined;
      if (block.data.type === "tool_result") {
        return { toolResult: { content: toolResultContent(block.data.content), toolCallId: block.data.tool_use_id ?? "" } };
      }
      return { content: convertBlocks([raw]).content };
    },
  });
}

function toolResultContent(content: unknown): Content[] {
  if (typeof content === "string") return [textBlock(content)];
  return convertBlocks(content).content;
}

/**
 * Content blocks (of a request or a response) → blueprint blocks and tool calls.
 *
 * - `citations` of a text block become its `annotations` (a web search
 *   citation as a `url_citation` spanning the block; other kinds kept as they are);
 * - `redacted_thinking` becomes a thinking block with empty text and the
 *   encrypted payload in `redacted_data`, which the request converter sends
 *   back as `redacted_thinking`: nothing readable, nothing lost;
 * - server tool calls and results of the types blueprints know are kept as
 *   they are; blocks of other types are left out, and with them the
 *   `server_tool_use` they answer, since Anthropic refuses a server tool call
 *   without its result when the conversation is sent back.
 */
export function convertBlocks(blocks: unknown): { content: Content[]; toolCalls: ToolCall[] } {
  const content: Content[] = [];
  const toolCalls: ToolCall[] = [];
  const droppedResultsOf = new Set<string>();
  for (const raw of Array.isArray(blocks) ? blocks : []) {
    const parsed = anthropicContentBlockSchema.safeParse(raw);
    if (!parsed.success) continue;
    const block = parsed.data;
    switch (block.type) {
      case "text":
        content.push(convertTextBlock(block));
        break;
      case "thinking":
        content.push(block.signature ? { type: "thinking", thinking: block.thinking ?? "", signature: block.signature } : { type: "thinking", thinking: block.thinking ?? "" });
        break;
      case "redacted_thinking":
        content.push({ type: "thinking", thinking: "", redacted_data: block.data ?? "" });
        break;
      case "tool_use":
        toolCalls.push({ id: block.id ?? "", type: "function", function: { name: block.name ?? "", arguments: JSON.stringify(block.input ?? {}) } });
        break;
      case "image":
      case "document": {
        const media = convertSourceBlock(block);
        if (media) content.push(media);
        break;
      }
      default:
        if (anthropicPassThroughTypes.includes(block.type)) content.push(raw as PassThroughContent);
        else if (block.tool_use_id) droppedResultsOf.add(block.tool_use_id);
    }
  }
  const kept = content.filter((block) => !(block.type === "server_tool_use" && droppedResultsOf.has(String(block.id))));
  return { content: kept, toolCalls };
}

function convertTextBlock(block: AnthropicContentBlockData): TextContent {
  const text = block.text ?? "";
  const result: TextContent = textBlock(text);
  if (block.cache_control != null) result.cache_control = block.cache_control;
  const citations = block.citations ?? [];
  if (citations.length > 0) result.annotations = citations.map((citation) => citationToAnnotation(citation, text.length));
  return result;
}

/**
 * A citation → a blueprint annotation. A web search citation is a
 * `url_citation` over the cited block (Anthropic cites whole blocks, so the
 * span is the block's text); other kinds have no blueprint equivalent and are kept as sent.
 */
export function citationToAnnotation(citation: AnthropicCitation, textLength: number): Annotation {
  if (citation.type !== "web_search_result_location") return citation;
  const annotation: Annotation = {
    type: "url_citation",
    url: citation.url ?? "",
    title: citation.title ?? "",
    start_index: 0,
    end_index: textLength,
  };
  if (citation.cited_text != null) annotation.cited_text = citation.cited_text;
  if (citation.encrypted_index != null) annotation.encrypted_index = citation.encrypted_index;
  return annotation;
}

/** An image as an `image_url` (a data URL for base64), a document as `media`. */
function convertSourceBlock(block: AnthropicContentBlockData): Content | null {
  const source = block.source;
  if (!source) return null;
  const url = source.type === "base64" ? toDataUrl(source.media_type ?? "", source.data ?? "") : source.url;
  if (typeof url !== "string") return null;
  if (block.type === "image") return { type: "image_url", image_url: { url } };
  const mimeType = source.media_type ?? "application/pdf";
  return { type: "media", media: { title: block.title ?? "media", type: mimeType, url, format: source.type === "base64" ? "base64" : "url" } };
}

/**
 * A non-streaming response → the assistant's answer, text blocks last, with a
 * text block even when the model said nothing (a refusal, an empty turn), so
 * `content.at(-1).text` reads "" rather than failing. A legacy Text
 * Completions response gives its `completion` as the text.
 */
export function convertAnthropicResponseToMessage(response: unknown): AssistantMessage {
  const parsed = anthropicResponseSchema.safeParse(response);
  if (!parsed.success) return assistantMessage([textBlock("")]);
  if (typeof parsed.data.completion === "string" && !parsed.data.content) return assistantMessage([textBlock(parsed.data.completion)]);
  const { content, toolCalls } = convertBlocks(parsed.data.content);
  if (!content.some((block) => block.type === "text") && toolCalls.length === 0) content.push(textBlock(""));
  return assistantMessage(textLast(content), toolCalls);
}

