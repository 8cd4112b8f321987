import type { Usage } from "../schemas/log-record.js";
import { priceFor } from "./price-for.js";

/**
 * What a call cost in USD at list price, rounded to 1e-9; null when the
 * model has no known price or the usage is missing (unpriced is not free).
 * Cached input tokens (part of `input_tokens`) are billed at the cached
 * price where the provider discounts them; reasoning tokens are output.
 */
export function costUsd(provider: string, model: string, usage: Usage | null | undefined): number | null {
  if (usage === null || usage === undefined) return null;
  const price = priceFor(provider, model);
  if (price === null) return null;
  const { input_tokens: input, output_tokens: output } = usage;
  if (!isCount(input) || !isCount(output)) return null;
  const cached = Math.min(isCount(usage.cached_input_tokens) ? usage.cached_input_tokens : 0, input);
  const dollarsPerMillion = (input - cached) * price.input + cached * (price.cached_input ?? price.input) + output * price.output;
  return Math.round((dollarsPerMillion / 1_000_000) * 1e9) / 1e9;
}

function isCount(value: number | undefined): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}
