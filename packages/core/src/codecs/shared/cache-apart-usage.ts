import type { Usage } from "../../schemas/log-record.js";

/** Token counts as a provider reports them, the prompt cache's apart from the input's. */
export interface CacheApartCounts {
  input: number | null | undefined;
  output: number | null | undefined;
  cacheRead: number | null | undefined;
  cacheWrite: number | null | undefined;
}

/**
 * Usage of a provider whose input count leaves out the tokens read from and
 * written to the prompt cache (Anthropic, Bedrock's Converse): our input is
 * all of them, the cache reads also reported apart as `cached_input_tokens`.
 * Null when it reports no tokens.
 */
export function cacheApartUsage({ input, output, cacheRead, cacheWrite }: CacheApartCounts): Usage | null {
  if (input == null && output == null) return null;
  const result: Usage = {
    input_tokens: (input ?? 0) + (cacheRead ?? 0) + (cacheWrite ?? 0),
    output_tokens: output ?? 0,
  };
  if (cacheRead != null) result.cached_input_tokens = cacheRead;
  return result;
}
