import { providerErrorTypes } from "../errors/promptline-error.js";
import { anyValue, isFiniteNumber, isPlainObject, isString, nullish, oneOf, type StructuralCheck } from "../codecs/shared/structural-check.js";
import { inputLimits } from "./input-limits.js";
import { attemptStatuses, requestStatuses, spanIdPattern, type LogRecord } from "./log-record.js";
import { passThroughContentTypes } from "./content.js";
import { builtInToolTypes } from "./tools.js";
import { apiKeyEnvPattern } from "./metadata.js";

/**
 * `logRecordSchema` (log-record.ts, with the blueprint's schemas under it) as
 * a structural check, for `POST /api/v1/requests:batch`: zod's deep parse of
 * each record was about a tenth of the server's CPU there. A record the check
 * accepts is the record zod would output (the property test
 * log-record-check.property.test.ts holds the two together); anything else
 * (a field left to its default, a key zod would strip, an odd value) is
 * zod's to judge, so errors read as before. Keep it in step with the schemas.
 */

/** `z.object` (strips unknown keys) or `z.looseObject` (keeps them) of plain JSON: no own key holds `undefined` (JSON has none; zod's output would differ on it). */
function object(shape: Readonly<Record<string, StructuralCheck>>, keepsUnknown: boolean): StructuralCheck {
  const entries = Object.entries(shape);
  return (value) => {
    if (!isPlainObject(value)) return false;
    for (const [name, check] of entries) if (!check(value[name])) return false;
    for (const key in value) {
      if (value[key] === undefined) return false;
      if (!keepsUnknown && !Object.hasOwn(shape, key)) return false;
    }
    return true;
  };
}
const loose = (shape: Readonly<Record<string, StructuralCheck>>) => object(shape, true);
const stripping = (shape: Readonly<Record<string, StructuralCheck>>) => object(shape, false);

/** A field with a `.default(…)`: only its presence is the same output (absent, zod fills it in). */
const present =
  (check: StructuralCheck): StructuralCheck =>
  (value) =>
    value !== undefined && check(value);
/** `.optional()`. */
const optional =
  (check: StructuralCheck): StructuralCheck =>
  (value) =>
    value === undefined || check(value);

/** `z.array(…)`, at most `max` items; a hole (zod outputs `undefined` there) is left to zod. */
function arrayOf(check: StructuralCheck, max = Infinity): StructuralCheck {
  return (value) => {
    if (!Array.isArray(value) || value.length > max) return false;
    for (let index = 0; index < value.length; index++) if (!(index in value) || !check(value[index])) return false;
    return true;
  };
}
const anyDefined: StructuralCheck = (value) => value !== undefined;
const unknownArray = arrayOf(anyDefined);
/** `z.record(z.string(), z.unknown())`, with key-length and key-count limits as the schemas set them. */
function recordOf(check: StructuralCheck, keyLength = Infinity, keys = Infinity): StructuralCheck {
  return (value) => {
    if (!isPlainObject(value)) return false;
    let count = 0;
    for (const key in value) {
      if (key.length > keyLength || !check(value[key])) return false;
      count++;
    }
    return count <= keys;
  };
}
const unknownRecord = recordOf(anyDefined);

const text =
  (min: number, max: number): StructuralCheck =>
  (value) =>
    typeof value === "string" && value.length >= min && value.length <= max;
const nonEmpty = text(1, Infinity);
const oneOfStrings = (values: readonly string[]): StructuralCheck => {
  const allowed = new Set(values);
  return (value) => typeof value === "string" && allowed.has(value);
};
const literal =
  (expected: string): StructuralCheck =>
  (value) =>
    value === expected;
const isBoolean: StructuralCheck = (value) => typeof value === "boolean";
/** zod's `.int()`: a safe integer. */
const isInt: StructuralCheck = (value) => Number.isSafeInteger(value);
const isNonNegative: StructuralCheck = (value) => isFiniteNumber(value) && (value as number) >= 0;
const optionalString = nullish(isString);

/** `z.discriminatedUnion(field, …)`: the option named by the field's value, or zod's to judge. */
function byField(field: string, options: Readonly<Record<string, StructuralCheck>>): StructuralCheck {
  return (value) => {
    if (!isPlainObject(value)) return false;
    const tag = value[field];
    if (typeof tag !== "string" || !Object.hasOwn(options, tag)) return false;
    return options[tag]!(value);
  };
}
const sameFor = (tags: readonly string[], check: StructuralCheck) => Object.fromEntries(tags.map((tag) => [tag, check]));

