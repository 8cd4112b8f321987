import type { Content } from "../../schemas/content.js";
import type { Message } from "../../schemas/message.js";
import type { PromptTemplate } from "../../schemas/template.js";
import type { Tool, ToolCall, ToolChoice } from "../../schemas/tools.js";
import type { KwargsModel, LlmKwargs } from "../codec.js";
import { assistantMessage, isRecord, omit, textLast } from "../shared/content.js";
import { convertOutputItem } from "./convert-from-openai-responses-output.js";

type Json = Record<string, unknown>;

/** Keys that are no request parameters: the SDK's client options (which may hold secrets) and the conversation. */
const nonParameterKeys = ["model", "input", "instructions", "tools", "tool_choice", "apiKey", "api_key", "baseURL", "base_url", "apiVersion", "api_version"];

/** Responses kwargs → the template they express and the model: the inverse of `convertToOpenaiResponsesKwargs`. */
export function convertFromOpenaiResponsesKwargs(kwargs: LlmKwargs): { template: PromptTemplate; model: KwargsModel } {
  const messages: Message[] = [];
  if (typeof kwargs.instructions === "string" && kwargs.instructions !== "") {
    messages.push(inputMessage("system", [{ type: "text", text: kwargs.instructions }]));
  }
  messages.push(...convertFromResponsesInput(kwargs.input));

  const template: PromptTemplate = { type: "chat", messages, input_variables: [] };
  const tools = convertFromResponsesTools(kwargs.tools);
  if (tools.length > 0) template.tools = tools;
  const toolChoice = convertFromResponsesToolChoice(kwargs.tool_choice);
  if (toolChoice !== undefined) template.tool_choice = toolChoice;

  return {
    template,
    model: { name: typeof kwargs.model === "string" ? kwargs.model : "", parameters: convertFromResponsesParameters(omit(kwargs, nonParameterKeys)) },
  };
}

function inputMessage(role: "system" | "developer" | "user", content: Content[]): Message {
  return { role, content, input_variables: [], template_format: "f-string" };
}

/**
 * `input` (a string or a list of items) → messages. Consecutive items of the
 * model's turn (reasoning, built-in tool calls, its message, function calls)
 * make one assistant message.
 */
export function convertFromResponsesInput(input: unknown): Message[] {
  if (typeof input === "string") return [inputMessage("user", [{ type: "text", text: input }])];
  if (!Array.isArray(input)) return [];
  const messages: Message[] = [];
  let turn: { content: Content[]; toolCalls: ToolCall[] } | null = null;
  const closeTurn = () => {
    if (turn) messages.push(assistantMessage(textLast(turn.content), turn.toolCalls));
    turn = null;
  };

  for (const item of input.filter(isRecord)) {
    const role = item.role;
    if (role === "system" || role === "developer" || role === "user") {
      closeTurn();
      messages.push(inputMessage(role, contentBlocks(item.content)));
      continue;
    }
    if (item.type === "function_call_output") {
      closeTurn();
      messages.push({
        role: "tool",
        tool_call_id: typeof item.call_id === "string" ? item.call_id : "",
        content: [{ type: "text", text: outputText(item.output) }],
        input_variables: [],
        template_format: "f-string",
      });
      continue;
    }
    turn ??= { content: [], toolCalls: [] };
    if (role === "assistant") {
      turn.content.push(...contentBlocks(item.content));
      continue;
    }
    // Output items replayed as input (`item_reference` and unknown types give nothing).
    const converted = convertOutputItem(item);
    turn.content.push(...converted.content);
    if (converted.toolCall) {
      const { tool_id: _itemId, ...toolCall } = converted.toolCall;
      turn.toolCalls.push(toolCall);
    }
  }
  closeTurn();
  return messages;
}

