import { InvalidRequestError } from "@promptline/core/errors";
import { z } from "zod";

/**
 * The parameters of `run()`: PromptLayer's, in camelCase or
 * snake_case, plus our own. Each pair (`promptName` / `prompt_name`…) means
 * the same; give one of the two.
 */
export interface RunParams {
  /** The prompt to run. */
  promptName?: string;
  prompt_name?: string;
  /** A version number; default: the newest (or the label's). */
  promptVersion?: number;
  prompt_version?: number;
  /** A release label such as `prod`; wins over `promptVersion` when both are given. */
  promptReleaseLabel?: string;
  prompt_release_label?: string;
  /** Values of the template's variables. Missing ones are an error unless the client was made with `strictVariables: false`. */
  inputVariables?: Record<string, unknown>;
  input_variables?: Record<string, unknown>;
  /** Logged with the request. */
  tags?: string[];
  /** Logged with the request; values are strings. */
  metadata?: Record<string, string>;
  /** Logged with the request (see `client.group.create()`). */
  groupId?: number;
  group_id?: number;
  /** Merged last into the model parameters, e.g. `{ temperature: 0 }`. */
  modelParameterOverrides?: Record<string, unknown>;
  model_parameter_overrides?: Record<string, unknown>;
  /** Stream the answer: `run()` then resolves to an async iterable of chunks. */
  stream?: boolean;
  /** Run on another provider (give `model` too). */
  provider?: string;
  /** Run on another model (of the template's provider unless `provider` is given). */
  model?: string;
  /**
   * Other providers and models to try, in order, when the model fails with a
   * retryable error (429, 5xx, overloaded, timeout, connection error) after
   * its own retries. Wins over the template's `metadata.model.fallbacks`;
   * `[]` turns them off. `parameters` (in that provider's names) are merged
   * last; the template's are translated as for a `provider`/`model` override.
   */
  fallbacks?: RunFallback[];
  /** Cancels the provider request (the request is logged as CANCELLED). */
  signal?: AbortSignal;
  /**
   * A template's `response_format` that the provider can't enforce (a
   * completion template on OpenAI, Claude with extended thinking…) makes
   * `run()` throw ResponseFormatUnsupportedError; `true` sends the request
   * without it instead (the result's warnings say so).
   */
  allowDroppedResponseFormat?: boolean;
  allow_dropped_response_format?: boolean;
}

/** One entry of `run({ fallbacks })`. */
export interface RunFallback {
  provider: string;
  model: string;
  parameters?: Record<string, unknown>;
}

/** The parameters with one name each. */
export interface NormalizedRunParams {
  promptName: string;
  promptVersion: number | undefined;
  promptReleaseLabel: string | undefined;
  inputVariables: Record<string, unknown>;
  tags: string[];
  metadata: Record<string, string>;
  groupId: number | undefined;
  modelParameterOverrides: Record<string, unknown> | undefined;
  stream: boolean;
  provider: string | undefined;
  model: string | undefined;
  /** Undefined: the template's. */
  fallbacks: RunFallback[] | undefined;
  signal: AbortSignal | undefined;
  allowDroppedResponseFormat: boolean;
}

/** What `run()` takes (after the snake_case names are merged); exported for the property test of `fastParse`. */
export const runParamsSchema = z.object({
  promptName: z.string().min(1, "promptName is required"),
  promptVersion: z.number().int().positive().optional(),
  promptReleaseLabel: z.string().min(1).optional(),
  inputVariables: z.record(z.string(), z.unknown()).default({}),
  tags: z.array(z.string()).default([]),
  metadata: z.record(z.string(), z.string({ error: "metadata values must be strings" })).default({}),
  groupId: z.number().int().optional(),
  modelParameterOverrides: z.record(z.string(), z.unknown()).optional(),
  stream: z.boolean().default(false),
  provider: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  allowDroppedResponseFormat: z.boolean().default(false),
  fallbacks: z
    .array(z.object({ provider: z.string().min(1), model: z.string().min(1), parameters: z.record(z.string(), z.unknown()).optional() }).strict())
    .max(16)
    .optional(),
});

const pairs = [
  ["promptName", "prompt_name"],
  ["promptVersion", "prompt_version"],
  ["promptReleaseLabel", "prompt_release_label"],
  ["inputVariables", "input_variables"],
  ["groupId", "group_id"],
  ["modelParameterOverrides", "model_parameter_overrides"],
  ["allowDroppedResponseFormat", "allow_dropped_response_format"],
] as const;

/** Every key `run()` takes besides `signal`, built once. */
const knownKeys: ReadonlySet<string> = new Set([...Object.keys(runParamsSchema.shape), ...pairs.map(([, snake]) => snake)]);

/** The snake_case names of `pairs`. */
const snakeKeys: ReadonlySet<string> = new Set(pairs.map(([, snake]) => snake));