// content.ts
const annotation = loose({ type: isString });
const content = byField("type", {
  text: loose({ type: anyValue, text: isString, id: optionalString, annotations: nullish(arrayOf(annotation)), thought_signature: optionalString }),
  thinking: loose({ type: anyValue, thinking: isString, signature: optionalString, id: optionalString }),
  code: loose({ type: anyValue, code: isString, language: optionalString, id: optionalString, container_id: optionalString }),
  image_url: loose({ type: anyValue, image_url: loose({ url: isString, detail: optionalString }), image_variable: optionalString }),
  media: loose({
    type: anyValue,
    media: loose({ title: present(isString), type: present(isString), url: optionalString, format: present(oneOfStrings(["base64", "url", "neither"])) }),
  }),
  media_variable: loose({ type: anyValue, name: isString }),
  output_media: loose({
    type: anyValue,
    url: isString,
    mime_type: optionalString,
    media_type: nullish(oneOfStrings(["image", "video", "audio"])),
    provider_metadata: nullish(unknownRecord),
    id: optionalString,
  }),
  ...sameFor(passThroughContentTypes, loose({ type: anyValue })),
});
const contents = arrayOf(content);

// tools.ts
const tool = byField("type", {
  function: loose({
    type: anyValue,
    function: loose({ name: nonEmpty, description: present(isString), strict: present(isBoolean), parameters: present(unknownRecord) }),
  }),
  ...sameFor(builtInToolTypes, loose({ type: anyValue, id: optionalString, name: optionalString, description: optionalString, provider: optionalString, config: nullish(unknownRecord) })),
  registry: loose({ type: anyValue, tool_registry_id: oneOf(isFiniteNumber, isString), label: optionalString, version_number: nullish(isFiniteNumber) }),
  variable: loose({ type: anyValue, name: nonEmpty }),
});
const functionDefinition = loose({ name: nonEmpty, description: optionalString, parameters: nullish(unknownRecord) });
const toolCall = loose({
  id: isString,
  type: present(literal("function")),
  function: loose({ name: isString, arguments: isString }),
  tool_id: optionalString,
  provider_metadata: nullish(unknownRecord),
});
const functionCall = loose({ name: isString, arguments: isString });
const toolChoice = oneOf(isString, loose({ type: isString, function: optional(loose({ name: isString })) }));
const functionCallChoice = oneOf(isString, loose({ name: isString }));

// message.ts
const templateFormat = oneOfStrings(["f-string", "jinja2"]);
const strings = arrayOf(isString);
const messageBase = {
  input_variables: optional(strings),
  template_format: optional(templateFormat),
  name: optionalString,
  raw_request_display_role: optionalString,
  dataset_examples: optional(unknownArray),
};
const contentMessage = loose({ ...messageBase, role: anyValue, content: contents });
const message = byField("role", {
  system: contentMessage,
  user: contentMessage,
  developer: contentMessage,
  assistant: loose({ ...messageBase, role: anyValue, content: nullish(contents), tool_calls: nullish(arrayOf(toolCall)), function_call: nullish(functionCall) }),
  tool: loose({ ...messageBase, role: anyValue, content: contents, tool_call_id: isString }),
  function: loose({ ...messageBase, role: anyValue, name: isString, content: nullish(contents) }),
  placeholder: loose({
    role: anyValue,
    name: nonEmpty,
    content: nullish(contents),
    raw_request_display_role: optionalString,
    input_variables: optional(strings),
    template_format: optional(templateFormat),
  }),
});

// template.ts
const promptTemplate = byField("type", {
  chat: loose({
    type: anyValue,
    messages: arrayOf(message),
    functions: nullish(arrayOf(functionDefinition)),
    function_call: nullish(functionCallChoice),
    tools: nullish(arrayOf(tool)),
    tool_choice: nullish(toolChoice),
    input_variables: optional(strings),
    dataset_examples: optional(unknownArray),
  }),
  completion: loose({ type: anyValue, content: contents, input_variables: optional(strings), template_format: optional(templateFormat) }),
});

