import { LRUCache } from "lru-cache";
import { z } from "zod";
import { normalizeModelId } from "../models/model-family-of.js";
import { providerDescriptor, providerList } from "../providers/provider-registry.js";

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

/**
 * The list prices of every provider that has its own (`providers/<id>/models.ts`),
 * checked once when the module loads.
 */
export const priceTable = priceTableSchema.parse({
  source:
    "Public list prices of each provider's pricing page (named in its providers/<id>/models.ts), standard tier, on-demand, text tokens. Not modelled: batch and flex discounts, long-context tiers (Gemini 2.5 Pro and Claude Sonnet 4/4.5 above 200k input tokens cost more), Anthropic cache writes, audio and image tokens. A null entry is a model we know but can't price from text tokens alone (it blocks its family prefix so it is not priced as its sibling). Model ids match an entry exactly or extend it after '-', '@', ':' or '_' (longest entry wins), so date-suffixed ids and aliases like `-latest` take their family's price; Mistral's `-latest` aliases are priced as the version listed here.",
  as_of: "2025-11",
  unit: "USD per 1M tokens",
  providers: Object.fromEntries(providerList.flatMap((descriptor) => (descriptor.models.prices ? [[descriptor.id, descriptor.models.prices]] : []))),
});

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
  const descriptor = providerDescriptor(provider);
  if (descriptor === undefined) return null;
  // Whose prices apply: its own, or another's (Azure bills OpenAI's, Vertex AI Google's or Anthropic's by model).
  const billed = descriptor.models.pricedAs ? descriptor.models.pricedAs(model) : { provider, model };
  if (billed === undefined) return null;
  const models = priceTable.providers[billed.provider];
  if (models === undefined) return null;
  const id = normalizeModelId(billed.provider, billed.model).toLowerCase();

  let matched: string | undefined;
  for (const key of Object.keys(models)) {
    const extendsKey = id === key || (id.startsWith(key) && familyBoundary.has(id.charAt(key.length)));
    if (extendsKey && (matched === undefined || key.length > matched.length)) matched = key;
  }
  const price = matched === undefined ? null : models[matched];
  if (matched === undefined || price === null || price === undefined) return null;
  return { provider: billed.provider, model: matched, ...price };
}
