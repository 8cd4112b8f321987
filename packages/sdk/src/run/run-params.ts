import { InvalidRequestError } from "@promptline/core";
import { z } from "zod";

/**
 * The parameters of `run()`: PromptLayer's (contract §2.1), in camelCase or
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
  /** Cancels the provider request (the request is logged as CANCELLED). */
  signal?: AbortSignal;
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
  signal: AbortSignal | undefined;
}

const schema = z.object({
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
});

const pairs = [
  ["promptName", "prompt_name"],
  ["promptVersion", "prompt_version"],
  ["promptReleaseLabel", "prompt_release_label"],
  ["inputVariables", "input_variables"],
  ["groupId", "group_id"],
  ["modelParameterOverrides", "model_parameter_overrides"],
] as const;

/** One name per parameter, validated; a clear error for a wrong type or a pair given twice. */
export function normalizeRunParams(params: RunParams): NormalizedRunParams {
  if (typeof params !== "object" || params === null) throw new InvalidRequestError("run() takes an object of parameters, e.g. { promptName: \"welcome\" }.");
  const merged: Record<string, unknown> = { ...params };
  for (const [camel, snake] of pairs) {
    const a = merged[camel];
    const b = merged[snake];
    if (a !== undefined && b !== undefined && JSON.stringify(a) !== JSON.stringify(b)) {
      throw new InvalidRequestError(`run() got both ${camel} and ${snake} with different values: give one.`);
    }
    merged[camel] = a ?? b;
    delete merged[snake];
  }
  const { signal, ...rest } = merged as Record<string, unknown> & { signal?: AbortSignal };
  const known = new Set([...Object.keys(schema.shape), ...pairs.map(([, snake]) => snake)]);
  const unknown = Object.keys(rest).filter((key) => !known.has(key));
  if (unknown.length > 0) throw new InvalidRequestError(`run() does not take ${unknown.map((key) => `"${key}"`).join(", ")}.`);
  const result = schema.safeParse(rest);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${issue.path.join(".") || "params"}: ${issue.message}`);
    throw new InvalidRequestError(`Invalid run() parameters: ${issues.join("; ")}`, issues);
  }
  const data = result.data;
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
    signal,
  };
}
