import type { ModelFamilyRules } from "../../models/model-defaults.js";
import { openAiChat } from "../openai/models.js";
import type { ProviderModels } from "../provider-descriptor.js";

/**
 * OpenRouter takes OpenAI's Chat Completions parameters for every model it
 * routes to (it translates them upstream), plus its own routing knobs.
 * Model ids carry the vendor (`openai/gpt-4o`), so one family serves all.
 */
const openRouterChat: ModelFamilyRules = {
  ...openAiChat,
  names: { ...openAiChat.names, top_k: "top_k", reasoning_effort: "reasoning_effort" },
  accepts: [...openAiChat.accepts, "reasoning", "provider", "models", "transforms", "route", "usage", "min_p", "top_a", "repetition_penalty"],
  efforts: ["minimal", "low", "medium", "high"],
};

/** OpenRouter's vendor prefixes whose models have list prices here. */
const openRouterVendors: Readonly<Record<string, string>> = { openai: "openai", anthropic: "anthropic", google: "google", mistralai: "mistral" };

/** `anthropic/claude-sonnet-4.5` → `claude-sonnet-4-5`: the vendor's own id (Anthropic's use dashes between version digits). */
function openRouterUpstreamId(model: string): string {
  const slash = model.indexOf("/");
  const id = model.slice(slash + 1).replace(/:(?:beta|nitro|floor|thinking)$/, "");
  return model.slice(0, slash) === "anthropic" ? id.replace(/(\d)\.(\d)/g, "$1-$2") : id;
}

export const openrouterModels: ProviderModels = {
  families: { "*": openRouterChat },
  pricedAs(model) {
    // OpenRouter passes the upstream list price on: `anthropic/claude-sonnet-4` is priced as Anthropic's.
    // `:free` variants cost nothing upstream's table could say; `:online` adds web-search fees it can't.
    if (/:(?:free|online)$/.test(model)) return undefined;
    const vendor = openRouterVendors[model.slice(0, model.indexOf("/"))];
    return vendor === undefined ? undefined : { provider: vendor, model: openRouterUpstreamId(model) };
  },
};
