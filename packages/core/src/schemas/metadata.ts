import { z } from "zod";

/** Known provider ids (PromptLayer's names). Others are accepted and rejected at run time with a clear error. */
export const knownProviders = [
  "openai",
  "openai.azure",
  "anthropic",
  "anthropic.bedrock",
  "google",
  "vertexai",
  "mistral",
  "amazon.bedrock",
  "openrouter",
] as const;
export type KnownProvider = (typeof knownProviders)[number];

/** OpenAI's API flavours; `chat-completions` when absent. */
export const apiTypes = ["chat-completions", "responses", "images", "completions"] as const;

export const modelSettingsSchema = z.looseObject({
  /** The provider, e.g. `openai`, `anthropic`, `google`. */
  provider: z.string().min(1),
  /** The model name as the provider knows it (the deployment name for Azure). */
  name: z.string().min(1),
  /** Provider parameters in the provider's own names (`temperature`, `max_tokens`…). */
  parameters: z.record(z.string(), z.unknown()).default({}),
  /** For OpenAI and Azure: `chat-completions` (default), `responses`, `images`. */
  api_type: z.string().nullish(),
  model_config_display_name: z.string().nullish(),
  base_model: z.string().nullish(),
  display_params: z.record(z.string(), z.unknown()).nullish(),
  /** For OpenAI-compatible endpoints: where to send the request (overridden by the environment). */
  base_url: z.string().nullish(),
});
export type ModelSettings = z.infer<typeof modelSettingsSchema>;

/** A version's metadata: the model settings plus any keys of the user's own. */
export const templateMetadataSchema = z.looseObject({
  model: modelSettingsSchema.optional(),
});
export type TemplateMetadata = z.infer<typeof templateMetadataSchema>;
