import type { Content, Message, PromptTemplate, TemplateMetadata } from "@promptline/core";

/**
 * The playground's editable copy of a version: message texts, provider,
 * model and parameters (as JSON text), turned back into a template and
 * metadata to run or publish. Pure, so it is tested without a browser.
 */

/** Roles whose text the playground edits; other messages (placeholders, tool results) are kept as they are. */
export const editableRoles = ["system", "user", "assistant", "developer"] as const;
export type EditableRole = (typeof editableRoles)[number];

export interface DraftMessage {
  role: Message["role"];
  /** The message's text parts, joined. */
  text: string;
  /** The stored message, whose other parts (images, tool calls) the draft keeps. */
  original?: Message;
}

export interface Draft {
  /** Chat messages, or the one text of a completion template. */
  messages: DraftMessage[];
  provider: string;
  model: string;
  /** The model parameters as JSON text. */
  parameters: string;
}

const textOf = (content: readonly Content[] | null | undefined) =>
  (content ?? []).flatMap((part) => (part.type === "text" ? [part.text] : [])).join("\n");

export const isEditable = (role: Message["role"]): role is EditableRole => (editableRoles as readonly string[]).includes(role);

export function draftOf(template: PromptTemplate, metadata: TemplateMetadata): Draft {
  const messages: DraftMessage[] =
    template.type === "completion"
      ? [{ role: "user", text: textOf(template.content) }]
      : template.messages.map((message) => ({ role: message.role, text: textOf(message.content), original: message }));
  return {
    messages,
    provider: metadata.model?.provider ?? "",
    model: metadata.model?.name ?? "",
    parameters: JSON.stringify(metadata.model?.parameters ?? {}, null, 2),
  };
}

/** The content with its text parts replaced by one part holding `text`, where the first one was. */
function withText(content: readonly Content[] | null | undefined, text: string): Content[] {
  const parts = [...(content ?? [])];
  const block: Content = { type: "text", text };
  const first = parts.findIndex((part) => part.type === "text");
  if (first === -1) return text ? [block, ...parts] : parts;
  return [...parts.slice(0, first), block, ...parts.slice(first).filter((part) => part.type !== "text")];
}

function messageOf(draft: DraftMessage): Message {
  const original = draft.original;
  if (original && original.role === draft.role) {
    if (!isEditable(original.role)) return original;
    return { ...original, content: withText(original.content, draft.text) } as Message;
  }
  // A new message, or one whose role changed: text only (tool calls belong to the assistant role they were made in).
  return { role: draft.role as EditableRole, content: [{ type: "text", text: draft.text }] } as Message;
}

export type BuiltDraft = { template: PromptTemplate; metadata: TemplateMetadata } | { error: string };

/** The draft as a template and metadata, or what is wrong with it (parameters that are not a JSON object). */
export function buildDraft(base: { prompt_template: PromptTemplate; metadata: TemplateMetadata }, draft: Draft): BuiltDraft {
  let parameters: unknown;
  try {
    parameters = draft.parameters.trim() ? JSON.parse(draft.parameters) : {};
  } catch (error) {
    return { error: `Parameters must be a JSON object: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof parameters !== "object" || parameters === null || Array.isArray(parameters)) return { error: "Parameters must be a JSON object, like { \"temperature\": 0 }." };
  const template: PromptTemplate =
    base.prompt_template.type === "completion"
      ? { ...base.prompt_template, content: withText(base.prompt_template.content, draft.messages[0]?.text ?? "") }
      : { ...base.prompt_template, messages: draft.messages.map(messageOf) };
  // The variables are listed again from the text by whoever reads the template; a stale list would mislead.
  if ("input_variables" in template) delete (template as { input_variables?: unknown }).input_variables;
  const model = draft.provider.trim() || draft.model.trim() ? { ...base.metadata.model, provider: draft.provider.trim(), name: draft.model.trim(), parameters: parameters as Record<string, unknown> } : undefined;
  const metadata: TemplateMetadata = { ...base.metadata, ...(model ? { model } : {}) };
  if (!model) delete (metadata as { model?: unknown }).model;
  return { template, metadata };
}

/** Whether the draft says something the base version doesn't. */
export function isModified(base: { prompt_template: PromptTemplate; metadata: TemplateMetadata }, built: BuiltDraft): boolean {
  if ("error" in built) return true;
  const { input_variables: _ignored, ...baseTemplate } = base.prompt_template as PromptTemplate & { input_variables?: unknown };
  return JSON.stringify(built.template) !== JSON.stringify(baseTemplate) || JSON.stringify(built.metadata) !== JSON.stringify(base.metadata);
}
