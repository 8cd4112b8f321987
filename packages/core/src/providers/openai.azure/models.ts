import type { ProviderModels } from "../provider-descriptor.js";
import { openaiModels } from "../openai/models.js";

/** OpenAI's families (deployment names that don't start with a model name get `*`), billed at OpenAI's list prices. */
export const azureOpenaiModels: ProviderModels = {
  families: openaiModels.families,
  ...(openaiModels.apiOverlays ? { apiOverlays: openaiModels.apiOverlays } : {}),
  pricedAs: (model) => ({ provider: "openai", model }),
};
