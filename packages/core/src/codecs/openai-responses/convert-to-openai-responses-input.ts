import { InvalidTemplateError } from "../../errors/promptline-error.js";
import type { Content } from "../../schemas/content.js";
import type { AssistantMessage, Message } from "../../schemas/message.js";
import type { ModelSettings } from "../../schemas/metadata.js";
import type { PromptTemplate } from "../../schemas/template.js";
import type { FunctionDefinition, Tool, ToolChoice } from "../../schemas/tools.js";
import type { LlmKwargs } from "../codec.js";
import { isRecord, joinText } from "../shared/content.js";
import { toDataUrl } from "../shared/data-url.js";
import { passThroughItemTypes } from "./convert-from-openai-responses-output.js";

type Json = Record<string, unknown>;

/**
 * A rendered template → Responses API kwargs `{model, input, tools?,
 * tool_choice?, …parameters}`. System messages stay in `input` (not
 * `instructions`): PromptLayer's cache renderer edits `input[].content`.
 */
export function convertToOpenaiResponsesKwargs(template: PromptTemplate, model: ModelSettings): LlmKwargs {
  const messages: readonly Message[] = template.type === "chat" ? template.messages : [{ role: "user", content: template.content }];
  const kwargs: LlmKwargs = { model: model.name, input: convertToResponsesInput(messages) };
  if (template.type === "chat") {
    const tools = convertToResponsesTools(template.tools ?? [], template.functions ?? []);
    if (tools.length > 0) kwargs.tools = tools;
    const toolChoice = convertToResponsesToolChoice(template.tool_choice ?? template.function_call);
    if (toolChoice !== undefined) kwargs.tool_choice = toolChoice;
  }
  return { ...kwargs, ...convertToResponsesParameters(model.parameters) };
}

export function convertToResponsesInput(messages: readonly Message[]): Json[] {
  const items: Json[] = [];
  messages.forEach((message, index) => {
    const location = `messages[${index}]`;
    switch (message.role) {
      case "system":
      case "developer":
      case "user":
        items.push({ role: message.role, content: message.content.map((block, i) => convertInputBlock(block, `${location}.content[${i}]`)) });
        return;
      case "assistant":
        items.push(...convertAssistantMessage(message));
        return;
      case "tool":
        items.push({ type: "function_call_output", call_id: message.tool_call_id, output: joinText(message.content) });
        return;
      case "function":
        items.push({ type: "function_call_output", call_id: message.name, output: joinText(message.content) });
        return;
      case "placeholder":
        throw new InvalidTemplateError(`placeholder "${message.name}" must be expanded before the request is built`, { location });
    }
  });
  return items;
}

function convertInputBlock(block: Content, location: string): Json {
  switch (block.type) {
    case "text":
      return { type: "input_text", text: block.text };
    case "image_url":
      return { type: "input_image", image_url: block.image_url.url, detail: block.image_url.detail ?? "auto" };
    case "media": {
      const { type: mimeType, url, format, title } = block.media;
      if (!url) throw new InvalidTemplateError("a media block needs a url or base64 data", { location });
      const source = format === "base64" ? toDataUrl(mimeType, url) : url;
      if (mimeType.startsWith("image/")) return { type: "input_image", image_url: source, detail: "auto" };
      return format === "base64" ? { type: "input_file", filename: title, file_data: source } : { type: "input_file", file_url: source };
    }
    default:
      throw new InvalidTemplateError(`the Responses API cannot take a "${block.type}" block in an input message`, { location });
  }
}

/**
 * An assistant turn → output items replayed as input: reasoning (only with
 * its encrypted content, else the API cannot use it), built-in tool calls,
 * one message with the text, then the function calls.
 */
function convertAssistantMessage(message: AssistantMessage): Json[] {
  const items: Json[] = [];
  const texts: Json[] = [];
  for (const block of message.content ?? []) {
    if (block.type === "text") {
      texts.push({ type: "output_text", text: block.text });
      continue;
    }
    const item = assistantBlockItem(block);
    if (item) items.push(item);
  }
  if (texts.length > 0) items.push({ role: "assistant", content: texts });
  for (const call of message.tool_calls ?? []) {
    items.push({ type: "function_call", call_id: call.id, name: call.function.name, arguments: call.function.arguments });
  }
  if (message.function_call) {
    items.push({ type: "function_call", call_id: message.function_call.name, name: message.function_call.name, arguments: message.function_call.arguments });
  }
  return items;
}