function contentBlocks(content: unknown): Content[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (!Array.isArray(content)) return [];
  return content.filter(isRecord).flatMap((part): Content[] => {
    switch (part.type) {
      case "input_text":
      case "output_text":
      case "text":
        return typeof part.text === "string" ? [{ type: "text", text: part.text }] : [];
      case "refusal":
        return typeof part.refusal === "string" ? [{ type: "text", text: part.refusal }] : [];
      case "input_image": {
        if (typeof part.image_url !== "string") return [];
        const block: Content = { type: "image_url", image_url: { url: part.image_url } };
        if (typeof part.detail === "string") block.image_url.detail = part.detail;
        return [block];
      }
      case "input_file":
        return fileBlock(part);
      default:
        return [];
    }
  });
}

function fileBlock(part: Json): Content[] {
  const title = typeof part.filename === "string" ? part.filename : "file";
  if (typeof part.file_data === "string") {
    const dataUrl = /^data:([^;,]+)[^,]*;base64,(.*)$/s.exec(part.file_data);
    if (dataUrl) return [{ type: "media", media: { title, type: dataUrl[1] ?? "application/octet-stream", url: dataUrl[2] ?? "", format: "base64" } }];
  }
  if (typeof part.file_url === "string") return [{ type: "media", media: { title, type: "application/pdf", url: part.file_url, format: "url" } }];
  return [];
}

/** A function result is a string, or a list of input parts whose text we keep. */
function outputText(output: unknown): string {
  if (typeof output === "string") return output;
  if (Array.isArray(output)) return output.filter(isRecord).map((part) => (typeof part.text === "string" ? part.text : "")).join("");
  return JSON.stringify(output ?? "");
}

const builtInToolTypes: Record<string, Tool["type"]> = {
  web_search: "web_search",
  web_search_preview: "web_search",
  file_search: "file_search",
  code_interpreter: "code_interpreter",
  image_generation: "image_generation",
  mcp: "mcp",
  shell: "shell",
  apply_patch: "apply_patch",
};

function convertFromResponsesTools(tools: unknown): Tool[] {
  if (!Array.isArray(tools)) return [];
  const result: Tool[] = [];
  for (const tool of tools.filter(isRecord)) {
    if (tool.type === "function") {
      result.push({
        type: "function",
        function: {
          name: typeof tool.name === "string" ? tool.name : "",
          description: typeof tool.description === "string" ? tool.description : "",
          strict: tool.strict === true,
          parameters: isRecord(tool.parameters) ? tool.parameters : { type: "object", properties: {} },
        },
      });
      continue;
    }
    // Tools without a template type (custom, local_shell, computer use…) cannot be part of a template.
    const type = typeof tool.type === "string" ? builtInToolTypes[tool.type] : undefined;
    if (!type || type === "function" || type === "registry" || type === "variable") continue;
    // `web_search_preview` keeps its exact type in the config, which wins when the request is built again.
    const config = tool.type === type ? omit(tool, ["type"]) : { ...tool };
    result.push(Object.keys(config).length > 0 ? { type, config } : { type });
  }
  return result;
}

function convertFromResponsesToolChoice(choice: unknown): ToolChoice | undefined {
  if (typeof choice === "string") return choice;
  if (!isRecord(choice) || typeof choice.type !== "string") return undefined;
  if (choice.type === "function" && typeof choice.name === "string") return { type: "function", function: { name: choice.name } };
  return { ...choice, type: choice.type };
}

/**
 * Request parameters as a template holds them: `text.format` back to
 * `response_format` (the Chat Completions shape templates use), a
 * `reasoning` that only sets the effort back to `reasoning_effort`.
 */
function convertFromResponsesParameters(parameters: Json): Json {
  const result: Json = { ...parameters };
  if (isRecord(result.text) && isRecord(result.text.format)) {
    const { format, ...text } = result.text;
    const { type, ...schema } = format;
    result.response_format = type === "json_schema" ? { type, json_schema: schema } : format;
    if (Object.keys(text).length > 0) result.text = text;
    else delete result.text;
  }
  if (isRecord(result.reasoning) && Object.keys(result.reasoning).length === 1 && result.reasoning.effort !== undefined) {
    result.reasoning_effort = result.reasoning.effort;
    delete result.reasoning;
  }
  return result;
}
