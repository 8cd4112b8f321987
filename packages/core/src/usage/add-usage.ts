import type { Usage } from "../schemas/log-record.js";

/** No tokens yet. */
export function emptyUsage(): Usage {
  return { input_tokens: 0, output_tokens: 0 };
}

/**
 * The sum of two usages, e.g. the parts of a stream cut mid-way. The
 * optional counts are present when either side has them.
 */
export function addUsage(a: Usage, b: Usage): Usage {
  const sum: Usage = { input_tokens: a.input_tokens + b.input_tokens, output_tokens: a.output_tokens + b.output_tokens };
  if (a.cached_input_tokens !== undefined || b.cached_input_tokens !== undefined) {
    sum.cached_input_tokens = (a.cached_input_tokens ?? 0) + (b.cached_input_tokens ?? 0);
  }
  if (a.reasoning_tokens !== undefined || b.reasoning_tokens !== undefined) {
    sum.reasoning_tokens = (a.reasoning_tokens ?? 0) + (b.reasoning_tokens ?? 0);
  }
  return sum;
}
