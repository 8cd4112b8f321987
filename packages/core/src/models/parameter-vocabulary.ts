/**
 * The canonical parameter vocabulary: the ideas several providers share under
 * different names, and how a value moves from one provider's name to another's.
 *
 * | canonical           | names (and shapes) by provider                                                                                   |
 * | ------------------- | ---------------------------------------------------------------------------------------------------------------- |
 * | `max_tokens`        | `max_tokens` (OpenAI chat, Anthropic, Mistral, Bedrock) · `max_completion_tokens` (OpenAI reasoning models) ·     |
 * |                     | `max_output_tokens` (Google, OpenAI Responses) · `maxTokens` (Bedrock Converse, read only)                       |
 * | `stop`              | `stop` (OpenAI, Mistral) · `stop_sequences` (Anthropic, Google, Bedrock) · `stopSequences` (read only);           |
 * |                     | a single string becomes a one-item list                                                                          |
 * | `temperature`       | `temperature` everywhere                                                                                         |
 * | `top_p`             | `top_p` · `topP` (read only)                                                                                     |
 * | `top_k`             | `top_k` (Anthropic, Google) · `topK` (read only)                                                                 |
 * | `seed`              | `seed` (OpenAI, Google) · `random_seed` (Mistral)                                                                |
 * | `frequency_penalty` | `frequency_penalty`                                                                                              |
 * | `presence_penalty`  | `presence_penalty`                                                                                               |
 * | `response_format`   | `response_format` `{type:"json_schema", json_schema:{name, schema, strict?}}` / `{type:"json_object"}` /          |
 * |                     | `{type:"text"}` (OpenAI chat, Mistral) · `response_mime_type:"application/json"` + `response_json_schema`        |
 * |                     | (Google; its older `response_schema`, an OpenAPI subset with upper-case types, is read too) ·                    |
 * |                     | `text:{format:{type:"json_schema", name, schema}}` (OpenAI Responses) · Anthropic, Bedrock: `response_format`,  |
 * |                     | sent by their codecs as a forced tool whose input schema is the JSON schema (decision 0010) ·                    |
 * |                     | `output_format:{type:"json_schema", schema}` (Anthropic's structured-outputs beta, read only)                    |
 * | `reasoning_effort`  | `reasoning_effort` `"minimal"｜"low"｜"medium"｜"high"` (OpenAI chat) · `reasoning:{effort}` (OpenAI Responses) ·  |
 * |                     | `thinking:{type:"enabled", budget_tokens}` (Anthropic) · `thinking_config:{thinking_budget}` (Google)             |
 *
 * Reasoning effort ↔ thinking budget (tokens): `minimal` = 0 (thinking off:
 * Anthropic `{type:"disabled"}`, Google `thinking_budget: 0`), `low` = 1024
 * (Anthropic's minimum budget), `medium` = 8192, `high` = 24576 (Gemini 2.5
 * Flash's largest budget). Read back, a budget maps to the nearest effort:
 * ≤ 2048 low, ≤ 16384 medium, above that high; Google's `-1` (dynamic) reads
 * as medium.
 */

export const canonicalParameters = [
  "max_tokens",
  "stop",
  "temperature",
  "top_p",
  "top_k",
  "seed",
  "frequency_penalty",
  "presence_penalty",
  "response_format",
  "reasoning_effort",
] as const;
export type CanonicalParameter = (typeof canonicalParameters)[number];

export const reasoningEfforts = ["minimal", "low", "medium", "high"] as const;
export type ReasoningEffort = (typeof reasoningEfforts)[number];

/** Structured output, whatever the provider calls it. */
export type CanonicalResponseFormat =
  | { kind: "text" }
  | { kind: "json" }
  | { kind: "json_schema"; name: string; schema: unknown; strict?: boolean };

/** Thinking budget, in tokens, for each reasoning effort. */
export const thinkingBudgets: Readonly<Record<ReasoningEffort, number>> = {
  minimal: 0,
  low: 1024,
  medium: 8192,
  high: 24576,
};

