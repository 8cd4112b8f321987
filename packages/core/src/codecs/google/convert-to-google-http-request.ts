import type { LlmKwargs, ProviderHttpRequest } from "../codec.js";
import { isRecord, omit } from "../shared/content.js";
import { camelCaseKeys } from "./convert-google-keys.js";

/**
 * Fields of the SDK's `config` that the REST API takes at the top level of
 * the body rather than inside `generationConfig` (as `@google/genai` maps them).
 */
const topLevelConfigFields = ["systemInstruction", "tools", "toolConfig", "safetySettings", "labels", "cachedContent", "serviceTier"];

/** Settings of the SDK itself, never sent. */
const clientOnlyConfigFields = ["automaticFunctionCalling", "httpOptions", "abortSignal"];

/**
 * Google kwargs (snake_case, `history` or `contents`, `generation_config`) →
 * a `generateContent` / `streamGenerateContent` request of the Gemini REST
 * API (base URL ending in `/v1beta`). Only known fields are copied, so keys
 * such as `api_key` never reach the body.
 */
export function convertToGoogleHttpRequest(kwargs: LlmKwargs, options: { stream: boolean }): ProviderHttpRequest {
  const camel = camelCaseKeys(kwargs) as Record<string, unknown>;
  const config = (isRecord(camel.generationConfig) ? camel.generationConfig : isRecord(camel.config) ? camel.config : {}) as Record<string, unknown>;

  const body: Record<string, unknown> = { contents: normalizeContents(camel.history ?? camel.contents) };
  for (const field of topLevelConfigFields) {
    const value = config[field] ?? camel[field];
    if (value !== undefined && value !== null) body[field] = value;
  }
  if (typeof body.systemInstruction === "string") body.systemInstruction = { parts: [{ text: body.systemInstruction }] };

  const generationConfig = omit(config, [...topLevelConfigFields, ...clientOnlyConfigFields]);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;

  const model = typeof camel.model === "string" ? camel.model.replace(/^models\//, "") : "";
  const path = options.stream
    ? `/models/${model}:streamGenerateContent?alt=sse`
    : `/models/${model}:generateContent`;
  return { path, body };
}

/** The SDK accepts a string or a list of strings/parts for `contents`; the REST API wants Contents. */
function normalizeContents(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  if (typeof value === "string") return [{ role: "user", parts: [{ text: value }] }];
  const list = Array.isArray(value) ? value : [value];
  if (list.every((item) => typeof item === "string" || (isRecord(item) && !("parts" in item)))) {
    return [{ role: "user", parts: list.map((item) => (typeof item === "string" ? { text: item } : item)) }];
  }
  return list;
}
