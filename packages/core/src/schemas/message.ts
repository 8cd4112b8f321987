import { z } from "zod";
import { contentSchema } from "./content.js";
import { functionCallSchema, toolCallSchema } from "./tools.js";

export const templateFormatSchema = z.enum(["f-string", "jinja2"]);
export type TemplateFormat = z.infer<typeof templateFormatSchema>;

/** Fields every non-placeholder message has. */
const messageBase = {
  /** Variables this message uses; informational (the renderer finds them itself). */
  input_variables: z.array(z.string()).optional(),
  /** How this message's text is rendered; `f-string` when absent. */
  template_format: templateFormatSchema.optional(),
  name: z.string().nullish(),
  /** Emitted by PromptLayer's server; kept for compatibility. */
  raw_request_display_role: z.string().nullish(),
  dataset_examples: z.array(z.unknown()).optional(),
};

/** A message of `role` whose content is required and nothing else: system, user and developer messages. */
function contentMessageSchema<Role extends string>(role: Role) {
  return z.looseObject({
    ...messageBase,
    role: z.literal(role),
    content: z.array(contentSchema),
  });
}

export const systemMessageSchema = contentMessageSchema("system");
export const userMessageSchema = contentMessageSchema("user");
export const developerMessageSchema = contentMessageSchema("developer");

export const assistantMessageSchema = z.looseObject({
  ...messageBase,
  role: z.literal("assistant"),
  content: z.array(contentSchema).nullish(),
  tool_calls: z.array(toolCallSchema).nullish(),
  /** Deprecated OpenAI function calling. */
  function_call: functionCallSchema.nullish(),
});

export const toolMessageSchema = z.looseObject({
  ...messageBase,
  role: z.literal("tool"),
  content: z.array(contentSchema),
  tool_call_id: z.string(),
});

export const functionMessageSchema = z.looseObject({
  ...messageBase,
  role: z.literal("function"),
  name: z.string(),
  content: z.array(contentSchema).nullish(),
});

/** Expanded at render time from `input_variables[name]`, a list of messages. */
export const placeholderMessageSchema = z.looseObject({
  role: z.literal("placeholder"),
  name: z.string().min(1),
  content: z.array(contentSchema).nullish(),
  raw_request_display_role: z.string().nullish(),
  input_variables: z.array(z.string()).optional(),
  template_format: templateFormatSchema.optional(),
});

export const messageSchema = z.discriminatedUnion("role", [
  systemMessageSchema,
  userMessageSchema,
  developerMessageSchema,
  assistantMessageSchema,
  toolMessageSchema,
  functionMessageSchema,
  placeholderMessageSchema,
]);

export type SystemMessage = z.infer<typeof systemMessageSchema>;
export type UserMessage = z.infer<typeof userMessageSchema>;
export type DeveloperMessage = z.infer<typeof developerMessageSchema>;
export type AssistantMessage = z.infer<typeof assistantMessageSchema>;
export type ToolMessage = z.infer<typeof toolMessageSchema>;
export type FunctionMessage = z.infer<typeof functionMessageSchema>;
export type PlaceholderMessage = z.infer<typeof placeholderMessageSchema>;
export type Message = z.infer<typeof messageSchema>;
export type MessageRole = Message["role"];
