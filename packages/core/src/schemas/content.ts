import { z } from "zod";

/**
 * Content blocks of messages, in PromptLayer's shapes (`text`, `media`, …). Blocks we
 * interpret have precise schemas; every block keeps unknown fields
 * (`looseObject`) so a newer block shape passes through storage and rendering
 * unchanged.
 */

export const annotationSchema = z.looseObject({
  type: z.string(),
});
export type Annotation = z.infer<typeof annotationSchema>;

export const textContentSchema = z.looseObject({
  type: z.literal("text"),
  text: z.string(),
  id: z.string().nullish(),
  annotations: z.array(annotationSchema).nullish(),
  thought_signature: z.string().nullish(),
});

export const thinkingContentSchema = z.looseObject({
  type: z.literal("thinking"),
  thinking: z.string(),
  signature: z.string().nullish(),
  id: z.string().nullish(),
});

export const codeContentSchema = z.looseObject({
  type: z.literal("code"),
  code: z.string(),
  language: z.string().nullish(),
  id: z.string().nullish(),
  container_id: z.string().nullish(),
});

export const imageUrlContentSchema = z.looseObject({
  type: z.literal("image_url"),
  image_url: z.looseObject({ url: z.string(), detail: z.string().nullish() }),
  image_variable: z.string().nullish(),
});

export const mediaContentSchema = z.looseObject({
  type: z.literal("media"),
  media: z.looseObject({
    title: z.string().default("media"),
    /** MIME type, e.g. `image/png`. */
    type: z.string().default("image/jpeg"),
    url: z.string().nullish(),
    format: z.enum(["base64", "url", "neither"]).default("url"),
  }),
});

export const mediaVariableContentSchema = z.looseObject({
  type: z.literal("media_variable"),
  name: z.string(),
});

export const outputMediaContentSchema = z.looseObject({
  type: z.literal("output_media"),
  url: z.string(),
  mime_type: z.string().nullish(),
  media_type: z.enum(["image", "video", "audio"]).nullish(),
  provider_metadata: z.record(z.string(), z.unknown()).nullish(),
  id: z.string().nullish(),
});

/** Content types we keep and pass through without interpreting them. */
export const passThroughContentTypes = [
  "server_tool_use",
  "web_search_tool_result",
  "code_execution_result",
  "mcp_list_tools",
  "mcp_call",
  "mcp_approval_request",
  "mcp_approval_response",
  "bash_code_execution_tool_result",
  "text_editor_code_execution_tool_result",
  "shell_call",
  "shell_call_output",
  "apply_patch_call",
  "apply_patch_call_output",
] as const;

export const passThroughContentSchema = z.looseObject({
  type: z.enum(passThroughContentTypes),
});

export const contentSchema = z.discriminatedUnion("type", [
  textContentSchema,
  thinkingContentSchema,
  codeContentSchema,
  imageUrlContentSchema,
  mediaContentSchema,
  mediaVariableContentSchema,
  outputMediaContentSchema,
  passThroughContentSchema,
]);

export type TextContent = z.infer<typeof textContentSchema>;
export type ThinkingContent = z.infer<typeof thinkingContentSchema>;
export type CodeContent = z.infer<typeof codeContentSchema>;
export type ImageUrlContent = z.infer<typeof imageUrlContentSchema>;
export type MediaContent = z.infer<typeof mediaContentSchema>;
export type MediaVariableContent = z.infer<typeof mediaVariableContentSchema>;
export type OutputMediaContent = z.infer<typeof outputMediaContentSchema>;
export type PassThroughContent = z.infer<typeof passThroughContentSchema>;
export type Content = z.infer<typeof contentSchema>;
