import { InvalidTemplateError } from "../../errors/promptline-error.js";
import type { ChatTemplate } from "../../schemas/template.js";
import type { Tool } from "../../schemas/tools.js";

/** A function tool in the Chat Completions request shape. */
export interface OpenAIChatFunctionTool {
  type: "function";
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
}

/** The tool fields of a Chat Completions request; absent keys are left out of the kwargs. */
export interface OpenAIChatToolFields {
  tools?: OpenAIChatFunctionTool[];
  tool_choice?: unknown;
  functions?: Record<string, unknown>[];
  function_call?: unknown;
}

/**
 * Template tools → the request's `tools`, `tool_choice`, `functions`,
 * `function_call`. Empty lists are left out (OpenAI rejects `tools: []`), and so
 * is a choice without its list (OpenAI rejects `tool_choice` without `tools`):
 * PromptLayer templates carry `functions: [], function_call: "none"` by default.
 */
export function prepareOpenAIChatTools(template: ChatTemplate, providerName = "Chat Completions"): OpenAIChatToolFields {
  const fields: OpenAIChatToolFields = {};
  const tools = (template.tools ?? []).map((tool, index) => toFunctionTool(tool, index, providerName));
  if (tools.length > 0) {
    fields.tools = tools;
    if (template.tool_choice != null) fields.tool_choice = template.tool_choice;
  }
  const functions = template.functions ?? [];
  if (functions.length > 0) {
    fields.functions = functions.map((definition) => dropNullish({ ...definition }));
    if (template.function_call != null) fields.function_call = template.function_call;
  }
  return fields;
}

function toFunctionTool(tool: Tool, index: number, providerName: string): OpenAIChatFunctionTool {
  if (tool.type !== "function") {
    const hint =
      tool.type === "registry" || tool.type === "variable"
        ? "expand it before building the request (render the template first)"
        : "use the Responses API or a provider that has this tool, or describe it as a function tool";
    throw new InvalidTemplateError(`${providerName} cannot take a "${tool.type}" tool: ${hint}.`, { location: `tools[${index}]` });
  }
  const { name, description, parameters, strict } = tool.function;
  return { type: "function", function: dropNullish({ name, description, parameters, strict }) as OpenAIChatFunctionTool["function"] };
}

function dropNullish(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined && value !== null));
}
