import type { Content } from "../../schemas/content.js";
import type { AssistantMessage, Message } from "../../schemas/message.js";
import type { ToolCall } from "../../schemas/tools.js";
import { assistantMessage, textBlock, textLast } from "../shared/content.js";
import { toDataUrl } from "../shared/data-url.js";
import { bedrockContentBlockSchema, bedrockMessageSchema, bedrockResponseSchema, type BedrockContentBlockData } from "./bedrock-api-schemas.js";

/** The empty defaults PromptLayer's server puts on every message it rebuilds from kwargs (contract §3.2). */
function serverFields(role: string) {
  return {
    raw_request_display_role: role,
    input_variables: [],
    template_format: "f-string" as const,
    dataset_examples: [],
    name: null,
  };
}

/** Converse `system` (`[{text}…]`) → one system message, or none. */
export function convertFromBedrockSystem(system: unknown): Message[] {
  if (!Array.isArray(system)) return [];
  const content = system.flatMap((block): Content[] => {
    const parsed = bedrockContentBlockSchema.safeParse(block);
    return parsed.success && typeof parsed.data.text === "string" ? [textBlock(parsed.data.text)] : [];
  });
  return content.length === 0 ? [] : [{ role: "system", content, ...serverFields("system") }];
}

/**
 * Converse request messages → blueprint messages: a user turn's `toolResult`
 * blocks become tool messages (in place), an assistant turn's `toolUse`
 * blocks its `tool_calls` (arguments as a JSON string).
 */
export function convertFromBedrockMessages(messages: unknown): Message[] {
  if (!Array.isArray(messages)) return [];
  const result: Message[] = [];
  for (const raw of messages) {
    const parsed = bedrockMessageSchema.safeParse(raw);
    if (!parsed.success) continue;
    const { role, content } = parsed.data;
    if (role === "assistant") {
      const converted = convertBlocks(content);
      result.push({
        role: "assistant",
        content: converted.content,
        ...serverFields(role),
        function_call: null,
        tool_calls: converted.toolCalls.length > 0 ? converted.toolCalls : null,
      });
    } else {
      result.push(...convertUserTurn(content ?? [], role));
    }
  }
  return result;
}

function convertUserTurn(content: readonly unknown[], role: string): Message[] {
  const messages: Message[] = [];
  let pending: Content[] = [];
  const flush = () => {
    if (pending.length > 0) messages.push({ role: "user", content: pending, ...serverFields(role) });
    pending = [];
  };
  for (const raw of content) {
    const parsed = bedrockContentBlockSchema.safeParse(raw);
    if (!parsed.success) continue;
    const result = parsed.data.toolResult;
    if (result) {
      flush();
      const text = (result.content ?? []).map((part) => (typeof part.text === "string" ? part.text : JSON.stringify(part.json ?? null))).join("");
      messages.push({ role: "tool", content: [textBlock(text)], tool_call_id: result.toolUseId ?? "", ...serverFields("tool") });
    } else {
      pending.push(...convertBlocks([raw]).content);
    }
  }
  flush();
  return messages;
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
