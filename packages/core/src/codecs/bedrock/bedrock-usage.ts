import type { Usage } from "../../schemas/log-record.js";
import { cacheApartUsage } from "../shared/cache-apart-usage.js";
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
  return cacheApartUsage({ input: inputTokens, output: outputTokens, cacheRead: cacheReadInputTokens, cacheWrite: cacheWriteInputTokens });
}

/** The usage of a whole response (`response.usage`). */
export function bedrockResponseUsage(response: unknown): Usage | null {
  return isRecord(response) ? convertBedrockUsage(response.usage) : null;
}
