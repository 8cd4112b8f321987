import { InvalidTemplateError } from "../../errors/promptline-error.js";
import { mimeTypeOfUrl } from "../../render/media.js";
import type { Content } from "../../schemas/content.js";
import type { Message } from "../../schemas/message.js";
import type { ModelSettings } from "../../schemas/metadata.js";
import type { PromptTemplate } from "../../schemas/template.js";
import type { Tool, ToolChoice } from "../../schemas/tools.js";
import type { LlmKwargs } from "../codec.js";
import { isRecord, joinText } from "../shared/content.js";
import {
  googleBuiltInTools,
  type GoogleFunctionDeclaration,
  type GoogleKwargsContent,
  type GoogleKwargsPart,
  type GoogleKwargsTool,
  type GoogleToolConfig,
} from "./google-kwargs-types.js";

/** Where the conversation goes: `history` for `chats.create` (chat templates), `contents` for `generateContent`. */
export type GoogleConversationField = "history" | "contents";

/**
 * A rendered template → PromptLayer's Google kwargs:
 * `{model, history|contents, generation_config:{system_instruction?, tools?, tool_config?, …parameters}}`.
 */
export function convertToGoogleKwargs(template: PromptTemplate, model: ModelSettings, field: GoogleConversationField): LlmKwargs {
  const messages: readonly Message[] =
    template.type === "chat" ? template.messages : [{ role: "user", content: template.content }];
  const { systemInstruction, contents } = convertToGoogleContents(messages);

  const generationConfig: Record<string, unknown> = {};
  if (systemInstruction) generationConfig.system_instruction = systemInstruction;
  if (template.type === "chat") {
    const tools = convertToGoogleTools(template.tools ?? [], template.functions ?? []);
    if (tools.length > 0) generationConfig.tools = tools;
    const toolConfig = convertToGoogleToolConfig(template.tool_choice ?? functionCallAsToolChoice(template.function_call));
    if (toolConfig) generationConfig.tool_config = toolConfig;
  }
  Object.assign(generationConfig, convertToGoogleParameters(model.parameters));

  return { model: model.name, [field]: contents, generation_config: generationConfig };
}

export function convertToGoogleContents(messages: readonly Message[]): {
  systemInstruction: { parts: GoogleKwargsPart[] } | undefined;
  contents: GoogleKwargsContent[];
} {
  const systemParts: GoogleKwargsPart[] = [];
  const contents: GoogleKwargsContent[] = [];
  // Gemini names the function in its result; the blueprint only has the call's id.
  const functionNames = new Map<string, string>();

  messages.forEach((message, index) => {
    const location = `messages[${index}]`;
    switch (message.role) {
      case "system":
      case "developer":
        systemParts.push({ text: joinText(message.content) });
        return;
      case "user":
        contents.push({ role: "user", parts: message.content.map((block, i) => convertUserBlock(block, `${location}.content[${i}]`)) });
        return;
      case "assistant": {
        const parts = (message.content ?? []).flatMap((block, i) => convertAssistantBlock(block, `${location}.content[${i}]`));
        for (const call of message.tool_calls ?? []) {
          functionNames.set(call.id, call.function.name);
          const part: GoogleKwargsPart = { function_call: { name: call.function.name, args: parseArgs(call.function.arguments) } };
          const signature = call.provider_metadata?.thought_signature;
          if (typeof signature === "string") part.thought_signature = signature;
          parts.push(part);
        }
        if (message.function_call) {
          parts.push({ function_call: { name: message.function_call.name, args: parseArgs(message.function_call.arguments) } });
        }
        if (parts.length > 0) contents.push({ role: "model", parts });
        return;
      }
      case "tool":
      case "function": {
        const name = message.role === "tool" ? (functionNames.get(message.tool_call_id) ?? message.name ?? undefined) : message.name;
        if (name === undefined) {
          throw new InvalidTemplateError(
            `tool result for call "${message.role === "tool" ? message.tool_call_id : ""}" has no matching tool call in an earlier assistant message; Gemini needs the function's name`,
            { location },
          );
        }
        const part: GoogleKwargsPart = { function_response: { name, response: toolResultObject(joinText(message.content)) } };
        // Results of parallel calls go back together, in one user turn.
        const previous = contents.at(-1);
        if (previous?.role === "user" && previous.parts.every((p) => p.function_response)) previous.parts.push(part);
        else contents.push({ role: "user", parts: [part] });
        return;
      }
      case "placeholder":
        throw new InvalidTemplateError(`placeholder "${message.name}" must be expanded before the request is built`, { location });
    }
  });

  return { systemInstruction: systemParts.length > 0 ? { parts: systemParts } : undefined, contents };
}

