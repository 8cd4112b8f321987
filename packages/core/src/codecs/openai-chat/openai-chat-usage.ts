import type { z } from "zod";
import type { Usage } from "../../schemas/log-record.js";
import { chatUsageSchema } from "./openai-chat-api-schemas.js";

/**
 * A Chat Completions `usage` object → our Usage; null when there is none.
 *
 * OpenAI counts reasoning inside `completion_tokens`. xAI does not: its
 * `total_tokens` is prompt + completion + reasoning. When the total shows
 * that accounting, the reasoning is added to the output so it is priced.
 */
export function convertOpenAIChatUsage(usage: unknown): Usage | null {
  let fields: ChatUsage;
  if (isWellFormedUsage(usage)) fields = usage;
  else {
    const parsed = chatUsageSchema.safeParse(usage);
    if (!parsed.success) return null;
    fields = parsed.data;
  }
  const { prompt_tokens, completion_tokens, total_tokens, prompt_tokens_details, completion_tokens_details } = fields;
  if (prompt_tokens == null && completion_tokens == null) return null;

  const inputTokens = prompt_tokens ?? 0;
  const completionTokens = completion_tokens ?? 0;
  const reasoningTokens = completion_tokens_details?.reasoning_tokens ?? undefined;
  const reasoningOutsideCompletion =
    reasoningTokens !== undefined && reasoningTokens > 0 && total_tokens === inputTokens + completionTokens + reasoningTokens;

  const result: Usage = {
    input_tokens: inputTokens,
    output_tokens: reasoningOutsideCompletion ? completionTokens + reasoningTokens : completionTokens,
  };
  const cachedTokens = prompt_tokens_details?.cached_tokens;
  if (cachedTokens != null) result.cached_input_tokens = cachedTokens;
  if (reasoningTokens !== undefined) result.reasoning_tokens = reasoningTokens;
  return result;
}

type ChatUsage = z.infer<typeof chatUsageSchema>;

const isCount = (value: unknown): boolean => value == null || (typeof value === "number" && Number.isFinite(value));

/** What `chatUsageSchema` accepts, checked without zod (this runs on every run()). */
function isWellFormedUsage(usage: unknown): usage is ChatUsage {
  if (typeof usage !== "object" || usage === null || Array.isArray(usage)) return false;
  const { prompt_tokens, completion_tokens, total_tokens, prompt_tokens_details, completion_tokens_details } = usage as Record<string, unknown>;
  return (
    isCount(prompt_tokens) &&
    isCount(completion_tokens) &&
    isCount(total_tokens) &&
    isDetails(prompt_tokens_details, "cached_tokens") &&
    isDetails(completion_tokens_details, "reasoning_tokens")
  );
}

function isDetails(value: unknown, countKey: string): boolean {
  if (value == null) return true;
  return typeof value === "object" && !Array.isArray(value) && isCount((value as Record<string, unknown>)[countKey]);
}

/** The usage of a whole response (`response.usage`). */
export function openaiChatResponseUsage(response: unknown): Usage | null {
  if (typeof response !== "object" || response === null) return null;
  return convertOpenAIChatUsage((response as { usage?: unknown }).usage);
}
