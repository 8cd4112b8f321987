import { InvalidTemplateError } from "../../errors/promptline-error.js";
import type { ChatTemplate } from "../../schemas/template.js";
import { functionToolSchema, type Tool, type ToolChoice } from "../../schemas/tools.js";
import { isRecord } from "../shared/content.js";

export interface BedrockToolSpec {
  toolSpec: { name: string; description?: string; inputSchema: { json: Record<string, unknown> } };
}

export type BedrockToolChoice = { auto: Record<string, never> } | { any: Record<string, never> } | { tool: { name: string } };

export interface BedrockToolConfig {
  tools: BedrockToolSpec[];
  toolChoice?: BedrockToolChoice;
}

/**
 * Template tools (and legacy `functions`) → Converse `toolConfig`; undefined
 * when there are none. Converse has function tools only, and no way to say
 * "do not call a tool": both are template errors rather than silent changes.
 */
export function prepareBedrockToolConfig(template: ChatTemplate): BedrockToolConfig | undefined {
  const tools = [
    ...(template.tools ?? []).map((tool, index) => convertTool(tool, `tools[${index}]`)),
    ...(template.functions ?? []).map((definition) =>
      toolSpec(definition.name, definition.description ?? "", definition.parameters ?? { type: "object", properties: {} }),
    ),
  ];
  if (tools.length === 0) return undefined;
  const choice = template.tool_choice == null ? undefined : convertToolChoice(template.tool_choice);
  return choice ? { tools, toolChoice: choice } : { tools };
}

function convertTool(tool: Tool, location: string): BedrockToolSpec {
  if (tool.type === "function") return toolSpec(tool.function.name, tool.function.description, tool.function.parameters);
  const hint =
    tool.type === "registry" || tool.type === "variable"
      ? "expand it before building the request (render the template first)"
      : "describe it as a function tool or use a provider that has it";
  throw new InvalidTemplateError(`Bedrock Converse cannot take a "${tool.type}" tool: ${hint}.`, { location });
}

function toolSpec(name: string, description: string, json: Record<string, unknown>): BedrockToolSpec {
  // Converse rejects an empty description: leave it out instead.
  return { toolSpec: description ? { name, description, inputSchema: { json } } : { name, inputSchema: { json } } };
}

function convertToolChoice(choice: ToolChoice): BedrockToolChoice {
  if (typeof choice === "string") {
    if (choice === "auto") return { auto: {} };
    if (choice === "required" || choice === "any") return { any: {} };
    if (choice === "none") {
      throw new InvalidTemplateError('Bedrock Converse has no tool_choice "none": remove the tools or use "auto".', { location: "tool_choice" });
    }
    throw new InvalidTemplateError(`unknown tool_choice "${choice}": use auto, required or a function name.`, { location: "tool_choice" });
  }
  const name = choice.function?.name ?? (typeof choice.name === "string" ? choice.name : undefined);
  if (name) return { tool: { name } };
  throw new InvalidTemplateError(`tool_choice of type "${choice.type}" needs a function name.`, { location: "tool_choice" });
}

/** Converse `toolConfig` → template tools and choice. */
export function convertFromBedrockToolConfig(toolConfig: unknown): { tools: Tool[]; tool_choice: ToolChoice | null } {
  if (!isRecord(toolConfig)) return { tools: [], tool_choice: null };
  const tools = (Array.isArray(toolConfig.tools) ? toolConfig.tools : []).flatMap((tool): Tool[] => {
    const spec = isRecord(tool) && isRecord(tool.toolSpec) ? tool.toolSpec : null;
    if (!spec) return [];
    const json = isRecord(spec.inputSchema) ? spec.inputSchema.json : undefined;
    const parsed = functionToolSchema.safeParse({
      type: "function",
      function: { name: spec.name, description: spec.description ?? undefined, parameters: json ?? undefined },
    });
    return parsed.success ? [parsed.data] : [];
  });
  return { tools, tool_choice: convertFromBedrockToolChoice(toolConfig.toolChoice) };
}

function convertFromBedrockToolChoice(choice: unknown): ToolChoice | null {
  if (!isRecord(choice)) return null;
  if (choice.auto !== undefined) return "auto";
  if (choice.any !== undefined) return "required";
  if (isRecord(choice.tool) && typeof choice.tool.name === "string") return { type: "function", function: { name: choice.tool.name } };
  return null;
}
