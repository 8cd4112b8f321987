import type { Usage } from "../../schemas/log-record.js";
import { isRecord } from "../shared/content.js";
import { bedrockUsageSchema } from "./bedrock-api-schemas.js";

/**
 * A Converse `usage` object → our Usage; null when it reports no tokens.
 * Like Anthropic's, Bedrock's `inputTokens` leaves out the prompt-cache reads
 * and writes; our input is all of them, the reads also reported apart.
 */
export function convertBedrockUsage(usage: unknown): Usage | null {
  const parsed = bedrockUsageSchema.safeParse(usage);
  if (!parsed.success) return null;
  const { inputTokens, outputTokens, cacheReadInputTokens, cacheWriteInputTokens } = parsed.data;
  if (inputTokens == null && outputTokens == null) return null;
  const result: Usage = {
    input_tokens: (inputTokens ?? 0) + (cacheReadInputTokens ?? 0) + (cacheWriteInputTokens ?? 0),
    output_tokens: outputTokens ?? 0,
  };
  if (cacheReadInputTokens != null) result.cached_input_tokens = cacheReadInputTokens;
  return result;
}

/** The usage of a whole response (`response.usage`). */
export function bedrockResponseUsage(response: unknown): Usage | null {
  return isRecord(response) ? convertBedrockUsage(response.usage) : null;
}
