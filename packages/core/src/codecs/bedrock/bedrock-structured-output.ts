import { ResponseFormatUnsupportedError } from "../../errors/promptline-error.js";
import { isRecord } from "../shared/content.js";
import {
  readJsonResponseFormat,
  responseFormatOfTool,
  STRUCTURED_OUTPUT_TOOL_NAME,
  structuredOutputToolDescription,
} from "../shared/structured-output.js";
import type { BedrockToolChoice, BedrockToolConfig, BedrockToolSpec } from "./prepare-bedrock-tools.js";

/** What of a Converse request the structured-output translation looks at. */
export interface BedrockStructuredOutputInput {
  /** The request's `response_format` parameter (OpenAI's shape). */
  response_format?: unknown;
  toolConfig?: BedrockToolConfig | undefined;
  additionalModelRequestFields?: Record<string, unknown> | undefined;
  modelId: string;
}

/**
 * Model families Converse serves without `toolChoice` `any`/`tool` (Bedrock
 * documents it for Claude, Mistral Large and Nova): there the schema can't be
 * forced, and a request that asks for it is refused rather than sent without.
 */
const modelsWithoutForcedTools = ["meta.", "cohere.", "ai21.", "amazon.titan", "deepseek.", "writer."];
const regionPrefix = /^(?:us|eu|apac|us-gov|global|jp|au|ca)\./u;

/**
 * `response_format` (json_schema or json_object) → the Converse request's
 * `toolConfig`: the schema becomes the input schema of the `json_response`
 * tool, forced with `toolChoice: {tool: {name}}` (`{any: {}}` beside the
 * template's own tools, unless it names one). Undefined when no JSON is
 * asked for. Decision 0010.
 *
 * @throws ResponseFormatUnsupportedError for models Converse can't force a
 *   tool on, and with Claude's extended thinking on.
 */
export function bedrockStructuredOutput(input: BedrockStructuredOutputInput): BedrockToolConfig | undefined {
  const format = readJsonResponseFormat(input.response_format);
  if (format === undefined) return undefined;
  const unsupported = (reason: string) => new ResponseFormatUnsupportedError({ provider: "amazon.bedrock", model: input.modelId, reason });
  const id = input.modelId.replace(regionPrefix, "");
  if (modelsWithoutForcedTools.some((prefix) => id.startsWith(prefix))) {
    throw unsupported("Bedrock Converse can't force this model to call a tool, which is how it enforces a schema");
  }
  const thinking = input.additionalModelRequestFields?.thinking;
  if (isRecord(thinking) && thinking.type === "enabled") {
    throw unsupported('Claude can\'t be made to answer through a tool while extended thinking is on; turn thinking off (thinking: {type: "disabled"})');
  }
  const tool: BedrockToolSpec = {
    toolSpec: { name: STRUCTURED_OUTPUT_TOOL_NAME, description: structuredOutputToolDescription(format), inputSchema: { json: format.schema } },
  };
  const own = (input.toolConfig?.tools ?? []).filter((spec) => spec.toolSpec.name !== STRUCTURED_OUTPUT_TOOL_NAME);
  return { tools: [...own, tool], toolChoice: choiceWith(own, input.toolConfig?.toolChoice) };
}

function choiceWith(own: readonly BedrockToolSpec[], choice: BedrockToolChoice | undefined): BedrockToolChoice {
  if (own.length === 0) return { tool: { name: STRUCTURED_OUTPUT_TOOL_NAME } };
  if (choice !== undefined && "tool" in choice) return choice; // the template asks for that tool's call first
  return { any: {} };
}

/** The structured-output tool of a Converse request, if it has one. */
export function bedrockStructuredOutputTool(kwargs: Record<string, unknown>): string | undefined {
  return findTool(kwargs.toolConfig) === undefined ? undefined : STRUCTURED_OUTPUT_TOOL_NAME;
}

/**
 * The inverse, for requests read back (`/track-request`): the `toolConfig`
 * of the template's own tools (undefined when none), and the
 * `response_format` the forced tool stands for.
 */
export function convertFromBedrockStructuredOutput(toolConfig: unknown): { toolConfig: unknown; response_format?: Record<string, unknown> } {
  const spec = findTool(toolConfig);
  if (spec === undefined || !isRecord(toolConfig) || !Array.isArray(toolConfig.tools)) return { toolConfig };
  const own = toolConfig.tools.filter((tool) => !(isRecord(tool) && tool.toolSpec === spec));
  const choice = toolConfig.toolChoice;
  const forcedOurs = isRecord(choice) && (choice.any !== undefined || (isRecord(choice.tool) && choice.tool.name === STRUCTURED_OUTPUT_TOOL_NAME));
  const inputSchema = isRecord(spec.inputSchema) ? spec.inputSchema.json : undefined;
  const response_format = responseFormatOfTool(spec.description, inputSchema);
  if (own.length === 0) return { toolConfig: undefined, response_format };
  return { toolConfig: forcedOurs ? { tools: own } : { tools: own, toolChoice: choice }, response_format };
}

function findTool(toolConfig: unknown): Record<string, unknown> | undefined {
  if (!isRecord(toolConfig) || !Array.isArray(toolConfig.tools)) return undefined;
  for (const tool of toolConfig.tools) {
    if (isRecord(tool) && isRecord(tool.toolSpec) && tool.toolSpec.name === STRUCTURED_OUTPUT_TOOL_NAME) return tool.toolSpec;
  }
  return undefined;
}
