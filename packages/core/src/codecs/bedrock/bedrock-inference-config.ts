import { isRecord } from "../shared/content.js";

/** Converse's `inferenceConfig` fields, by the parameter names a template may use (snake_case or camelCase). */
const inferenceConfigKeys: Record<string, string> = {
  max_tokens: "maxTokens",
  maxTokens: "maxTokens",
  temperature: "temperature",
  top_p: "topP",
  topP: "topP",
  stop_sequences: "stopSequences",
  stopSequences: "stopSequences",
};

/** The names `fromLlmKwargs` reports `inferenceConfig` fields under. */
const parameterNames: Record<string, string> = {
  maxTokens: "max_tokens",
  temperature: "temperature",
  topP: "top_p",
  stopSequences: "stop_sequences",
};

/** Top-level Converse fields a template may set as parameters; they are passed as they are. */
export const converseTopLevelKeys = [
  "guardrailConfig",
  "performanceConfig",
  "promptVariables",
  "requestMetadata",
  "additionalModelResponseFieldPaths",
] as const;

export interface ConverseParameterFields {
  inferenceConfig?: Record<string, unknown>;
  additionalModelRequestFields?: Record<string, unknown>;
  [topLevelKey: string]: unknown;
}

/**
 * Template parameters → Converse fields: the four common ones into
 * `inferenceConfig` (camelCase), Converse's own top-level fields as they are,
 * everything else (`top_k`, `thinking`, `reasoning_config`…) into
 * `additionalModelRequestFields`, which Bedrock hands to the model as is.
 * `inferenceConfig` or `additionalModelRequestFields` given as parameters are
 * merged in. `stream` is the caller's, per call, and dropped.
 */
export function parametersToConverseFields(parameters: Record<string, unknown>): ConverseParameterFields {
  const inferenceConfig: Record<string, unknown> = isRecord(parameters.inferenceConfig) ? { ...parameters.inferenceConfig } : {};
  const additional: Record<string, unknown> = isRecord(parameters.additionalModelRequestFields) ? { ...parameters.additionalModelRequestFields } : {};
  const fields: ConverseParameterFields = {};
  for (const [key, value] of Object.entries(parameters)) {
    if (key === "inferenceConfig" || key === "additionalModelRequestFields" || key === "stream" || value === undefined) continue;
    const inferenceKey = inferenceConfigKeys[key];
    if (inferenceKey) inferenceConfig[inferenceKey] = value;
    else if ((converseTopLevelKeys as readonly string[]).includes(key)) fields[key] = value;
    else additional[key] = value;
  }
  if (Object.keys(inferenceConfig).length > 0) fields.inferenceConfig = inferenceConfig;
  if (Object.keys(additional).length > 0) fields.additionalModelRequestFields = additional;
  return fields;
}

/** The inverse: Converse fields → parameters, `inferenceConfig` in snake_case, the additional fields spread. */
export function converseFieldsToParameters(kwargs: Record<string, unknown>): Record<string, unknown> {
  const parameters: Record<string, unknown> = {};
  if (isRecord(kwargs.inferenceConfig)) {
    for (const [key, value] of Object.entries(kwargs.inferenceConfig)) parameters[parameterNames[key] ?? key] = value;
  }
  if (isRecord(kwargs.additionalModelRequestFields)) Object.assign(parameters, kwargs.additionalModelRequestFields);
  for (const key of converseTopLevelKeys) if (kwargs[key] !== undefined) parameters[key] = kwargs[key];
  return parameters;
}
