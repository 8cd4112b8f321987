import { providerErrorTypes } from "../errors/promptline-error.js";
import { inputLimits } from "../schemas/input-limits.js";
import type { TrackRequestBody } from "./promptlayer-requests.js";

/**
 * `trackRequestBodySchema` for the body every official SDK sends, without
 * zod's walk (a tenth of a tracked request's server CPU): the fields are
 * checked with the schema's own rules and the body itself is the result,
 * which holds the same values zod's copy would. Anything it isn't sure of
 * (a field of another type, a number that is not a safe integer, a
 * `__proto__` key, a limit reached) gives undefined, and the caller asks zod,
 * which decides and words the refusal. Undefined is never wrong; a body is
 * only returned when the schema accepts it with the same values
 * (`track-request-body.test.ts` compares the two on every case).
 */
export function trackRequestBodyFast(value: unknown): TrackRequestBody | undefined {
  if (!isPlainObject(value) || Object.hasOwn(value, "__proto__")) return undefined;
  const body = value;
  const ok =
    (body.function_name === undefined || typeof body.function_name === "string") &&
    nullishOr(body.provider_type, isString) &&
    nullishOr(body.args, Array.isArray) &&
    nullishOr(body.kwargs, isRecord) &&
    nullishOr(body.request_start_time, isTimestamp) &&
    nullishOr(body.request_end_time, isTimestamp) &&
    nullishOr(body.tags, isTags) &&
    nullishOr(body.metadata, isMetadata) &&
    nullishOr(body.prompt_id, isPromptId) &&
    nullishOr(body.prompt_version, Number.isSafeInteger) &&
    nullishOr(body.prompt_input_variables, isInputVariables) &&
    nullishOr(body.group_id, Number.isSafeInteger) &&
    nullishOr(body.return_prompt_blueprint, isBoolean) &&
    nullishOr(body.return_pl_id, isBoolean) &&
    nullishOr(body.span_id, isString) &&
    nullishOr(body.status, isStatus) &&
    nullishOr(body.error_type, isErrorType) &&
    nullishOr(body.error_message, isString) &&
    nullishOr(body.api_key, isString);
  if (!ok) return undefined;
  // The schema's only default; a copy rather than a change, since the caller may keep the parsed body.
  return (body.function_name === undefined ? { ...body, function_name: "" } : body) as TrackRequestBody;
}

const statuses: ReadonlySet<unknown> = new Set(["SUCCESS", "ERROR", "CANCELLED"]);
const errorTypes: ReadonlySet<unknown> = new Set([...providerErrorTypes, "CANCELLED"]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype;
}

const nullishOr = (value: unknown, check: (value: unknown) => boolean) => value === undefined || value === null || check(value);
const isString = (value: unknown) => typeof value === "string";
const isBoolean = (value: unknown) => typeof value === "boolean";
const isFiniteNumber = (value: unknown) => typeof value === "number" && Number.isFinite(value);
const isTimestamp = (value: unknown) => typeof value === "string" || isFiniteNumber(value);
const isPromptId = isTimestamp;
const isStatus = (value: unknown) => statuses.has(value);
const isErrorType = (value: unknown) => errorTypes.has(value);

/** A record zod copies key by key with the same values: a plain object without a `__proto__` key of its own. */
const isRecord = (value: unknown): value is Record<string, unknown> => isPlainObject(value) && !Object.hasOwn(value, "__proto__");

/** Keys within `maxKeys` and each no longer than `maxKeyLength`. */
function keysWithin(record: Record<string, unknown>, maxKeys: number, maxKeyLength: number): boolean {
  const keys = Object.keys(record);
  if (keys.length > maxKeys) return false;
  for (const key of keys) if (key.length > maxKeyLength) return false;
  return true;
}

function isTags(value: unknown): boolean {
  if (!Array.isArray(value) || value.length > inputLimits.tags) return false;
  for (const tag of value) if (typeof tag !== "string" || tag.length > inputLimits.tagLength) return false;
  return true;
}

function isMetadata(value: unknown): boolean {
  if (!isRecord(value) || !keysWithin(value, inputLimits.metadataKeys, inputLimits.metadataKeyLength)) return false;
  for (const key in value) {
    const item = value[key];
    // Strings by their length; numbers, booleans and null are short as JSON; objects are zod's to measure.
    const length = typeof item === "string" ? item.length : item === null || typeof item === "number" || typeof item === "boolean" ? 0 : -1;
    if (length < 0 || length > inputLimits.metadataValueLength) return false;
  }
  return true;
}

const isInputVariables = (value: unknown) => isRecord(value) && keysWithin(value, inputLimits.inputVariables, inputLimits.inputVariableNameLength);
