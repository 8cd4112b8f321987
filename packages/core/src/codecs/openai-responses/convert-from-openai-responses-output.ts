import type { Annotation, Content } from "../../schemas/content.js";
import type { Usage } from "../../schemas/log-record.js";
import type { AssistantMessage } from "../../schemas/message.js";
import type { ToolCall } from "../../schemas/tools.js";
import { assistantMessage, isRecord, textLast } from "../shared/content.js";
import { toDataUrl } from "../shared/data-url.js";
import { responsesResponseSchema, responsesUsageSchema } from "./openai-responses-api-schemas.js";

type Json = Record<string, unknown>;

/** Items kept whole as the content block of the same name (contract §4.1 pass-through blocks). */
export const passThroughItemTypes = new Set([
  "mcp_list_tools",
  "mcp_call",
  "mcp_approval_request",
  "mcp_approval_response",
  "shell_call",
  "shell_call_output",
  "apply_patch_call",
  "apply_patch_call_output",
]);

const imageMimeTypes: Record<string, string> = { png: "image/png", webp: "image/webp", jpeg: "image/jpeg", jpg: "image/jpeg", gif: "image/gif" };

/**
 * A Responses API response → the assistant's answer. `output[]` items become
 * blocks in order (text last): messages' `output_text` → text with their
 * annotations, reasoning → thinking, built-in tool calls → their blocks;
 * `function_call` items → tool calls.
 */
export function convertFromOpenaiResponsesOutput(response: unknown): AssistantMessage {
  const parsed = responsesResponseSchema.safeParse(response);
  const { content, toolCalls } = convertOutputItems(parsed.success ? (parsed.data.output ?? []) : []);
  return assistantMessage(textLast(content), toolCalls);
}

export function convertOutputItems(items: readonly Json[]): { content: Content[]; toolCalls: ToolCall[] } {
  const content: Content[] = [];
  const toolCalls: ToolCall[] = [];
  for (const item of items) {
    const converted = convertOutputItem(item);
    if (converted.toolCall) toolCalls.push(converted.toolCall);
    content.push(...converted.content);
  }
  return { content, toolCalls };
}

/**
 * One output item → its blocks or tool call. Items with no block of their own
 * (custom tool calls, local shell calls, tool search…) are left out: a
 * blueprint cannot replay them.
 */
export function convertOutputItem(item: Json): { content: Content[]; toolCall?: ToolCall } {
  const id = string(item.id);
  switch (item.type) {
    case "message":
      return { content: (Array.isArray(item.content) ? item.content : []).filter(isRecord).flatMap((part) => messagePartBlock(part, id)) };
    case "reasoning": {
      const summary = (Array.isArray(item.summary) ? item.summary : []).filter(isRecord).map((part) => string(part.text) ?? "");
      const encrypted = string(item.encrypted_content);
      const thinking = summary.filter((text) => text !== "").join("\n\n");
      // An empty, unencrypted reasoning item carries nothing a reader or a later request could use.
      if (thinking === "" && !encrypted) return { content: [] };
      const block: Content = { type: "thinking", thinking };
      if (id) block.id = id;
      if (encrypted) block.encrypted_content = encrypted;
      return { content: [block] };
    }
    case "function_call": {
      const toolCall: ToolCall = {
        id: string(item.call_id) ?? id ?? "",
        type: "function",
        function: { name: string(item.name) ?? "", arguments: string(item.arguments) ?? "" },
      };
      if (id) toolCall.tool_id = id;
      return { content: [], toolCall };
    }
    case "web_search_call":
      return { content: [{ type: "server_tool_use", id, name: "web_search", input: isRecord(item.action) ? item.action : {}, status: item.status }] };
    case "file_search_call":
      return {
        content: [{ type: "server_tool_use", id, name: "file_search", input: { queries: Array.isArray(item.queries) ? item.queries : [] }, results: item.results ?? null, status: item.status }],
      };
    case "code_interpreter_call": {
      const block: Content = { type: "code", code: string(item.code) ?? "", language: "python" };
      if (id) block.id = id;
      if (string(item.container_id)) block.container_id = string(item.container_id);
      if (Array.isArray(item.outputs)) block.outputs = item.outputs;
      return { content: [block] };
    }
    case "image_generation_call": {
      const result = string(item.result);
      if (!result) return { content: [] };
      const format = string(item.output_format) ?? "png";
      const mimeType = imageMimeTypes[format] ?? "image/png";
      const metadata: Json = {};
      for (const key of ["revised_prompt", "background", "size", "quality", "output_format"]) if (item[key] != null) metadata[key] = item[key];
      const block: Content = { type: "output_media", url: toDataUrl(mimeType, result), mime_type: mimeType, media_type: "image", provider_metadata: metadata };
      if (id) block.id = id;
      return { content: [block] };
    }
    default:
      if (typeof item.type === "string" && passThroughItemTypes.has(item.type)) return { content: [{ ...item } as Content] };
      return { content: [] };
  }
}

function messagePartBlock(part: Json, itemId: string | undefined): Content[] {
  const text = part.type === "output_text" ? string(part.text) : part.type === "refusal" ? string(part.refusal) : undefined;
  if (text === undefined) return [];
  const block: Content = { type: "text", text };
  if (itemId) block.id = itemId;
  const annotations = Array.isArray(part.annotations) ? part.annotations.filter(isRecord).map(convertAnnotation) : [];
  if (annotations.length > 0) block.annotations = annotations;
  return [block];
}

/** The contract's annotation shapes; other kinds (container_file_citation…) are kept as they come. */
export function convertAnnotation(annotation: Json): Annotation {
  switch (annotation.type) {
    case "url_citation":
      return { type: "url_citation", url: annotation.url ?? "", title: annotation.title ?? "", start_index: annotation.start_index ?? 0, end_index: annotation.end_index ?? 0 };
    case "file_citation":
      return { type: "file_citation", index: annotation.index ?? 0, file_id: annotation.file_id ?? "", filename: annotation.filename ?? "" };
    default:
      return { ...annotation, type: String(annotation.type) };
  }
}

export function convertOpenaiResponsesUsage(usage: unknown): Usage | null {
  const parsed = responsesUsageSchema.safeParse(usage);
  if (!parsed.success) return null;
  const { input_tokens, output_tokens, input_tokens_details, output_tokens_details } = parsed.data;
  if (input_tokens == null && output_tokens == null) return null;
  const result: Usage = { input_tokens: input_tokens ?? 0, output_tokens: output_tokens ?? 0 };
  if (input_tokens_details?.cached_tokens != null) result.cached_input_tokens = input_tokens_details.cached_tokens;
  if (output_tokens_details?.reasoning_tokens != null) result.reasoning_tokens = output_tokens_details.reasoning_tokens;
  return result;
}

export function openaiResponsesUsage(response: unknown): Usage | null {
  return isRecord(response) ? convertOpenaiResponsesUsage(response.usage) : null;
}

function string(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