/** The inverse of `convertOutputItem` for the blocks a Responses request can replay; others are dropped. */
function assistantBlockItem(block: Content): Json | undefined {
  const fields = block as Json;
  const id = typeof fields.id === "string" ? fields.id : undefined;
  switch (block.type) {
    case "thinking": {
      if (typeof fields.encrypted_content !== "string") return undefined;
      const item: Json = { type: "reasoning" };
      if (id) item.id = id;
      item.summary = block.thinking ? [{ type: "summary_text", text: block.thinking }] : [];
      item.encrypted_content = fields.encrypted_content;
      return item;
    }
    case "server_tool_use":
      if (!id) return undefined;
      if (fields.name === "web_search") return { type: "web_search_call", id, status: "completed", action: fields.input ?? {} };
      if (fields.name === "file_search") {
        const input = isRecord(fields.input) ? fields.input : {};
        return { type: "file_search_call", id, status: "completed", queries: input.queries ?? [], results: fields.results ?? null };
      }
      return undefined;
    case "code":
      if (!id || !block.container_id) return undefined;
      return { type: "code_interpreter_call", id, status: "completed", code: block.code, container_id: block.container_id, outputs: fields.outputs ?? [] };
    case "output_media": {
      const base64 = /^data:[^,]*;base64,(.*)$/s.exec(block.url)?.[1];
      if (!id || base64 === undefined) return undefined;
      return { type: "image_generation_call", id, status: "completed", result: base64 };
    }
    default:
      return passThroughItemTypes.has(block.type) ? { ...fields } : undefined;
  }
}

/** Responses tool types of our built-in tools; Anthropic's and Google's own are not available here. */
const responsesBuiltInTools = new Set(["web_search", "file_search", "code_interpreter", "image_generation", "mcp", "shell", "apply_patch"]);

export function convertToResponsesTools(tools: readonly Tool[], functions: readonly FunctionDefinition[]): Json[] {
  const result: Json[] = functions.map((fn) => ({
    type: "function",
    name: fn.name,
    description: fn.description ?? "",
    parameters: fn.parameters ?? { type: "object", properties: {} },
    strict: false,
  }));
  tools.forEach((tool, index) => {
    const location = `tools[${index}]`;
    switch (tool.type) {
      case "function": {
        const { name, description, parameters, strict } = tool.function;
        result.push({ type: "function", name, description, parameters, strict });
        return;
      }
      case "registry":
      case "variable":
        throw new InvalidTemplateError(`a "${tool.type}" tool must be resolved before the request is built`, { location });
      default: {
        if (!responsesBuiltInTools.has(tool.type)) throw new InvalidTemplateError(`the Responses API has no built-in "${tool.type}" tool`, { location });
        // Code interpreter needs a container; `auto` lets OpenAI create one. The tool's config wins.
        const defaults: Json = tool.type === "code_interpreter" ? { container: { type: "auto" } } : {};
        result.push({ type: tool.type, ...defaults, ...(tool.config ?? {}) });
      }
    }
  });
  return result;
}

export function convertToResponsesToolChoice(choice: ToolChoice | { name: string } | null | undefined): unknown {
  if (choice === null || choice === undefined) return undefined;
  if (typeof choice === "string") return choice;
  const fields = choice as Json;
  if (fields.type === undefined && typeof fields.name === "string") return { type: "function", name: fields.name };
  if (fields.type === "function" && isRecord(fields.function)) return { type: "function", name: fields.function.name };
  return { ...fields };
}

/**
 * Template parameters → Responses parameters: `max_tokens` and
 * `max_completion_tokens` → `max_output_tokens`, `reasoning_effort` →
 * `reasoning.effort`, `response_format` → `text.format`; the rest as given.
 */
export function convertToResponsesParameters(parameters: Json): Json {
  const result: Json = {};
  for (const [key, value] of Object.entries(parameters)) {
    switch (key) {
      case "max_tokens":
      case "max_completion_tokens":
        result.max_output_tokens = value;
        break;
      case "reasoning_effort":
        result.reasoning = { ...(isRecord(result.reasoning) ? result.reasoning : {}), effort: value };
        break;
      case "reasoning":
        result.reasoning = { ...(isRecord(value) ? value : {}), ...(isRecord(result.reasoning) ? result.reasoning : {}) };
        break;
      case "response_format": {
        const format = responseFormatAsTextFormat(value);
        if (format) result.text = { ...(isRecord(result.text) ? result.text : {}), format };
        break;
      }
      case "text":
        result.text = { ...(isRecord(value) ? value : {}), ...(isRecord(result.text) ? result.text : {}) };
        break;
      default:
        result[key] = value;
    }
  }
  return result;
}

/** Chat Completions' `response_format` → the Responses `text.format` (the schema's fields move up a level). */
function responseFormatAsTextFormat(format: unknown): Json | undefined {
  if (!isRecord(format)) return undefined;
  if (format.type === "json_schema" && isRecord(format.json_schema)) return { type: "json_schema", ...format.json_schema };
  return { ...format };
}
