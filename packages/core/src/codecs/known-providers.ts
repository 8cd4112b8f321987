/**
 * The providers the codec registry (`codecFor`) can build requests for,
 * PromptLayer's names. The one list: publish-time checks, error messages and
 * the dashboard's editor read it. No imports, so the dashboard can bundle it
 * without the codecs.
 */
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

export function isKnownProvider(provider: string): provider is KnownProvider {
  return (knownProviders as readonly string[]).includes(provider);
}