function convertUserBlock(block: Content, location: string): GoogleKwargsPart {
  switch (block.type) {
    case "text":
      return { text: block.text };
    case "image_url":
      return mediaPart(block.image_url.url, undefined);
    case "media":
      if (block.media.format === "base64" && block.media.url) {
        return { inline_data: { mime_type: block.media.type, data: block.media.url } };
      }
      if (block.media.url) return mediaPart(block.media.url, block.media.type);
      throw new InvalidTemplateError("a media block needs a url or base64 data", { location });
    default:
      throw new InvalidTemplateError(`Gemini cannot take a "${block.type}" block in a user message`, { location });
  }
}

function convertAssistantBlock(block: Content, location: string): GoogleKwargsPart[] {
  switch (block.type) {
    case "text": {
      const part: GoogleKwargsPart = { text: block.text };
      if (block.thought_signature) part.thought_signature = block.thought_signature;
      return [part];
    }
    case "thinking": {
      // Thoughts only matter to Gemini with their signature; unsigned ones are dropped.
      if (!block.signature) return [];
      return [{ text: block.thinking, thought: true, thought_signature: block.signature }];
    }
    case "code":
      return [{ executable_code: { language: block.language ?? "PYTHON", code: block.code } }];
    case "code_execution_result": {
      const result = block as { output?: unknown; outcome?: unknown };
      return [
        {
          code_execution_result: {
            outcome: typeof result.outcome === "string" ? result.outcome : "OUTCOME_OK",
            output: typeof result.output === "string" ? result.output : "",
          },
        },
      ];
    }
    case "output_media": {
      const part = mediaPart(block.url, block.mime_type ?? undefined);
      const signature = block.provider_metadata?.thought_signature;
      if (typeof signature === "string") part.thought_signature = signature;
      return [part];
    }
    default:
      throw new InvalidTemplateError(`Gemini cannot take a "${block.type}" block in an assistant message`, { location });
  }
}

/** A data URL becomes inline data; any other URL a file reference. */
function mediaPart(url: string, mimeType: string | undefined): GoogleKwargsPart {
  const dataUrl = /^data:([^;,]+)?(?:;[^,]*)?;base64,(.*)$/s.exec(url);
  if (dataUrl) return { inline_data: { mime_type: dataUrl[1] ?? mimeType ?? "application/octet-stream", data: dataUrl[2] ?? "" } };
  return { file_data: { file_uri: url, mime_type: mimeType ?? mimeTypeOfUrl(url) } };
}

function parseArgs(json: string): Record<string, unknown> {
  if (json.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(json);
    return isRecord(value) ? value : { value };
  } catch {
    return { _raw: json };
  }
}

/** Gemini wants a function's result as an object: a JSON object is kept, anything else wrapped as `{content}`. */
function toolResultObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (isRecord(value)) return value;
  } catch {
    // Plain text: wrapped below.
  }
  return { content: text };
}

