import { PromptNotFoundError } from "@promptline/core";
import type { PromptRef, Storage } from "../storage/index.js";

/**
 * The 404 for a prompt version that isn't there. A label missing from a prompt
 * that exists names the labels it has: the likeliest mistake is a typo
 * (`prdo`) or a label never set in this workspace.
 */
export async function promptNotFound(
  storage: Storage,
  workspaceId: number,
  ref: PromptRef,
  selector: { version?: number | null | undefined; label?: string | null | undefined },
  promptName: string,
): Promise<PromptNotFoundError> {
  if (selector.version != null) return new PromptNotFoundError(promptName, { version: selector.version });
  if (selector.label == null) return new PromptNotFoundError(promptName);
  const prompt = await storage.prompts.get(workspaceId, ref);
  if (!prompt) return new PromptNotFoundError(promptName, { label: selector.label });
  const existingLabels = (await storage.labels.list(workspaceId, { id: prompt.id })).map((label) => label.name);
  return new PromptNotFoundError(prompt.name, { label: selector.label, existingLabels });
}
