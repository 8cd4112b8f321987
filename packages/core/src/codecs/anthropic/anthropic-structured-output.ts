import { ResponseFormatUnsupportedError } from "../../errors/promptline-error.js";
import { isRecord } from "../shared/content.js";
import {
  readJsonResponseFormat,
  responseFormatOfTool,
  STRUCTURED_OUTPUT_TOOL_NAME,
  structuredOutputToolDescription,
} from "../shared/structured-output.js";
import type { AnthropicFunctionTool, AnthropicTool, AnthropicToolChoice, AnthropicToolFields } from "./prepare-anthropic-tools.js";

/** What of a Messages request the structured-output translation looks at. */
export interface AnthropicStructuredOutputInput extends AnthropicToolFields {
  /** The request's `response_format` parameter (OpenAI's shape). */
  response_format?: unknown;
  /** Extended thinking: Claude can't be forced to call a tool while it thinks. */
  thinking?: unknown;
  model: string;
}

/**
 * `response_format` (json_schema or json_object) → the Messages request's
 * `tools` and `tool_choice`: the schema becomes the input schema of the
 * `json_response` tool, which the model is forced to call. With tools of the
 * template's own, the model must call one of them or answer through
 * `json_response` (`tool_choice: any`), unless the template names a tool to
 * call. Undefined when no JSON is asked for. Pure, and shared by every
 * provider that speaks the Messages API (anthropic, anthropic.bedrock,
 * Claude on Vertex AI). Decision 0010.
 *
 * @throws ResponseFormatUnsupportedError with extended thinking on: Anthropic
 *   refuses a forced tool then.
 */
export function anthropicStructuredOutput(input: AnthropicStructuredOutputInput): Required<AnthropicToolFields> | undefined {
  const format = readJsonResponseFormat(input.response_format);
  if (format === undefined) return undefined;
  if (isRecord(input.thinking) && input.thinking.type === "enabled") {
    throw new ResponseFormatUnsupportedError({
      provider: "anthropic",
      model: input.model,
      reason: 'Claude can\'t be made to answer through a tool while extended thinking is on; turn thinking off (thinking: {type: "disabled"}, or reasoning_effort "minimal")',
    });
  }
  const tool: AnthropicFunctionTool = { name: STRUCTURED_OUTPUT_TOOL_NAME, description: structuredOutputToolDescription(format), input_schema: format.schema };
  const own = (input.tools ?? []).filter((existing) => existing.name !== STRUCTURED_OUTPUT_TOOL_NAME);
  return { tools: [...own, tool], tool_choice: choiceWith(own, input.tool_choice) };
}

function choiceWith(own: readonly AnthropicTool[], choice: AnthropicToolChoice | undefined): AnthropicToolChoice {
  const forced: AnthropicToolChoice = { type: "tool", name: STRUCTURED_OUTPUT_TOOL_NAME };
  if (own.length === 0 || choice?.type === "none") return forced;
  if (choice?.type === "tool") return choice; // the template asks for that tool's call first
  return { type: "any" };
}

/** The structured-output tool of a Messages request, if it has one. */
export function anthropicStructuredOutputTool(kwargs: Record<string, unknown>): string | undefined {
  return findTool(kwargs.tools) === undefined ? undefined : STRUCTURED_OUTPUT_TOOL_NAME;
}

/**
 * The inverse, for requests read back (`/track-request`): the template's own
 * tools and choice, and the `response_format` the forced tool stands for.
 */
export function convertFromAnthropicStructuredOutput(tools: unknown, toolChoice: unknown): { tools: unknown; tool_choice: unknown; response_format?: Record<string, unknown> } {
  const tool = findTool(tools);
  if (tool === undefined || !Array.isArray(tools)) return { tools, tool_choice: toolChoice };
  const own = tools.filter((candidate) => candidate !== tool);
  const forcedOurs = isRecord(toolChoice) && (toolChoice.type === "any" || (toolChoice.type === "tool" && toolChoice.name === STRUCTURED_OUTPUT_TOOL_NAME));
  return { tools: own, tool_choice: forcedOurs ? undefined : toolChoice, response_format: responseFormatOfTool(tool.description, tool.input_schema) };
}

function findTool(tools: unknown): Record<string, unknown> | undefined {
  if (!Array.isArray(tools)) return undefined;
  return tools.find((tool): tool is Record<string, unknown> => isRecord(tool) && tool.name === STRUCTURED_OUTPUT_TOOL_NAME && (tool.type === undefined || tool.type === "custom"));
}