/** Every provider name of a canonical parameter. */
export const parameterNames: Readonly<Record<string, CanonicalParameter>> = {
  max_tokens: "max_tokens",
  max_completion_tokens: "max_tokens",
  max_output_tokens: "max_tokens",
  maxTokens: "max_tokens",
  stop: "stop",
  stop_sequences: "stop",
  stopSequences: "stop",
  temperature: "temperature",
  top_p: "top_p",
  topP: "top_p",
  top_k: "top_k",
  topK: "top_k",
  seed: "seed",
  random_seed: "seed",
  frequency_penalty: "frequency_penalty",
  presence_penalty: "presence_penalty",
  response_format: "response_format",
  response_mime_type: "response_format",
  text: "response_format",
  output_format: "response_format",
  reasoning_effort: "reasoning_effort",
  reasoning: "reasoning_effort",
  thinking: "reasoning_effort",
  thinking_config: "reasoning_effort",
};

/** Keys that travel with another key: Google's schema belongs to its `response_mime_type`. */
export const companionParameters: Readonly<Record<string, string>> = {
  response_schema: "response_mime_type",
  response_json_schema: "response_mime_type",
};

/** The companions of a parameter name (`response_mime_type` → `response_schema`, `response_json_schema`). */
export function companionsOf(name: string): string[] {
  return Object.entries(companionParameters)
    .filter(([, primary]) => primary === name)
    .map(([companion]) => companion);
}

export function canonicalNameOf(name: string): CanonicalParameter | undefined {
  return Object.hasOwn(parameterNames, name) ? parameterNames[name] : undefined;
}

/**
 * The canonical value of parameter `name` in `parameters` (which holds its
 * companions too), or undefined when the value has a shape we can't read.
 */
export function readCanonical(name: string, parameters: Readonly<Record<string, unknown>>): unknown {
  const canonical = canonicalNameOf(name);
  const value = parameters[name];
  switch (canonical) {
    case undefined:
      return undefined;
    case "stop":
      return readStop(value);
    case "response_format":
      return readResponseFormat(name, value, parameters);
    case "reasoning_effort":
      return readReasoningEffort(name, value);
    default:
      return typeof value === "number" && Number.isFinite(value) ? value : undefined;
  }
}

/**
 * Parameter `name` of the target provider holding canonical `value`, as the
 * keys to set (several for Google's response format), or undefined when
 * that name can't express the value. `efforts` are the reasoning efforts the
 * target accepts; another effort moves to the nearest one it does.
 */
export function writeCanonical(
  name: string,
  value: unknown,
  efforts: readonly ReasoningEffort[] = reasoningEfforts,
): Record<string, unknown> | undefined {
  const canonical = canonicalNameOf(name);
  switch (canonical) {
    case undefined:
      return undefined;
    case "stop":
      return Array.isArray(value) ? { [name]: [...(value as unknown[])] } : undefined;
    case "response_format":
      return isResponseFormat(value) ? writeResponseFormat(name, value) : undefined;
    case "reasoning_effort":
      return isReasoningEffort(value) ? writeReasoningEffort(name, nearestEffort(value, efforts)) : undefined;
    default:
      return typeof value === "number" ? { [name]: value } : undefined;
  }
}

/** The effort a thinking budget stands for (see the table at the top of this file). */
export function effortForBudget(budget: number): ReasoningEffort {
  if (budget === 0) return "minimal";
  if (budget < 0) return "medium"; // Google's -1: the model decides.
  if (budget <= 2048) return "low";
  if (budget <= 16384) return "medium";
  return "high";
}

/** `effort` if allowed, else the closest allowed effort (ties go to the stronger one). */
export function nearestEffort(effort: ReasoningEffort, allowed: readonly ReasoningEffort[]): ReasoningEffort {
  if (allowed.length === 0 || allowed.includes(effort)) return effort;
  const rank = reasoningEfforts.indexOf(effort);
  let best = allowed[0] as ReasoningEffort;
  for (const candidate of allowed) {
    const distance = Math.abs(reasoningEfforts.indexOf(candidate) - rank);
    const bestDistance = Math.abs(reasoningEfforts.indexOf(best) - rank);
    if (distance < bestDistance || (distance === bestDistance && reasoningEfforts.indexOf(candidate) > reasoningEfforts.indexOf(best))) {
      best = candidate;
    }
  }
  return best;
}

function readStop(value: unknown): string[] | undefined {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) return [...value];
  return undefined;
}

function readResponseFormat(name: string, value: unknown, parameters: Readonly<Record<string, unknown>>): CanonicalResponseFormat | undefined {
  if (name === "response_mime_type") {
    if (value === "text/plain") return { kind: "text" };
    if (value !== "application/json") return undefined;
    const schema = parameters.response_json_schema ?? parameters.response_schema;
    return schema === undefined || schema === null ? { kind: "json" } : { kind: "json_schema", name: "response", schema: lowercaseSchemaTypes(schema) };
  }
  if (name === "text") return isObject(value) ? readOpenAiFormat(value.format, true) : undefined;
  if (name === "output_format") return readOpenAiFormat(value, true);
  return readOpenAiFormat(value, false);
}

