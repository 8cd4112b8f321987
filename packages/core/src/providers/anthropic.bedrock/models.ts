import { bedrockRegionPrefix } from "../amazon.bedrock/models.js";
import { anthropicFamilies } from "../anthropic/models.js";
import type { ProviderModels } from "../provider-descriptor.js";

/** Anthropic's parameters, on model ids normalised to Anthropic's names; billed at Bedrock's list prices. */
export const anthropicBedrockModels: ProviderModels = {
  families: anthropicFamilies,
  // `us.anthropic.claude-3-5-haiku-20241022-v1:0` is Anthropic's `claude-3-5-haiku-20241022`.
  normalizeModelId: (id) => id.replace(bedrockRegionPrefix, "").replace(/^anthropic\./, "").replace(/-v\d+(?::\d+)?$/, ""),
  pricedAs: (model) => ({ provider: "amazon.bedrock", model }),
};