// metadata.ts
const fallbackModel = loose({ provider: nonEmpty, name: nonEmpty, parameters: nullish(unknownRecord) });
const modelSettings = loose({
  provider: nonEmpty,
  name: nonEmpty,
  parameters: present(unknownRecord),
  api_type: optionalString,
  model_config_display_name: optionalString,
  base_model: optionalString,
  display_params: nullish(unknownRecord),
  base_url: optionalString,
  api_key_env: nullish((value) => typeof value === "string" && apiKeyEnvPattern.test(value)),
  fallbacks: nullish(arrayOf(fallbackModel)),
});
const templateMetadata = loose({ model: optional(modelSettings) });

// blueprint.ts
const promptBlueprint = loose({
  prompt_template: promptTemplate,
  commit_message: optionalString,
  metadata: nullish(templateMetadata),
  provider_base_url_name: optionalString,
  report_id: nullish(isFiniteNumber),
  inference_client_name: optionalString,
  provider_id: nullish(isFiniteNumber),
});

// input-limits.ts and log-record.ts
const tags = arrayOf(text(0, inputLimits.tagLength), inputLimits.tags);
const logMetadata = recordOf(text(0, inputLimits.metadataValueLength), inputLimits.metadataKeyLength, inputLimits.metadataKeys);
const inputVariables = recordOf(anyDefined, inputLimits.inputVariableNameLength, inputLimits.inputVariables);
const usage = stripping({
  input_tokens: (value) => isInt(value) && (value as number) >= 0,
  output_tokens: (value) => isInt(value) && (value as number) >= 0,
  cached_input_tokens: optional((value) => isInt(value) && (value as number) >= 0),
  reasoning_tokens: optional((value) => isInt(value) && (value as number) >= 0),
});
const positiveInt: StructuralCheck = (value) => isInt(value) && (value as number) > 0;
const snippetUse = stripping({ name: text(1, inputLimits.promptNameLength), version: positiveInt });
const attempt = stripping({
  provider: text(1, 200),
  model: text(1, 500),
  status: oneOfStrings(attemptStatuses),
  error_type: nullish(oneOfStrings([...providerErrorTypes, "CANCELLED", "CIRCUIT_OPEN"])),
  latency_ms: isNonNegative,
});
const traceId = /^(?!0{32})[0-9a-f]{32}$/;

const recordShape: Record<keyof LogRecord, StructuralCheck> = {
  request_id: text(1, 128),
  prompt_name: nullish(text(0, inputLimits.promptNameLength)),
  prompt_version: nullish(positiveInt),
  prompt_label: nullish(text(0, inputLimits.labelLength)),
  tags: present(tags),
  metadata: present(logMetadata),
  group_id: nullish(isInt),
  input_variables: present(inputVariables),
  status: oneOfStrings(requestStatuses),
  provider: isString,
  model: isString,
  function_name: optionalString,
  usage: nullish(usage),
  cost_usd: nullish(isNonNegative),
  latency_ms: nullish(isNonNegative),
  request_start_time: optionalString,
  request_end_time: optionalString,
  request: present(unknownRecord),
  response: anyValue,
  prompt_blueprint: nullish(promptBlueprint),
  error_type: nullish(oneOfStrings([...providerErrorTypes, "CANCELLED"])),
  error_message: optionalString,
  warnings: optional(arrayOf(text(0, 2000), 100)),
  snippets: optional(arrayOf(snippetUse, 1000)),
  trace_id: nullish((value) => typeof value === "string" && traceId.test(value)),
  span_id: nullish((value) => typeof value === "string" && spanIdPattern.test(value)),
  attempts: present(arrayOf(attempt, 64)),
};

/** Accepts a log record exactly as `logRecordSchema` would output it; false means "let zod decide". */
export const isWellFormedLogRecord: StructuralCheck = stripping(recordShape);

/**
 * `batchRequestsBody`'s records when every one passes the structural check
 * (1 to 1000 of them), else undefined: then the caller parses the body with
 * zod, which reports every problem as before.
 */
export function wellFormedBatchRecords(body: unknown): LogRecord[] | undefined {
  if (!isPlainObject(body)) return undefined;
  const records = body.records;
  if (!Array.isArray(records) || records.length < 1 || records.length > 1000) return undefined;
  for (let index = 0; index < records.length; index++) if (!(index in records) || !isWellFormedLogRecord(records[index])) return undefined;
  return records as LogRecord[];
}
