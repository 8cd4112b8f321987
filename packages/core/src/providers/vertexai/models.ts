import type { ProviderFamilies } from "../../models/model-defaults.js";
import { anthropicFamilies } from "../anthropic/models.js";
import { googleFamilies } from "../google/models.js";
import { plainModelId } from "../model-ids.js";
import type { ProviderModels } from "../provider-descriptor.js";

/** Gemini's families for `gemini*`, Anthropic's for `claude*`. */
const vertexFamilies: ProviderFamilies = { ...anthropicFamilies, claude: anthropicFamilies["*"], ...googleFamilies };

export const vertexaiModels: ProviderModels = {
  families: vertexFamilies,
  // Vertex AI bills Google's list prices for Gemini, Anthropic's for Claude.
  pricedAs: (model) => ({ provider: plainModelId(model).toLowerCase().startsWith("claude") ? "anthropic" : "google", model }),
};
