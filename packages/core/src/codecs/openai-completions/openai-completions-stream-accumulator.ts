import { z } from "zod";
import type { StreamAccumulator } from "../codec.js";
import { convertOpenAIChatUsage } from "../openai-chat/openai-chat-usage.js";
import { assistantMessage, textBlock } from "../shared/content.js";

const completionsChunkSchema = z.looseObject({
  id: z.string().nullish(),
  created: z.number().nullish(),
  model: z.string().nullish(),
  system_fingerprint: z.string().nullish(),
  choices: z
    .array(z.looseObject({ index: z.number().nullish(), text: z.string().nullish(), finish_reason: z.string().nullish() }))
    .nullish(),
  usage: z.unknown().optional(),
});

/** Concatenates `text_completion` chunks (PromptLayer's `openaiStreamCompletion`, usage kept). */
export function createOpenAICompletionsStreamAccumulator(): StreamAccumulator {
  let id = "";
  let model = "";
  let created = 0;
  let systemFingerprint: string | null = null;
  let text = "";
  let finishReason: string | null = null;
  let usage: unknown = null;

  return {
    push(event) {
      const parsed = completionsChunkSchema.safeParse(event);
      if (!parsed.success) return assistantMessage([]);
      const chunk = parsed.data;
      if (chunk.id) id = chunk.id;
      if (chunk.model) model = chunk.model;
      if (chunk.created) created = chunk.created;
      if (chunk.system_fingerprint) systemFingerprint = chunk.system_fingerprint;
      if (chunk.usage !== undefined && chunk.usage !== null) usage = chunk.usage;
      const choice = (chunk.choices ?? []).find((candidate) => (candidate.index ?? 0) === 0);
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      if (!choice?.text) return assistantMessage([]);
      text += choice.text;
      return assistantMessage([textBlock(choice.text)]);
    },
    response: () => ({
      id,
      object: "text_completion",
      created,
      model,
      system_fingerprint: systemFingerprint,
      choices: [{ text, index: 0, logprobs: null, finish_reason: finishReason }],
      usage,
    }),
    usage: () => convertOpenAIChatUsage(usage),
  };
}
