import type { Content } from "../../schemas/content.js";
import type { Message, ToolMessage } from "../../schemas/message.js";
import type { PromptTemplate } from "../../schemas/template.js";
import type { Tool, ToolCall, ToolChoice } from "../../schemas/tools.js";
import type { KwargsModel, LlmKwargs } from "../codec.js";
import { assistantMessage, isRecord, omit } from "../shared/content.js";
import { toDataUrl } from "../shared/data-url.js";
import { snakeCaseKeys } from "./convert-google-keys.js";
import { googleBuiltInTools } from "./google-kwargs-types.js";
import type { GoogleConversationField } from "./convert-to-google-kwargs.js";

type Json = Record<string, unknown>;

/**
 * Google kwargs → the template they express and the model. Reads the
 * snake_case form PromptLayer's server emits and the camelCase form the
 * official JS SDK sends to `/track-request` (it camelCases before calling);
 * `config` (the Python SDK's name) is read as `generation_config`.
 */
export function convertFromGoogleKwargs(
  kwargs: LlmKwargs,
  field: GoogleConversationField,
): { template: PromptTemplate; model: KwargsModel } {
  const normalized = snakeCaseKeys(kwargs) as Json;
  const config = record(normalized.generation_config) ?? record(normalized.config) ?? {};
  const systemInstruction = config.system_instruction ?? normalized.system_instruction;
  const tools = config.tools ?? normalized.tools;
  const toolConfig = config.tool_config ?? normalized.tool_config;
  const other: GoogleConversationField = field === "history" ? "contents" : "history";
  const contents = normalizeContents(normalized[field] ?? normalized[other]);

  const model: KwargsModel = {
    name: typeof normalized.model === "string" ? normalized.model.replace(/^models\//, "") : "",
    parameters: omit(config, ["system_instruction", "tools", "tool_config"]),
  };

  if (field === "contents" && systemInstruction === undefined && tools === undefined && isPlainPrompt(contents)) {
    const content = contents.flatMap((entry) => entry.parts.map((part) => convertPart(part, "user"))).filter((block) => block !== undefined);
    return { template: { type: "completion", content, input_variables: [], template_format: "f-string" }, model };
  }

  const messages: Message[] = [...systemMessages(systemInstruction), ...convertContents(contents)];
  const template: PromptTemplate = { type: "chat", messages, input_variables: [] };
  const templateTools = convertFromGoogleTools(tools);
  if (templateTools.length > 0) template.tools = templateTools;
  const toolChoice = convertFromGoogleToolConfig(toolConfig);
  if (toolChoice !== undefined) template.tool_choice = toolChoice;
  return { template, model };
}

interface NormalizedContent {
  role: string;
  parts: Json[];
}

/** `contents` may be a string, a list of strings or parts, one Content, or a list of Contents (as `@google/genai` accepts). */
function normalizeContents(value: unknown): NormalizedContent[] {
  if (value === undefined || value === null) return [];
  if (typeof value === "string") return [{ role: "user", parts: [{ text: value }] }];
  const list = Array.isArray(value) ? value : [value];
  if (list.every((item) => typeof item === "string" || (isRecord(item) && !("parts" in item)))) {
    return [{ role: "user", parts: list.map(normalizePart) }];
  }
  return list.filter(isRecord).map((entry) => ({
    role: typeof entry.role === "string" ? entry.role : "user",
    parts: (Array.isArray(entry.parts) ? entry.parts : []).map(normalizePart),
  }));
}

function normalizePart(part: unknown): Json {
  if (typeof part === "string") return { text: part };
  return isRecord(part) ? part : {};
}

function isPlainPrompt(contents: readonly NormalizedContent[]): boolean {
  return contents.every(
    (entry) => entry.role === "user" && entry.parts.every((part) => typeof part.text === "string" || part.inline_data || part.file_data),
  );
}

function inputMessage(role: "system" | "user", content: Content[]): Message {
  return { role, content, input_variables: [], template_format: "f-string" };
}

function systemMessages(instruction: unknown): Message[] {
  if (instruction === undefined || instruction === null) return [];
  if (typeof instruction === "string") return [inputMessage("system", [{ type: "text", text: instruction }])];
  const parts = isRecord(instruction) && Array.isArray(instruction.parts) ? instruction.parts : Array.isArray(instruction) ? instruction : [];
  return parts
    .map(normalizePart)
    .filter((part): part is Json & { text: string } => typeof part.text === "string")
    .map((part) => inputMessage("system", [{ type: "text", text: part.text }]));
}

function convertContents(contents: readonly NormalizedContent[]): Message[] {
  const messages: Message[] = [];
  // Calls get the ids a response would give them (`call_<n>` unless Gemini sent one); results find theirs by name, in order.
  let callCount = 0;
  const pendingCallIds = new Map<string, string[]>();

  for (const entry of contents) {
    if (entry.role === "model") {
      const content: Content[] = [];
      const toolCalls: ToolCall[] = [];
      for (const part of entry.parts) {
        const call = record(part.function_call);
        if (call) {
          const name = typeof call.name === "string" ? call.name : "";
          const id = typeof call.id === "string" && call.id ? call.id : `call_${callCount}`;
          callCount += 1;
          pendingCallIds.set(name, [...(pendingCallIds.get(name) ?? []), id]);
          const toolCall: ToolCall = { id, type: "function", function: { name, arguments: JSON.stringify(call.args ?? {}) } };
          if (typeof part.thought_signature === "string") toolCall.provider_metadata = { thought_signature: part.thought_signature };
          toolCalls.push(toolCall);
          continue;
        }
        const block = convertPart(part, "model");
        if (block) content.push(block);
      }
      messages.push(assistantMessage(content, toolCalls));
      continue;
    }

    const content: Content[] = [];
    for (const part of entry.parts) {
      const result = record(part.function_response);
      if (result) {
        const name = typeof result.name === "string" ? result.name : "";
        const id = typeof result.id === "string" && result.id ? result.id : (pendingCallIds.get(name)?.shift() ?? `call_${name}`);
        messages.push(toolMessage(id, name, result.response));
        continue;
      }
      const block = convertPart(part, "user");
      if (block) content.push(block);
    }
    if (content.length > 0) messages.push(inputMessage("user", content));
  }
  return messages;
}

function toolMessage(toolCallId: string, name: string, response: unknown): ToolMessage {
  // The inverse of the `{content: text}` wrapping of plain-text results.
  const text =
    isRecord(response) && Object.keys(response).length === 1 && typeof response.content === "string"
      ? response.content
      : JSON.stringify(response ?? {});
  return { role: "tool", tool_call_id: toolCallId, name, content: [{ type: "text", text }], input_variables: [], template_format: "f-string" };
}

function convertPart(part: Json, role: "user" | "model"): Content | undefined {
  if (typeof part.text === "string") {
    if (part.thought === true) {
      return { type: "thinking", thinking: part.text, signature: typeof part.thought_signature === "string" ? part.thought_signature : null };
    }
    return typeof part.thought_signature === "string"
      ? { type: "text", text: part.text, thought_signature: part.thought_signature }
      : { type: "text", text: part.text };
  }
  const inline = record(part.inline_data);
  if (inline) {
    const mimeType = typeof inline.mime_type === "string" ? inline.mime_type : "application/octet-stream";
    const data = typeof inline.data === "string" ? inline.data : "";
    const url = toDataUrl(mimeType, data);
    if (role === "model") return { type: "output_media", url, mime_type: mimeType, media_type: mediaKind(mimeType) };
    if (mimeType.startsWith("image/")) return { type: "image_url", image_url: { url } };
    return { type: "media", media: { title: "media", type: mimeType, url: data, format: "base64" } };
  }
  const file = record(part.file_data);
  if (file && typeof file.file_uri === "string") {
    const mimeType = typeof file.mime_type === "string" ? file.mime_type : "image/jpeg";
    if (mimeType.startsWith("image/")) return { type: "image_url", image_url: { url: file.file_uri } };
    return { type: "media", media: { title: "media", type: mimeType, url: file.file_uri, format: "url" } };
  }
  const code = record(part.executable_code);
  if (code) return { type: "code", code: typeof code.code === "string" ? code.code : "", language: typeof code.language === "string" ? code.language : null };
  const result = record(part.code_execution_result);
  if (result) return { type: "code_execution_result", output: result.output ?? "", outcome: result.outcome ?? "OUTCOME_OK" };
  return undefined;
}

export function mediaKind(mimeType: string): "image" | "video" | "audio" | undefined {
  if (mimeType.startsWith("image/")) return "image";
  if (mimeType.startsWith("video/")) return "video";
  if (mimeType.startsWith("audio/")) return "audio";
  return undefined;
}

const builtInTypeByField = new Map<string, Tool["type"]>([
  ...Object.entries(googleBuiltInTools).map(([type, fieldName]) => [fieldName, type as Tool["type"]] as const),
  ["google_search_retrieval", "web_search"],
]);

function convertFromGoogleTools(tools: unknown): Tool[] {
  if (!Array.isArray(tools)) return [];
  const result: Tool[] = [];
  for (const tool of tools.filter(isRecord)) {
    for (const [fieldName, value] of Object.entries(tool)) {
      if (fieldName === "function_declarations" && Array.isArray(value)) {
        for (const fn of value.filter(isRecord)) {
          const parameters = record(fn.parameters) ?? record(fn.parameters_json_schema) ?? { type: "object", properties: {} };
          result.push({
            type: "function",
            function: { name: String(fn.name ?? ""), description: typeof fn.description === "string" ? fn.description : "", strict: false, parameters },
          });
        }
        continue;
      }
      // Tools we have no type for (retrieval, computer use…) are not part of a template.
      const type = builtInTypeByField.get(fieldName);
      if (!type || type === "function" || type === "registry" || type === "variable") continue;
      const config = record(value);
      result.push(config && Object.keys(config).length > 0 ? { type, config } : { type });
    }
  }
  return result;
}

function convertFromGoogleToolConfig(toolConfig: unknown): ToolChoice | undefined {
  const config = record(record(toolConfig)?.function_calling_config);
  if (!config) return undefined;
  const names = Array.isArray(config.allowed_function_names) ? config.allowed_function_names.filter((n) => typeof n === "string") : [];
  switch (config.mode) {
    case "AUTO":
      return "auto";
    case "NONE":
      return "none";
    case "ANY":
      return names.length === 1 && names[0] !== undefined ? { type: "function", function: { name: names[0] } } : "required";
    default:
      return undefined;
  }
}

function record(value: unknown): Json | undefined {
  return isRecord(value) ? value : undefined;
}
