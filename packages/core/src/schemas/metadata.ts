import { z } from "zod";

/** OpenAI's API flavours; `chat-completions` when absent. */
export const apiTypes = ["chat-completions", "responses", "images", "completions"] as const;

/**
 * What `metadata.model.api_key_env` may name: an upper-case variable ending in
 * `_API_KEY`, so a template can't make the SDK read (and send) an arbitrary
 * environment variable such as `AWS_SECRET_ACCESS_KEY` or `DATABASE_URL`.
 */
export const apiKeyEnvPattern = /^[A-Z][A-Z0-9_]*_API_KEY$/;

/** One entry of `metadata.model.fallbacks`: another provider and model to try when the primary fails. */
export const fallbackModelSchema = z.looseObject({
  provider: z.string().min(1),
  name: z.string().min(1),
  /** Parameters in the fallback provider's names, merged last (as `model_parameter_overrides` are). */
  parameters: z.record(z.string(), z.unknown()).nullish(),
});
export type FallbackModel = z.infer<typeof fallbackModelSchema>;

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
  /** For an OpenAI-compatible `base_url`: the environment variable holding its key (a name ending in `_API_KEY`), instead of `OPENAI_API_KEY`. */
  api_key_env: z
    .string()
    .regex(apiKeyEnvPattern, { error: "api_key_env must name an upper-case environment variable ending in _API_KEY, e.g. TOGETHER_API_KEY" })
    .nullish(),
  /** Tried in order when the model fails with a retryable error (429, 5xx, timeout, connection error) after its own retries. */
  fallbacks: z.array(fallbackModelSchema).nullish(),
});
export type ModelSettings = z.infer<typeof modelSettingsSchema>;

/** A version's metadata: the model settings plus any keys of the user's own. */
export const templateMetadataSchema = z.looseObject({
  model: modelSettingsSchema.optional(),
});
export type TemplateMetadata = z.infer<typeof templateMetadataSchema>;
