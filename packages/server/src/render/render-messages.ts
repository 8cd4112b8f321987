/** The messages between `RenderPool` and its workers, and how errors cross the thread boundary. */
import {
  InvalidTemplateError,
  MissingVariablesError,
  PythonFloat,
  TemplateLimitError,
  type PromptTemplate,
  type RenderLimits,
} from "@promptline/core/render";

/**
 * Variables cross to a worker by structured clone, which keeps plain data but
 * not classes: a `PythonFloat` (a Python client's `10.0`) travels as a
 * `Number` object, which JSON-derived variables never hold, and is rebuilt
 * on the other side.
 */
function mapFloats(value: unknown, map: (value: unknown) => unknown): unknown {
  const mapped = map(value);
  if (mapped !== value || value === null || typeof value !== "object") return mapped;
  if (Array.isArray(value)) return value.map((item) => mapFloats(item, map));
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = mapFloats(item, map);
  return out;
}

export const encodeVariables = (variables: Record<string, unknown>) =>
  mapFloats(variables, (value) => (value instanceof PythonFloat ? new Number(value.value) : value)) as Record<string, unknown>;

export const decodeVariables = (variables: Record<string, unknown>) =>
  mapFloats(variables, (value) => (value instanceof Number ? new PythonFloat(value.valueOf()) : value)) as Record<string, unknown>;

export interface RenderRequest {
  id: number;
  template: PromptTemplate;
  variables: Record<string, unknown>;
  mode: "strict" | "compatible";
  limits: RenderLimits;
}

/** An error as plain data (structured clone drops classes and own fields of errors). */
export type SerializedRenderError =
  | { kind: "template_limit"; limit: string; limitValue: number; detail: string; location: string | null }
  | { kind: "invalid_template"; reason: string; location: string | null }
  | { kind: "missing_variables"; missing: string[] }
  | { kind: "other"; message: string };

export type RenderReply =
  | { id: number; ok: true; template: PromptTemplate }
  | { id: number; ok: false; error: SerializedRenderError }
  /** Sent once, when the worker listens (its start-up is not counted in any render's time). */
  | { ready: true };

export function serializeRenderError(error: unknown): SerializedRenderError {
  if (error instanceof TemplateLimitError) {
    return { kind: "template_limit", limit: error.limit, limitValue: error.limitValue, detail: error.detail, location: error.location ?? null };
  }
  if (error instanceof InvalidTemplateError) return { kind: "invalid_template", reason: error.reason, location: error.location ?? null };
  if (error instanceof MissingVariablesError) return { kind: "missing_variables", missing: [...error.missing] };
  return { kind: "other", message: error instanceof Error ? error.message : String(error) };
}

export function deserializeRenderError(error: SerializedRenderError): Error {
  const where = (location: string | null) => (location === null ? {} : { location });
  switch (error.kind) {
    case "template_limit":
      return new TemplateLimitError(error.limit, error.limitValue, error.detail, where(error.location));
    case "invalid_template":
      return new InvalidTemplateError(error.reason, where(error.location));
    case "missing_variables":
      return new MissingVariablesError(error.missing);
    case "other":
      return new Error(`render worker: ${error.message}`);
  }
}
