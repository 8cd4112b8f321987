import type { Content } from "../../schemas/content.js";
import type { AssistantMessage, Message } from "../../schemas/message.js";
import type { ToolCall } from "../../schemas/tools.js";
import { assistantMessage, textBlock, textLast } from "../shared/content.js";
import { toDataUrl } from "../shared/data-url.js";
import { convertFromKwargsTurns, systemMessages } from "../shared/kwargs-turns.js";
import { bedrockContentBlockSchema, bedrockMessageSchema, bedrockResponseSchema, type BedrockContentBlockData } from "./bedrock-api-schemas.js";

/** Converse `system` (`[{text}…]`) → one system message, or none. */
export function convertFromBedrockSystem(system: unknown): Message[] {
  if (!Array.isArray(system)) return [];
  const content = system.flatMap((block): Content[] => {
    const parsed = bedrockContentBlockSchema.safeParse(block);
    return parsed.success && typeof parsed.data.text === "string" ? [textBlock(parsed.data.text)] : [];
  });
  return systemMessages(content);
}

/**
 * Converse request messages → blueprint messages: a user turn's `toolResult`
 * blocks become tool messages (in place), an assistant turn's `toolUse`
 * blocks its `tool_calls` (arguments as a JSON string).
 */
export function convertFromBedrockMessages(messages: unknown): Message[] {
  return convertFromKwargsTurns(messages, {
    turnSchema: bedrockMessageSchema,
    assistant: (content) => convertBlocks(content),
    userBlocks: (content) => content ?? [],
    userBlock: (raw) => {
      const parsed = bedrockContentBlockSchema.safeParse(raw);
      if (!parsed.success) return undefined;
      const result = parsed.data.toolResult;
      if (result) {
        const text = (result.content ?? []).map((part) => (typeof part.text === "string" ? part.text : JSON.stringify(part.json ?? null))).join("");
        return { toolResult: { content: [textBlock(text)], toolCallId: result.toolUseId ?? "" } };
      }
      return { content: convertBlocks([raw]).content };
    },
  });
}

/**
 * Converse content blocks → blueprint blocks and tool calls. Redacted
 * reasoning becomes a thinking block with empty text and the payload in
 * `redacted_data` (sent back as `redactedContent`). Blocks blueprints cannot
 * hold (cache points, guard content, citations…) are left out.
 */
export function convertBlocks(blocks: readonly unknown[] | null | undefined): { content: Content[]; toolCalls: ToolCall[] } {
  const content: Content[] = [];
  const toolCalls: ToolCall[] = [];
  for (const raw of blocks ?? []) {
    const parsed = bedrockContentBlockSchema.safeParse(raw);
    if (!parsed.success) continue;
    const block = parsed.data;
    if (typeof block.text === "string") content.push(textBlock(block.text));
    else if (block.reasoningContent) content.push(convertReasoning(block.reasoningContent));
    else if (block.toolUse) {
      const { toolUseId, name, input } = block.toolUse;
      toolCalls.push({ id: toolUseId ?? "", type: "function", function: { name: name ?? "", arguments: JSON.stringify(input ?? {}) } });
    } else if (block.image) {
      const image = convertImage(block.image);
      if (image) content.push(image);
    } else if (block.document?.source?.bytes) {
      const { format, name, source } = block.document;
      content.push({
        type: "media",
        media: { title: name ?? "document", type: format === "pdf" ? "application/pdf" : `application/${format ?? "octet-stream"}`, url: source.bytes ?? "", format: "base64" },
      });
    }
  }
  return { content, toolCalls };
}

function convertReasoning(reasoning: NonNullable<BedrockContentBlockData["reasoningContent"]>): Content {
  if (typeof reasoning.redactedContent === "string") return { type: "thinking", thinking: "", redacted_data: reasoning.redactedContent };
  const text = reasoning.reasoningText?.text ?? "";
  const signature = reasoning.reasoningText?.signature;
  return signature ? { type: "thinking", thinking: text, signature } : { type: "thinking", thinking: text };
}

function convertImage(image: NonNullable<BedrockContentBlockData["image"]>): Content | null {
  const source = image.source;
  const format = image.format ?? "png";
  if (typeof source?.bytes === "string") return { type: "image_url", image_url: { url: toDataUrl(`image/${format}`, source.bytes) } };
  const uri = source?.s3Location?.uri;
  return typeof uri === "string" ? { type: "image_url", image_url: { url: uri } } : null;
}

/**
 * A Converse response (`output.message`) → the assistant's answer, text blocks
 * last, with a text block even when the model said nothing.
 */
export function convertBedrockResponseToMessage(response: unknown): AssistantMessage {
  const parsed = bedrockResponseSchema.safeParse(response);
  const { content, toolCalls } = convertBlocks(parsed.success ? parsed.data.output?.message?.content : []);
  if (!content.some((block) => block.type === "text") && toolCalls.length === 0) content.push(textBlock(""));
  return assistantMessage(textLast(content), toolCalls);
}
