import { z } from "zod";
import type { AssistantMessage } from "../../schemas/message.js";
import type { CompletionTemplate } from "../../schemas/template.js";
import { assistantMessage, textBlock } from "../shared/content.js";

/**
 * `prompt` of Completions kwargs → a completion template. The API also takes
 * a list of prompts (one completion each); we can show only one, the first.
 */
export function convertFromOpenAICompletionsPrompt(prompt: unknown): CompletionTemplate {
  const text = typeof prompt === "string" ? prompt : Array.isArray(prompt) && typeof prompt[0] === "string" ? prompt[0] : "";
  return { type: "completion", content: [textBlock(text)], input_variables: [], template_format: "f-string" };
}

const completionsResponseSchema = z.looseObject({
  choices: z.array(z.looseObject({ text: z.string().nullish(), index: z.number().nullish() })).nullish(),
});

/** A Completions response → the assistant's answer (`choices[0].text`). */
export function convertOpenAICompletionsResponseToMessage(response: unknown): AssistantMessage {
  const parsed = completionsResponseSchema.safeParse(response);
  const text = (parsed.success ? parsed.data.choices?.[0]?.text : undefined) ?? "";
  return assistantMessage([textBlock(text)]);
}
