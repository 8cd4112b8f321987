import type { Usage } from "../../schemas/log-record.js";
import { cacheApartUsage } from "../shared/cache-apart-usage.js";
import { isRecord } from "../shared/content.js";
import { anthropicUsageSchema } from "./anthropic-api-schemas.js";

/**
 * An Anthropic `usage` object → our Usage; null when it reports no tokens.
 * Anthropic's `input_tokens` leaves out the tokens read from and written to
 * the prompt cache; our input is all of them, the cache reads also reported
 * apart as `cached_input_tokens`.
 */
export function convertAnthropicUsage(usage: unknown): Usage | null {
  const parsed = anthropicUsageSchema.safeParse(usage);
  if (!parsed.success) return null;
  const { input_tokens, output_tokens, cache_read_input_tokens, cache_creation_input_tokens } = parsed.data;
  return cacheApartUsage({ input: input_tokens, output: output_tokens, cacheRead: cache_read_input_tokens, cacheWrite: cache_creation_input_tokens });
}

/** The usage of a whole response (`response.usage`). */
export function anthropicResponseUsage(response: unknown): Usage | null {
  return isRecord(response) ? convertAnthropicUsage(response.usage) : null;
}