export function convertToGoogleTools(tools: readonly Tool[], functions: readonly { name: string; description?: string | null; parameters?: Record<string, unknown> | null }[]): GoogleKwargsTool[] {
  const declarations: GoogleFunctionDeclaration[] = functions.map((fn) => declaration(fn.name, fn.description ?? "", fn.parameters ?? undefined));
  const builtIns: GoogleKwargsTool[] = [];
  tools.forEach((tool, index) => {
    switch (tool.type) {
      case "function":
        declarations.push(declaration(tool.function.name, tool.function.description, tool.function.parameters));
        return;
      case "registry":
      case "variable":
        throw new InvalidTemplateError(`a "${tool.type}" tool must be resolved before the request is built`, { location: `tools[${index}]` });
      default: {
        const field = (googleBuiltInTools as Record<string, string | undefined>)[tool.type];
        if (!field) throw new InvalidTemplateError(`Gemini has no built-in "${tool.type}" tool`, { location: `tools[${index}]` });
        builtIns.push({ [field]: { ...(tool.config ?? {}) } });
      }
    }
  });
  return declarations.length > 0 ? [{ function_declarations: declarations }, ...builtIns] : builtIns;
}

function declaration(name: string, description: string, parameters: Record<string, unknown> | undefined): GoogleFunctionDeclaration {
  const result: GoogleFunctionDeclaration = { name };
  if (description) result.description = description;
  // Gemini rejects an OBJECT schema without properties: a function without arguments has no schema.
  if (parameters && !isEmptyObjectSchema(parameters)) result.parameters = parameters;
  return result;
}

function isEmptyObjectSchema(schema: Record<string, unknown>): boolean {
  const keys = Object.keys(schema).filter((key) => key !== "type" && key !== "properties");
  const properties = schema.properties;
  return keys.length === 0 && (properties === undefined || (isRecord(properties) && Object.keys(properties).length === 0));
}

export function convertToGoogleToolConfig(choice: ToolChoice | null | undefined): GoogleToolConfig | undefined {
  if (choice === null || choice === undefined) return undefined;
  if (typeof choice === "string") {
    if (choice === "auto") return { function_calling_config: { mode: "AUTO" } };
    if (choice === "required" || choice === "any") return { function_calling_config: { mode: "ANY" } };
    if (choice === "none") return { function_calling_config: { mode: "NONE" } };
    throw new InvalidTemplateError(`tool_choice "${choice}" is not one of auto, required, none`, { location: "tool_choice" });
  }
  const name = choice.function?.name;
  if (!name) return undefined;
  return { function_calling_config: { mode: "ANY", allowed_function_names: [name] } };
}

function functionCallAsToolChoice(functionCall: string | { name: string } | null | undefined): ToolChoice | undefined {
  if (functionCall === null || functionCall === undefined) return undefined;
  if (typeof functionCall === "string") return functionCall;
  return { type: "function", function: { name: functionCall.name } };
}

/**
 * Template parameters → `generation_config` entries: OpenAI-style names are
 * translated (`max_tokens`, `stop`, `response_format`), the rest kept as
 * given. `model` and `stream` are not generation settings and are left out.
 */
export function convertToGoogleParameters(parameters: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parameters)) {
    switch (key) {
      case "model":
      case "stream":
        break;
      case "max_tokens":
      case "max_completion_tokens":
        result.max_output_tokens = value;
        break;
      case "stop":
        result.stop_sequences = typeof value === "string" ? [value] : value;
        break;
      case "response_format":
        Object.assign(result, responseFormatAsGoogle(value));
        break;
      default:
        result[key] = value;
    }
  }
  return result;
}

/** OpenAI's `response_format` → Gemini's JSON mode (`response_json_schema` takes full JSON Schema). */
function responseFormatAsGoogle(format: unknown): Record<string, unknown> {
  if (!isRecord(format)) return {};
  if (format.type === "json_schema") {
    const schema = isRecord(format.json_schema) ? format.json_schema.schema : undefined;
    return schema === undefined ? { response_mime_type: "application/json" } : { response_mime_type: "application/json", response_json_schema: schema };
  }
  if (format.type === "json_object") return { response_mime_type: "application/json" };
  return {};
}