/** OpenAI chat nests the schema under `json_schema`; the Responses API (`flat`) puts it beside `type`. */
function readOpenAiFormat(value: unknown, flat: boolean): CanonicalResponseFormat | undefined {
  if (!isObject(value)) return undefined;
  if (value.type === "text") return { kind: "text" };
  if (value.type === "json_object") return { kind: "json" };
  if (value.type !== "json_schema") return undefined;
  const spec = flat ? value : value.json_schema;
  if (!isObject(spec) || spec.schema === undefined) return undefined;
  const format: CanonicalResponseFormat = {
    kind: "json_schema",
    name: typeof spec.name === "string" ? spec.name : "response",
    schema: spec.schema,
  };
  if (typeof spec.strict === "boolean") format.strict = spec.strict;
  return format;
}

function writeResponseFormat(name: string, format: CanonicalResponseFormat): Record<string, unknown> | undefined {
  if (name === "response_mime_type") {
    if (format.kind === "text") return { response_mime_type: "text/plain" };
    if (format.kind === "json") return { response_mime_type: "application/json" };
    // JSON Schema goes to `response_json_schema`: `response_schema` takes only an OpenAPI subset (no `additionalProperties`).
    return { response_mime_type: "application/json", response_json_schema: format.schema };
  }
  const openAiFormat = (flat: boolean): Record<string, unknown> => {
    if (format.kind === "text") return { type: "text" };
    if (format.kind === "json") return { type: "json_object" };
    const spec: Record<string, unknown> = { name: format.name, schema: format.schema };
    if (format.strict !== undefined) spec.strict = format.strict;
    return flat ? { type: "json_schema", ...spec } : { type: "json_schema", json_schema: spec };
  };
  if (name === "text") return { text: { format: openAiFormat(true) } };
  if (name === "output_format") return format.kind === "json_schema" ? { output_format: { type: "json_schema", schema: format.schema } } : undefined;
  if (name === "response_format") return { response_format: openAiFormat(false) };
  return undefined;
}

function readReasoningEffort(name: string, value: unknown): ReasoningEffort | undefined {
  switch (name) {
    case "reasoning_effort":
      return isReasoningEffort(value) ? value : undefined;
    case "reasoning":
      return isObject(value) && isReasoningEffort(value.effort) ? value.effort : undefined;
    case "thinking":
      if (!isObject(value)) return undefined;
      if (value.type === "disabled") return "minimal";
      return value.type === "enabled" && typeof value.budget_tokens === "number" ? effortForBudget(value.budget_tokens) : undefined;
    case "thinking_config":
      if (!isObject(value)) return undefined;
      if (typeof value.thinking_budget === "number") return effortForBudget(value.thinking_budget);
      // Gemini 3 speaks in levels rather than budgets.
      return value.thinking_level === "low" || value.thinking_level === "high" ? value.thinking_level : undefined;
    default:
      return undefined;
  }
}

function writeReasoningEffort(name: string, effort: ReasoningEffort): Record<string, unknown> | undefined {
  const budget = thinkingBudgets[effort];
  switch (name) {
    case "reasoning_effort":
      return { reasoning_effort: effort };
    case "reasoning":
      return { reasoning: { effort } };
    case "thinking":
      return { thinking: budget === 0 ? { type: "disabled" } : { type: "enabled", budget_tokens: budget } };
    case "thinking_config":
      return { thinking_config: { thinking_budget: budget } };
    default:
      return undefined;
  }
}

/** Google's OpenAPI-style schemas spell types in capitals (`OBJECT`); JSON Schema wants them in lower case. */
function lowercaseSchemaTypes(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(lowercaseSchemaTypes);
  if (!isObject(schema)) return schema;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    result[key] = key === "type" && typeof value === "string" ? value.toLowerCase() : lowercaseSchemaTypes(value);
  }
  return result;
}

function isReasoningEffort(value: unknown): value is ReasoningEffort {
  return typeof value === "string" && (reasoningEfforts as readonly string[]).includes(value);
}

function isResponseFormat(value: unknown): value is CanonicalResponseFormat {
  return isObject(value) && (value.kind === "text" || value.kind === "json" || value.kind === "json_schema");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
