/**
 * What the fakes do with a request that asks for structured output, read the
 * way each real API reads it: the answer is JSON matching the schema, as text
 * (OpenAI `response_format`, Mistral `response_format`, Gemini
 * `responseMimeType` + `responseJsonSchema`/`responseSchema`, Anthropic
 * `output_format`), or as the input of the tool the request forces
 * (Anthropic `tool_choice: {type: "tool", name}`, Converse
 * `toolConfig.toolChoice.tool.name`).
 */
import type { StructuredOutputRequest } from "./fake-call.js";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const anyObject = { type: "object" };

/** OpenAI's and Mistral's `response_format` (chat), or the Responses API's `text.format`. */
export function openAiStructuredOutput(body: Record<string, unknown>): StructuredOutputRequest | undefined {
  const format = isRecord(body.response_format) ? body.response_format : isRecord(body.text) && isRecord(body.text.format) ? body.text.format : undefined;
  if (format === undefined) return undefined;
  if (format.type === "json_object") return { schema: anyObject };
  if (format.type !== "json_schema") return undefined;
  const spec = isRecord(format.json_schema) ? format.json_schema : format;
  return { schema: spec.schema ?? anyObject };
}

/** Gemini's `generationConfig`: JSON mode, with a JSON Schema or an OpenAPI-style schema. */
export function geminiStructuredOutput(body: Record<string, unknown>): StructuredOutputRequest | undefined {
  const config = isRecord(body.generationConfig) ? body.generationConfig : undefined;
  if (config?.responseMimeType !== "application/json") return undefined;
  return { schema: config.responseJsonSchema ?? config.responseSchema ?? anyObject };
}

/** Anthropic: a forced tool (its input schema), or the structured-outputs beta's `output_format`. */
export function anthropicStructuredOutput(body: Record<string, unknown>): StructuredOutputRequest | undefined {
  const choice = body.tool_choice;
  if (isRecord(choice) && choice.type === "tool" && typeof choice.name === "string") {
    const tool = Array.isArray(body.tools) ? body.tools.find((candidate) => isRecord(candidate) && candidate.name === choice.name) : undefined;
    return { schema: isRecord(tool) ? (tool.input_schema ?? anyObject) : anyObject, tool: choice.name };
  }
  const format = body.output_format;
  if (isRecord(format) && format.type === "json_schema") return { schema: format.schema ?? anyObject };
  return undefined;
}

/** Converse: `toolConfig.toolChoice.tool.name` forces that tool. */
export function converseStructuredOutput(body: Record<string, unknown>): StructuredOutputRequest | undefined {
  const config = isRecord(body.toolConfig) ? body.toolConfig : undefined;
  const forced = isRecord(config?.toolChoice) && isRecord(config.toolChoice.tool) ? config.toolChoice.tool.name : undefined;
  if (typeof forced !== "string") return undefined;
  const spec = (Array.isArray(config?.tools) ? config.tools : [])
    .map((tool) => (isRecord(tool) && isRecord(tool.toolSpec) ? tool.toolSpec : undefined))
    .find((candidate) => candidate?.name === forced);
  const schema = isRecord(spec?.inputSchema) ? spec.inputSchema.json : undefined;
  return { schema: schema ?? anyObject, tool: forced };
}

/**
 * A small value matching `schema`, for a structured answer nobody scripted:
 * an object with its required properties (all of them when none are listed),
 * the first `enum` value or the `const`, `""`, `0`, `false`, `[]` (or
 * `minItems` items), `null`. Knows JSON Schema and Gemini's upper-case types.
 */
export function exampleOf(schema: unknown, depth = 0): unknown {
  if (!isRecord(schema) || depth > 8) return {};
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const variants = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(variants) && variants.length > 0) return exampleOf(variants[0], depth + 1);
  const type = (Array.isArray(schema.type) ? schema.type[0] : schema.type) ?? (isRecord(schema.properties) ? "object" : undefined);
  switch (typeof type === "string" ? type.toLowerCase() : undefined) {
    case "string":
      return "";
    case "number":
    case "integer":
      return typeof schema.minimum === "number" ? schema.minimum : 0;
    case "boolean":
      return false;
    case "null":
      return null;
    case "array": {
      const count = typeof schema.minItems === "number" ? schema.minItems : 0;
      return Array.from({ length: count }, () => exampleOf(schema.items, depth + 1));
    }
    default: {
      const properties = isRecord(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === "string") : Object.keys(properties);
      return Object.fromEntries(required.map((name) => [name, exampleOf(properties[name], depth + 1)]));
    }
  }
}
