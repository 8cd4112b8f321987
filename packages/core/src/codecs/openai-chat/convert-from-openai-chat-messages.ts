import { z } from "zod";
import type { Content, TextContent } from "../../schemas/content.js";
import type { AssistantMessage, Message } from "../../schemas/message.js";
import type { FunctionCall, ToolCall } from "../../schemas/tools.js";
import { assistantMessage, isRecord, textBlock, textLast } from "../shared/content.js";
import { parseDataUrl } from "../shared/data-url.js";
import {
  chatCompletionResponseSchema,
  chatFunctionCallSchema,
  chatToolCallSchema,
  type ChatResponseMessage,
  type ChatToolCall,
} from "./openai-chat-api-schemas.js";

/** A message of `llm_kwargs.messages`, as the official SDKs or our codecs send it (exported for the fast path's property test). */
export const kwargsMessageSchema = z.looseObject({
  role: z.string(),
  content: z.unknown().optional(),
  name: z.string().nullish(),
  tool_calls: z.array(chatToolCallSchema).nullish(),
  tool_call_id: z.string().nullish(),
  function_call: chatFunctionCallSchema.nullish(),
});

/**
 * Chat Completions request messages → blueprint messages, in the shape
 * PromptLayer's server rebuilds them for `/track-request` (contract §3.2):
 * content as blocks, `raw_request_display_role` set to the role sent, and the
 * server's empty defaults. A role we do not know is kept as a user message
 * with its own name in `raw_request_display_role`.
 */
export function convertFromOpenAIChatMessages(messages: unknown): Message[] {
  if (!Array.isArray(messages)) return [];
  const result: Message[] = [];
  for (const raw of messages) {
    if (isPlainKwargsMessage(raw)) {
      result.push(convertKwargsMessage(raw));
      continue;
    }
    const parsed = kwargsMessageSchema.safeParse(raw);
    if (parsed.success) result.push(convertKwargsMessage(parsed.data));
  }
  return result;
}

const isNullishOrString = (value: unknown): value is string | null | undefined => value == null || typeof value === "string";

/**
 * A message that `kwargsMessageSchema` accepts as it is and that calls no
 * tool (the usual case: every message our own codecs send): read directly,
 * without zod's copy, on every run().
 */
function isPlainKwargsMessage(raw: unknown): raw is z.infer<typeof kwargsMessageSchema> {
  return (
    isRecord(raw) &&
    typeof raw.role === "string" &&
    isNullishOrString(raw.name) &&
    isNullishOrString(raw.tool_call_id) &&
    raw.tool_calls == null &&
    raw.function_call == null
  );
}

function convertKwargsMessage(message: z.infer<typeof kwargsMessageSchema>): Message {
  const fields = {
    raw_request_display_role: message.role,
    input_variables: [],
    template_format: "f-string" as const,
    dataset_examples: [],
    name: message.name ?? null,
  };
  const content = convertFromChatContent(message.content);
  switch (message.role) {
    case "system":
    case "developer":
    case "user":
      return { role: message.role, content, ...fields };
    case "assistant": {
      const toolCalls = (message.tool_calls ?? []).map(convertFromChatToolCall);
      const onlyCallsTools = toolCalls.length > 0 && message.content === "";
      return {
        role: "assistant",
        content: onlyCallsTools ? [] : content,
        ...fields,
        function_call: message.function_call ? convertFromChatFunctionCall(message.function_call) : null,
        tool_calls: toolCalls.length > 0 ? toolCalls : null,
      };
    }
    case "tool":
      return { role: "tool", content, tool_call_id: message.tool_call_id ?? "", ...fields };
    case "function":
      return { role: "function", content, ...fields, name: message.name ?? "" };
    default:
      return { role: "user", content, ...fields };
  }
}

/**
 * Message content as sent to a chat API (a string, or parts; Mistral's
 * thinking chunks included) → blueprint content blocks. Parts we cannot
 * represent (audio input) are left out.
 */
export function convertFromChatContent(content: unknown): Content[] {
  if (content === null || content === undefined) return [];
  if (typeof content === "string") return [textBlock(content)];
  if (!Array.isArray(content)) return [];
  return content.flatMap((part): Content[] => {
    if (typeof part === "string") return [textBlock(part)];
    if (!isRecord(part)) return [];
    const block = convertFromChatPart(part);
    return block ? [block] : [];
  });
}

function convertFromChatPart(part: Record<string, unknown>): Content | null {
  switch (part.type) {
    case "text":
    case "input_text":
    case "output_text":
      return typeof part.text === "string" ? textBlock(part.text) : null;
    case "refusal":
      return typeof part.refusal === "string" ? textBlock(part.refusal) : null;
    case "image_url": {
      const image = part.image_url;
      if (typeof image === "string") return { type: "image_url", image_url: { url: image } };
      if (!isRecord(image) || typeof image.url !== "string") return null;
      return { type: "image_url", image_url: typeof image.detail === "string" ? { url: image.url, detail: image.detail } : { url: image.url } };
    }
    case "file": {
      const file = part.file;
      if (!isRecord(file) || typeof file.file_data !== "string") return null;
      const dataUrl = parseDataUrl(file.file_data);
      if (!dataUrl) return null;
      const title = typeof file.filename === "string" ? file.filename : "media";
      return { type: "media", media: { title, type: dataUrl.mimeType, url: dataUrl.data, format: "base64" } };
    }
    case "thinking":
      return convertThinkingChunk(part);
    default:
      return null;
  }
}

