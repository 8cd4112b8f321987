import { z } from "zod";
import { contentSchema } from "./content.js";
import { messageSchema, templateFormatSchema } from "./message.js";
import { functionCallChoiceSchema, functionDefinitionSchema, toolChoiceSchema, toolSchema } from "./tools.js";

export const chatTemplateSchema = z.looseObject({
  type: z.literal("chat"),
  messages: z.array(messageSchema),
  functions: z.array(functionDefinitionSchema).nullish(),
  function_call: functionCallChoiceSchema.nullish(),
  tools: z.array(toolSchema).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  input_variables: z.array(z.string()).optional(),
  dataset_examples: z.array(z.unknown()).optional(),
});

export const completionTemplateSchema = z.looseObject({
  type: z.literal("completion"),
  content: z.array(contentSchema),
  input_variables: z.array(z.string()).optional(),
  /** For completion templates the format is set once, for the whole template. */
  template_format: templateFormatSchema.optional(),
});

export const promptTemplateSchema = z.discriminatedUnion("type", [chatTemplateSchema, completionTemplateSchema]);

export type ChatTemplate = z.infer<typeof chatTemplateSchema>;
export type CompletionTemplate = z.infer<typeof completionTemplateSchema>;
export type PromptTemplate = z.infer<typeof promptTemplateSchema>;
