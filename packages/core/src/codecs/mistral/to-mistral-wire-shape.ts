import { isRecord } from "../shared/content.js";

/** Values that are the user's own data (tool arguments, JSON schemas): their keys are never renamed. */
const opaqueKeys = new Set(["arguments", "parameters", "json_schema", "schema", "metadata"]);

/**
 * Mistral's TypeScript SDK hands out camelCase objects (`toolCalls`,
 * `finishReason`, `usage.promptTokens`), and PromptLayer's SDK logs them as
 * they are, while the HTTP API speaks snake_case. This puts keys back into
 * the wire's snake_case so one parser reads both. Idempotent.
 */
export function toMistralWireShape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toMistralWireShape);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [snakeCase(key), opaqueKeys.has(key) ? inner : toMistralWireShape(inner)]),
  );
}

/** A stream event: the SDK wraps each chunk as `{data: chunk}`. */
export function toMistralWireEvent(event: unknown): unknown {
  const chunk = isRecord(event) && isRecord(event.data) && !("choices" in event) ? event.data : event;
  return toMistralWireShape(chunk);
}

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
