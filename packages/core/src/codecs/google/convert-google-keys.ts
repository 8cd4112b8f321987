import { isRecord } from "../shared/content.js";

/**
 * PromptLayer's Google kwargs are snake_case (`max_output_tokens`), the Gemini
 * wire format is camelCase (`maxOutputTokens`). The official SDK camelCases
 * every key, including the user's own names (property names of a response
 * schema, the arguments of a function call). We convert the API's field names
 * only:
 * - maps keyed by user-defined names keep their keys (their values are
 *   schemas, converted in turn);
 * - opaque values (function-call arguments, function results, schema
 *   literals, JSON Schemas whose keywords are camelCase already) are copied
 *   as they are.
 * Going back to snake_case (kwargs the JS SDK camelCased), schemas are left
 * whole: their camelCase keywords are valid on the wire.
 */
const userKeyedMaps = new Set(["properties", "$defs", "definitions", "patternProperties", "labels"]);
const opaqueValues = ["args", "response", "default", "example", "examples", "const", "enum", "parametersJsonSchema", "responseJsonSchema"];
const opaqueWhenCamelCasing = new Set(opaqueValues);
const opaqueWhenSnakeCasing = new Set([...opaqueValues, "parameters", "responseSchema"]);

export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

export function camelToSnake(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

interface KeyConversion {
  rename: (key: string) => string;
  opaque: ReadonlySet<string>;
}

function convertKeys(value: unknown, conversion: KeyConversion): unknown {
  const { rename, opaque } = conversion;
  if (Array.isArray(value)) return value.map((item) => convertKeys(item, conversion));
  if (!isRecord(value)) return value;
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const renamed = rename(key);
    // Both spellings name the same field: `function_response.response` and `functionResponse.response`.
    const field = snakeToCamel(key);
    if (opaque.has(field)) result[renamed] = child;
    else if (userKeyedMaps.has(field) && isRecord(child)) result[renamed] = convertMapValues(child, conversion);
    else result[renamed] = convertKeys(child, conversion);
  }
  return result;
}

function convertMapValues(map: Record<string, unknown>, conversion: KeyConversion): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(map)) result[name] = convertKeys(schema, conversion);
  return result;
}

/** snake_case field names → camelCase, leaving user-defined names and values alone. */
export function camelCaseKeys(value: unknown): unknown {
  return convertKeys(value, { rename: snakeToCamel, opaque: opaqueWhenCamelCasing });
}

/** camelCase field names → snake_case, leaving user-defined names and values alone. */
export function snakeCaseKeys(value: unknown): unknown {
  return convertKeys(value, { rename: camelToSnake, opaque: opaqueWhenSnakeCasing });
}
