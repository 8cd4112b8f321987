import { z } from "zod";

/** A function the model may call (OpenAI's `{type:"function", function:{…}}` shape, used for every provider). */
export const functionToolSchema = z.looseObject({
  type: z.literal("function"),
  function: z.looseObject({
    name: z.string().min(1),
    description: z.string().default(""),
    strict: z.boolean().default(false),
    /** JSON Schema of the arguments. */
    parameters: z.record(z.string(), z.unknown()).default({ type: "object", properties: {} }),
  }),
});

export const builtInToolTypes = [
  "web_search",
  "file_search",
  "code_interpreter",
  "image_generation",
  "google_maps",
  "url_context",
  "mcp",
  "bash",
  "shell",
  "apply_patch",
  "text_editor",
] as const;

/** A provider's built-in tool (web search, code interpreter…), passed through to providers that have it. */
export const builtInToolSchema = z.looseObject({
  type: z.enum(builtInToolTypes),
  id: z.string().nullish(),
  name: z.string().nullish(),
  description: z.string().nullish(),
  provider: z.string().nullish(),
  config: z.record(z.string(), z.unknown()).nullish(),
});

/** A tool of the tool registry, by id with an optional label or version. */
export const registryToolSchema = z.looseObject({
  type: z.literal("registry"),
  tool_registry_id: z.union([z.number(), z.string()]),
  label: z.string().nullish(),
  version_number: z.number().nullish(),
});

/**
 * A tool variable: expanded at render time from the input variable `name`,
 * which holds a list of `{name, description?, parameters?}` (or full function tools).
 */
export const variableToolSchema = z.looseObject({
  type: z.literal("variable"),
  name: z.string().min(1),
});

export const toolSchema = z.discriminatedUnion("type", [
  functionToolSchema,
  builtInToolSchema,
  registryToolSchema,
  variableToolSchema,
]);

/** Legacy OpenAI `functions`. */
export const functionDefinitionSchema = z.looseObject({
  name: z.string().min(1),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
});

export const toolCallSchema = z.looseObject({
  id: z.string(),
  type: z.literal("function").default("function"),
  function: z.looseObject({
    name: z.string(),
    /** The arguments as a JSON string, as OpenAI sends them. */
    arguments: z.string(),
  }),
  tool_id: z.string().nullish(),
  provider_metadata: z.record(z.string(), z.unknown()).nullish(),
});

export const functionCallSchema = z.looseObject({
  name: z.string(),
  arguments: z.string(),
});

export const toolChoiceSchema = z.union([
  z.string(),
  z.looseObject({ type: z.string(), function: z.looseObject({ name: z.string() }).optional() }),
]);

export const functionCallChoiceSchema = z.union([z.string(), z.looseObject({ name: z.string() })]);

export type FunctionTool = z.infer<typeof functionToolSchema>;
export type BuiltInTool = z.infer<typeof builtInToolSchema>;
export type RegistryTool = z.infer<typeof registryToolSchema>;
export type VariableTool = z.infer<typeof variableToolSchema>;
export type Tool = z.infer<typeof toolSchema>;
export type FunctionDefinition = z.infer<typeof functionDefinitionSchema>;
export type ToolCall = z.infer<typeof toolCallSchema>;
export type FunctionCall = z.infer<typeof functionCallSchema>;
export type ToolChoice = z.infer<typeof toolChoiceSchema>;
