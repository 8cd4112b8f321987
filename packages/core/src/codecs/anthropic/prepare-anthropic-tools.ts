import { InvalidTemplateError } from "../../errors/promptline-error.js";
import type { ChatTemplate } from "../../schemas/template.js";
import { functionToolSchema, type BuiltInTool, type FunctionDefinition, type Tool, type ToolChoice } from "../../schemas/tools.js";
import { isRecord, omit } from "../shared/content.js";

export interface AnthropicFunctionTool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
}

/** A tool Anthropic runs itself, or one of its schema-less client tools (`bash`, the text editor). */
export type AnthropicBuiltInTool = { type: string; name: string } & Record<string, unknown>;

export type AnthropicTool = AnthropicFunctionTool | AnthropicBuiltInTool;

export type AnthropicToolChoice = { type: "auto" } | { type: "any" } | { type: "none" } | { type: "tool"; name: string };

/**
 * Our built-in tools that Anthropic has, with the versioned type sent by
 * default. A tool's `config` is spread over it, so `config.type` picks another
 * version (`web_search_20260209`…) and the rest sets its options (`max_uses`…).
 * The web fetch and code execution tools may need an `anthropic-beta` header,
 * which is the transport's business.
 */
const anthropicBuiltInTools: Partial<Record<BuiltInTool["type"], { type: string; name: string }>> = {
  web_search: { type: "web_search_20250305", name: "web_search" },
  url_context: { type: "web_fetch_20250910", name: "web_fetch" },
  code_interpreter: { type: "code_execution_20250825", name: "code_execution" },
  bash: { type: "bash_20250124", name: "bash" },
  text_editor: { type: "text_editor_20250728", name: "str_replace_based_edit_tool" },
};

/** The tool fields of a Messages request; absent when the template has no tools. */
export interface AnthropicToolFields {
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
}

/**
 * Template tools (and legacy `functions`) → the request's `tools` and
 * `tool_choice`. A choice without tools is left out, as PromptLayer templates
 * carry `tool_choice` defaults even when they have no tools.
 */
export function prepareAnthropicTools(template: ChatTemplate): AnthropicToolFields {
  const tools = [
    ...(template.tools ?? []).map((tool, index) => convertTool(tool, `tools[${index}]`)),
    ...(template.functions ?? []).map(convertFunctionDefinition),
  ];
  if (tools.length === 0) return {};
  const choice = template.tool_choice == null ? undefined : convertToolChoice(template.tool_choice);
  return choice ? { tools, tool_choice: choice } : { tools };
}

function convertTool(tool: Tool, location: string): AnthropicTool {
  switch (tool.type) {
    case "function": {
      const { name, description, parameters } = tool.function;
      return description ? { name, description, input_schema: parameters } : { name, input_schema: parameters };
    }
    case "registry":
    case "variable":
      throw new InvalidTemplateError(`a "${tool.type}" tool must be expanded before building the request: render the template first.`, {
        location,
      });
    default: {
      const builtIn = anthropicBuiltInTools[tool.type];
      if (!builtIn) {
        throw new InvalidTemplateError(`Anthropic has no "${tool.type}" tool: describe it as a function tool or use another provider.`, {
          location,
        });
      }
      return { ...builtIn, ...(tool.config ?? {}) };
    }
  }
}

function convertFunctionDefinition(definition: FunctionDefinition): AnthropicFunctionTool {
  const input_schema = definition.parameters ?? { type: "object", properties: {} };
  return definition.description ? { name: definition.name, description: definition.description, input_schema } : { name: definition.name, input_schema };
}

/** OpenAI-style `tool_choice` → Anthropic's. */
export function convertToolChoice(choice: ToolChoice): AnthropicToolChoice {
  if (typeof choice === "string") {
    switch (choice) {
      case "auto":
        return { type: "auto" };
      case "required":
      case "any":
        return { type: "any" };
      case "none":
        return { type: "none" };
      default:
        throw new InvalidTemplateError(`unknown tool_choice "${choice}": use auto, required, none or a function name.`, {
          location: "tool_choice",
        });
    }
  }
  const name = choice.function?.name ?? (typeof choice.name === "string" ? choice.name : undefined);
  if ((choice.type === "function" || choice.type === "tool") && name) return { type: "tool", name };
  if (choice.type === "auto" || choice.type === "any" || choice.type === "none") return { type: choice.type };
  throw new InvalidTemplateError(`tool_choice of type "${choice.type}" needs a function name.`, { location: "tool_choice" });
}

/** Anthropic `tools` → template tools: function tools, and the built-in tools we know (others are left out). */
export function convertFromAnthropicTools(tools: unknown): Tool[] {
  if (!Array.isArray(tools)) return [];
  return tools.flatMap((tool): Tool[] => {
    if (!isRecord(tool) || typeof tool.name !== "string") return [];
    if (tool.type === undefined || tool.type === null || tool.type === "custom") {
      const parsed = functionToolSchema.safeParse({
        type: "function",
        function: { name: tool.name, description: tool.description ?? undefined, parameters: tool.input_schema ?? undefined },
      });
      return parsed.success ? [parsed.data] : [];
    }
    const builtIn = builtInToolOf(tool);
    return builtIn ? [builtIn] : [];
  });
}

function builtInToolOf(tool: Record<string, unknown>): Tool | null {
  for (const [type, defaults] of Object.entries(anthropicBuiltInTools)) {
    if (!defaults || typeof tool.type !== "string" || tool.type.replace(/_\d{8}$/, "") !== defaults.type.replace(/_\d{8}$/, "")) continue;
    const config = omit(tool, ["type", "name"]);
    if (tool.type !== defaults.type) config.type = tool.type;
    return Object.keys(config).length > 0 ? ({ type, config } as Tool) : ({ type } as Tool);
  }
  return null;
}

/** Anthropic `tool_choice` → the template's OpenAI-style choice; null when absent or unknown. */
export function convertFromAnthropicToolChoice(choice: unknown): ToolChoice | null {
  if (!isRecord(choice)) return null;
  switch (choice.type) {
    case "auto":
      return "auto";
    case "any":
      return "required";
    case "none":
      return "none";
    case "tool":
      return typeof choice.name === "string" ? { type: "function", function: { name: choice.name } } : null;
    default:
      return null;
  }
}