/** One name per parameter, validated; a clear error for a wrong type or a pair given twice. */
export function normalizeRunParams(params: RunParams): NormalizedRunParams {
  if (typeof params !== "object" || params === null) throw new InvalidRequestError("run() takes an object of parameters, e.g. { promptName: \"welcome\" }.");
  // The caller's own keys (as a spread copies them) but `signal`, built key by key: no `delete` on the hot path,
  // and an unknown key (`__proto__` too) is never written.
  const rest: Record<string, unknown> = {};
  const unknown: string[] = [];
  let signal: AbortSignal | undefined;
  let snakeCaseGiven = false;
  for (const key of Object.keys(params)) {
    const value = (params as Record<string, unknown>)[key];
    if (key === "signal") signal = value as AbortSignal | undefined;
    else if (!knownKeys.has(key)) unknown.push(key);
    else {
      rest[key] = value;
      if (snakeKeys.has(key)) snakeCaseGiven = true;
    }
  }
  if (snakeCaseGiven) mergeSnakeCase(rest);
  if (unknown.length > 0) throw new InvalidRequestError(`run() does not take ${unknown.map((key) => `"${key}"`).join(", ")}.`);
  // run() is on the hot path: well-formed parameters skip zod, which is kept to word the errors (and for anything unusual).
  const data = fastParse(rest) ?? slowParse(rest);
  if (data.provider !== undefined && data.model === undefined) {
    throw new InvalidRequestError(`run() got provider "${data.provider}" without a model: give both to switch provider.`);
  }
  return {
    promptName: data.promptName,
    promptVersion: data.promptVersion,
    promptReleaseLabel: data.promptReleaseLabel,
    inputVariables: data.inputVariables,
    tags: data.tags,
    metadata: data.metadata,
    groupId: data.groupId,
    modelParameterOverrides: data.modelParameterOverrides,
    stream: data.stream,
    provider: data.provider,
    model: data.model,
    fallbacks: data.fallbacks,
    signal,
    allowDroppedResponseFormat: data.allowDroppedResponseFormat,
  };
}

/** Each snake_case name given becomes its camelCase one; both given with different values is an error. */
function mergeSnakeCase(input: Record<string, unknown>): void {
  for (const [camel, snake] of pairs) {
    const a = input[camel];
    const b = input[snake];
    if (a !== undefined && b !== undefined && JSON.stringify(a) !== JSON.stringify(b)) {
      throw new InvalidRequestError(`run() got both ${camel} and ${snake} with different values: give one.`);
    }
    input[camel] = a ?? b;
    delete input[snake];
  }
}

type ParsedRunParams = z.output<typeof runParamsSchema>;

/**
 * The schema's checks and output for the common shapes; undefined when zod
 * must decide (and word the error). Whatever it accepts, zod accepts with the
 * same output (`run-params.property.test.ts`).
 */
export function fastParse(input: Record<string, unknown>): ParsedRunParams | undefined {
  const { promptName, promptVersion, promptReleaseLabel, inputVariables, tags, metadata, groupId, modelParameterOverrides, stream, provider, model, allowDroppedResponseFormat, fallbacks } = input;
  // Fallbacks are rare enough to leave to zod.
  if (fallbacks !== undefined) return undefined;
  if (typeof promptName !== "string" || promptName.length === 0) return undefined;
  if (promptVersion !== undefined && !(Number.isSafeInteger(promptVersion) && (promptVersion as number) > 0)) return undefined;
  if (!isOptionalNonEmptyString(promptReleaseLabel) || !isOptionalNonEmptyString(provider) || !isOptionalNonEmptyString(model)) return undefined;
  if (groupId !== undefined && !Number.isSafeInteger(groupId)) return undefined;
  if (stream !== undefined && typeof stream !== "boolean") return undefined;
  if (allowDroppedResponseFormat !== undefined && typeof allowDroppedResponseFormat !== "boolean") return undefined;
  if (inputVariables !== undefined && !isPlainRecord(inputVariables)) return undefined;
  if (modelParameterOverrides !== undefined && !isPlainRecord(modelParameterOverrides)) return undefined;
  if (metadata !== undefined && !(isPlainRecord(metadata) && Object.values(metadata).every((value) => typeof value === "string"))) return undefined;
  if (tags !== undefined && !isStringList(tags)) return undefined;
  // Copies, as zod makes: a caller changing its objects after run() must not change the logged request.
  return {
    promptName,
    promptVersion: promptVersion as number | undefined,
    promptReleaseLabel: promptReleaseLabel as string | undefined,
    inputVariables: inputVariables === undefined ? {} : { ...(inputVariables as Record<string, unknown>) },
    tags: tags === undefined ? [] : [...(tags as string[])],
    metadata: metadata === undefined ? {} : { ...(metadata as Record<string, string>) },
    groupId: groupId as number | undefined,
    modelParameterOverrides: modelParameterOverrides === undefined ? undefined : { ...(modelParameterOverrides as Record<string, unknown>) },
    stream: stream ?? false,
    provider: provider as string | undefined,
    model: model as string | undefined,
    allowDroppedResponseFormat: allowDroppedResponseFormat ?? false,
    fallbacks: undefined,
  };
}

function slowParse(input: Record<string, unknown>): ParsedRunParams {
  const result = runParamsSchema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${issue.path.join(".") || "params"}: ${issue.message}`);
    throw new InvalidRequestError(`Invalid run() parameters: ${issues.join("; ")}`, issues);
  }
  return result.data;
}

/** Every index a string: `every()` would skip the holes of a sparse list, which zod reads as `undefined` and refuses. */
function isStringList(value: unknown): value is string[] {
  if (!Array.isArray(value)) return false;
  for (let index = 0; index < value.length; index++) if (typeof value[index] !== "string") return false;
  return true;
}

function isOptionalNonEmptyString(value: unknown): boolean {
  return value === undefined || (typeof value === "string" && value.length > 0);
}

/**
 * What zod's `z.record` takes and copies as a spread does: a plain object
 * with string keys only, and no own `__proto__` key (a JSON.parse'd one;
 * zod's copy drops it, a spread would keep it).
 */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && Object.getOwnPropertySymbols(value).length === 0 && !Object.hasOwn(value, "__proto__");
}
