import { LRUCache } from "lru-cache";
import { z } from "zod";
import { normalizeModelId } from "../models/model-family-of.js";
import prices from "./prices.json" with { type: "json" };

/** A model's list price, USD per 1M tokens. */
export interface ModelPrice {
  /** The price table's provider (`openai` for Azure, `google` or `anthropic` for Vertex AI). */
  provider: string;
  /** The table entry that matched: the exact id or its family prefix. */
  model: string;
  input: number;
  output: number;
  /** Price of input tokens read from the provider's prompt cache, when it discounts them. */
  cached_input?: number;
}

const priceSchema = z.object({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cached_input: z.number().nonnegative().optional(),
});

const priceTableSchema = z.object({
  source: z.string(),
  as_of: z.string(),
  unit: z.literal("USD per 1M tokens"),
  // null: a model we know but don't price (see `source`).
  providers: z.record(z.string(), z.record(z.string(), priceSchema.nullable())),
});

/** `prices.json`, checked once when the module loads. */
export const priceTable = priceTableSchema.parse(prices);

/** Characters after which a longer model id still belongs to a table entry (`-2024-07-18`, `@20250514`, `-v1:0`). */
const familyBoundary = new Set(["-", "@", ":", "_"]);

/**
 * The list price of `model` at `provider`, or null when none is known.
 * The longest table entry that equals the id, or that the id extends after
 * `-`, `@`, `:` or `_`, wins: `gpt-4o-mini-2024-07-18` takes `gpt-4o-mini`,
 * but `gpt-4.5-preview` takes nothing rather than `gpt-4`'s price.
 */
export function priceFor(provider: string, model: string): ModelPrice | null {
  const key = `${provider}\u0000${model}`;
  let cached = priceCache.get(key);
  if (cached === undefined) {
    cached = { price: lookUpPrice(provider, model) };
    priceCache.set(key, cached);
  }
  const { price } = cached;
  // A copy: the cached entry must not change under the next caller.
  return price === null ? null : { ...price };
}

/** Lookups by `provider\0model`: every logged run prices its model, and the table scan is the costly part. Bounded (boxed: a miss is cached too). */
const priceCache = new LRUCache<string, { price: ModelPrice | null }>({ max: 500 });

function lookUpPrice(provider: string, model: string): ModelPrice | null {
  const tableProvider = priceTableProvider(provider, model);
  if (tableProvider === undefined) return null;
  const models = priceTable.providers[tableProvider];
  if (models === undefined) return null;
  const id = normalizeModelId(tableProvider, provider === "openrouter" ? openRouterUpstreamId(model) : model).toLowerCase();

  let matched: string | undefined;
  for (const key of Object.keys(models)) {
    const extendsKey = id === key || (id.startsWith(key) && familyBoundary.has(id.charAt(key.length)));
    if (extendsKey && (matched === undefined || key.length > matched.length)) matched = key;
  }
  const price = matched === undefined ? null : models[matched];
  if (matched === undefined || price === null || price === undefined) return null;
  return { provider: tableProvider, model: matched, ...price };
}

/** OpenRouter's vendor prefixes whose models are in the table. */
const openRouterVendors: Readonly<Record<string, string>> = { openai: "openai", anthropic: "anthropic", google: "google", mistralai: "mistral" };

/** `anthropic/claude-sonnet-4.5` → `claude-sonnet-4-5`: the vendor's own id (Anthropic's use dashes between version digits). */
function openRouterUpstreamId(model: string): string {
  const slash = model.indexOf("/");
  const id = model.slice(slash + 1).replace(/:(?:beta|nitro|floor|thinking)$/, "");
  return model.slice(0, slash) === "anthropic" ? id.replace(/(\d)\.(\d)/g, "$1-$2") : id;
}

/** Which provider's prices apply: Azure bills OpenAI's, Vertex AI Google's or Anthropic's by model. */
function priceTableProvider(provider: string, model: string): string | undefined {
  switch (provider) {
    case "openai":
    case "openai.azure":
      return "openai";
    case "vertexai":
      return normalizeModelId(provider, model).toLowerCase().startsWith("claude") ? "anthropic" : "google";
    case "anthropic.bedrock":
      return "amazon.bedrock";
    case "openrouter":
      // OpenRouter passes the upstream list price on: `anthropic/claude-sonnet-4` is priced as Anthropic's.
      // `:free` variants cost nothing upstream's table could say; `:online` adds web-search fees it can't.
      if (/:(?:free|online)$/.test(model)) return undefined;
      return openRouterVendors[model.slice(0, model.indexOf("/"))];
    case "anthropic":
    case "google":
    case "mistral":
    case "amazon.bedrock":
      return provider;
    default:
      return undefined;
  }
}