/**
 * A thinking part: its text, or Mistral's list of `{type:"text", text}`.
 * Read defensively: request content is not schema-checked (an object as
 * `thinking` threw a TypeError; the fast paths' property test found it).
 */
function convertThinkingChunk(chunk: Record<string, unknown>): Content {
  const { thinking: value, signature } = chunk;
  const thinking = typeof value === "string" ? value : Array.isArray(value) ? value.map((inner) => (isRecord(inner) && typeof inner.text === "string" ? inner.text : "")).join("") : "";
  return typeof signature === "string" && signature ? { type: "thinking", thinking, signature } : { type: "thinking", thinking };
}

export function convertFromChatToolCall(call: ChatToolCall): ToolCall {
  return {
    id: call.id ?? "",
    type: "function",
    function: { name: call.function?.name ?? "", arguments: argumentsString(call.function?.arguments) },
  };
}

function convertFromChatFunctionCall(call: z.infer<typeof chatFunctionCallSchema>): FunctionCall {
  return { name: call.name ?? "", arguments: argumentsString(call.arguments) };
}

/** Arguments as the JSON string blueprints hold; Mistral may send them parsed. */
function argumentsString(value: string | Record<string, unknown> | null | undefined): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** A non-streaming Chat Completions response → the assistant's answer. */
export function convertOpenAIChatResponseToMessage(response: unknown): AssistantMessage {
  if (isPlainTextResponse(response)) return convertChatResponseMessage(response.choices?.[0]?.message ?? {});
  const parsed = chatCompletionResponseSchema.safeParse(response);
  const message = parsed.success ? parsed.data.choices?.[0]?.message : undefined;
  return convertChatResponseMessage(message ?? {});
}

/**
 * A response that `chatCompletionResponseSchema` accepts as it is and whose
 * messages hold only strings (a plain text answer: the usual case). It is read
 * directly, without zod's deep copy, on every run(); anything else (tool
 * calls, content parts, annotations other than OpenAI's usual empty list, an
 * unexpected type) goes through zod.
 */
function isPlainTextResponse(response: unknown): response is { choices?: { message?: ChatResponseMessage | null }[] | null } {
  if (!isRecord(response) || !isNullishOrString(response.id) || !isNullishOrString(response.model)) return false;
  const { choices } = response;
  if (choices == null) return true;
  if (!Array.isArray(choices)) return false;
  for (const choice of choices) {
    if (!isRecord(choice) || !isNullishOrString(choice.finish_reason)) return false;
    // zod's number: finite.
    if (choice.index != null && !(typeof choice.index === "number" && Number.isFinite(choice.index))) return false;
    const { message } = choice;
    if (message == null) continue;
    if (!isRecord(message)) return false;
    for (const key of ["role", "content", "refusal", "reasoning_content", "reasoning"] as const) {
      if (!isNullishOrString(message[key])) return false;
    }
    if (message.tool_calls != null || message.function_call != null) return false;
    // OpenAI sends `annotations: []` with every answer: an empty list adds nothing (withAnnotations), a full one goes through zod.
    const { annotations } = message;
    if (annotations != null && !(Array.isArray(annotations) && annotations.length === 0)) return false;
  }
  return true;
}

/**
 * `choices[0].message` → a blueprint assistant message: reasoning (DeepSeek,
 * xAI) as a thinking block first, then the text (with its url citations), a
 * refusal as text, tool calls. The text block comes last, and an answer with
 * no tool call always has one (blueprint readers take `content.at(-1).text`).
 */
export function convertChatResponseMessage(message: ChatResponseMessage): AssistantMessage {
  const blocks: Content[] = [];
  const reasoning = message.reasoning_content ?? message.reasoning;
  if (reasoning) blocks.push({ type: "thinking", thinking: reasoning });

  const toolCalls = (message.tool_calls ?? []).map(convertFromChatToolCall);
  const { content } = message;
  if (typeof content === "string") {
    if (content !== "" || toolCalls.length === 0) blocks.push(withAnnotations(textBlock(content), message.annotations));
  } else if (Array.isArray(content)) {
    blocks.push(...convertFromChatContent(content));
  }
  if (message.refusal) blocks.push(textBlock(message.refusal));

  const hasText = blocks.some((block) => block.type === "text");
  if (!hasText && toolCalls.length === 0 && !message.function_call) blocks.push(textBlock(""));

  const result = assistantMessage(textLast(blocks), toolCalls);
  if (message.function_call) result.function_call = convertFromChatFunctionCall(message.function_call);
  return result;
}

function withAnnotations(block: TextContent, annotations: ChatResponseMessage["annotations"]): TextContent {
  return annotations && annotations.length > 0 ? { ...block, annotations } : block;
}
