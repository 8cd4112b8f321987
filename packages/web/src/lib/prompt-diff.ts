import type { Content, Message, PromptTemplate, TemplateMetadata } from "@promptline/core";
import { diffArrays, diffWordsWithSpace } from "diff";

/**
 * What changed between two versions of a prompt, the way a reader thinks of
 * it: message by message (words inside a changed message), then the model
 * and its parameters as a table. Pure, so the compare view and its tests
 * share it.
 */

/** A run of words: kept, removed (only on the left) or added (only on the right). */
export interface WordChange {
  kind: "same" | "removed" | "added";
  text: string;
}

export interface MessageChange {
  kind: "same" | "changed" | "removed" | "added";
  /** Position in each version (1-based), when the message is there. */
  before?: { index: number; role: string; text: string };
  after?: { index: number; role: string; text: string };
  /** For a changed message: its text word by word. */
  words?: WordChange[];
}

export interface SettingChange {
  /** `provider`, `model`, a parameter's name, or another field of the template or its metadata. */
  name: string;
  before: string | undefined;
  after: string | undefined;
  changed: boolean;
}

export interface PromptDiff {
  messages: MessageChange[];
  settings: SettingChange[];
  /** Changed messages plus changed settings: 0 when the versions are the same. */
  changes: number;
}

export interface Side {
  prompt_template: PromptTemplate;
  metadata: TemplateMetadata;
}

function partText(part: Content): string {
  switch (part.type) {
    case "text":
      return part.text;
    case "thinking":
      return `[thinking] ${part.thinking}`;
    case "image_url":
      return part.image_variable ? `[image {${part.image_variable}}]` : `[image ${part.image_url.url}]`;
    case "media_variable":
      return `[media {${part.name}}]`;
    default:
      return JSON.stringify(part);
  }
}

/** A message as one text: its parts, its tool calls, a placeholder's name. */
function messageText(message: Message): string {
  if (message.role === "placeholder") return `{${message.name}}`;
  const parts = (message.content ?? []).map(partText);
  const calls = message.role === "assistant" ? (message.tool_calls ?? []).map((call) => `[calls ${call.function.name}(${call.function.arguments})]`) : [];
  return [...parts, ...calls].join("\n");
}

function messagesOf(template: PromptTemplate): Array<{ role: string; text: string }> {
  if (template.type === "completion") return [{ role: "completion", text: template.content.map(partText).join("\n") }];
  return template.messages.map((message) => ({ role: message.role, text: messageText(message) }));
}

function words(before: string, after: string): WordChange[] {
  return diffWordsWithSpace(before, after).map((change) => ({ kind: change.added ? "added" : change.removed ? "removed" : "same", text: change.value }));
}

/** Messages aligned on unchanged ones; a run of removals next to a run of additions pairs up as changed messages. */
export function diffMessages(before: PromptTemplate, after: PromptTemplate): MessageChange[] {
  const left = messagesOf(before);
  const right = messagesOf(after);
  const out: MessageChange[] = [];
  let i = 0;
  let j = 0;
  let removed: MessageChange[] = [];
  let added: MessageChange[] = [];
  const flush = () => {
    for (let k = 0; k < Math.max(removed.length, added.length); k++) {
      const was = removed[k]?.before;
      const is = added[k]?.after;
      if (was && is) out.push({ kind: "changed", before: was, after: is, words: words(was.text, is.text) });
      else if (was) out.push({ kind: "removed", before: was });
      else if (is) out.push({ kind: "added", after: is });
    }
    removed = [];
    added = [];
  };
  const key = (message: { role: string; text: string }) => `${message.role}\u0000${message.text}`;
  for (const change of diffArrays(left.map(key), right.map(key))) {
    for (let n = 0; n < change.count; n++) {
      if (change.added) {
        added.push({ kind: "added", after: { index: j + 1, ...right[j]! } });
        j++;
      } else if (change.removed) {
        removed.push({ kind: "removed", before: { index: i + 1, ...left[i]! } });
        i++;
      } else {
        flush();
        out.push({ kind: "same", before: { index: i + 1, ...left[i]! }, after: { index: j + 1, ...right[j]! } });
        i++;
        j++;
      }
    }
  }
  flush();
  return out;
}

const show = (value: unknown): string | undefined => (value === undefined ? undefined : typeof value === "string" ? value : JSON.stringify(value));

/** Every setting of the two versions that isn't a message: provider, model, each parameter, then the rest. */
export function diffSettings(before: Side, after: Side): SettingChange[] {
  const rows: SettingChange[] = [];
  const add = (name: string, was: unknown, is: unknown) => {
    const shownBefore = show(was);
    const shownAfter = show(is);
    if (shownBefore === undefined && shownAfter === undefined) return;
    rows.push({ name, before: shownBefore, after: shownAfter, changed: shownBefore !== shownAfter });
  };
  const modelBefore = before.metadata.model;
  const modelAfter = after.metadata.model;
  add("provider", modelBefore?.provider, modelAfter?.provider);
  add("model", modelBefore?.name, modelAfter?.name);
  const parametersBefore: Record<string, unknown> = modelBefore?.parameters ?? {};
  const parametersAfter: Record<string, unknown> = modelAfter?.parameters ?? {};
  for (const name of [...new Set([...Object.keys(parametersBefore), ...Object.keys(parametersAfter)])]) add(name, parametersBefore[name], parametersAfter[name]);
  const restOf = (model: Record<string, unknown> | undefined) => Object.fromEntries(Object.entries(model ?? {}).filter(([name]) => !["provider", "name", "parameters"].includes(name)));
  const modelRestBefore = restOf(modelBefore);
  const modelRestAfter = restOf(modelAfter);
  for (const name of [...new Set([...Object.keys(modelRestBefore), ...Object.keys(modelRestAfter)])]) add(`model.${name}`, modelRestBefore[name], modelRestAfter[name]);
  // Template fields besides its messages (tools, response format…) and other metadata, whole.
  const templateRest = (template: PromptTemplate) => Object.fromEntries(Object.entries(template).filter(([name]) => !["type", "messages", "content", "input_variables"].includes(name)));
  const metadataRest = (metadata: TemplateMetadata) => Object.fromEntries(Object.entries(metadata).filter(([name]) => name !== "model"));
  for (const [was, is] of [
    [templateRest(before.prompt_template), templateRest(after.prompt_template)],
    [metadataRest(before.metadata), metadataRest(after.metadata)],
  ] as const) {
    for (const name of [...new Set([...Object.keys(was), ...Object.keys(is)])]) add(name, was[name], is[name]);
  }
  if (before.prompt_template.type !== after.prompt_template.type) add("template type", before.prompt_template.type, after.prompt_template.type);
  return rows;
}

export function diffPrompt(before: Side, after: Side): PromptDiff {
  const messages = diffMessages(before.prompt_template, after.prompt_template);
  const settings = diffSettings(before, after);
  return { messages, settings, changes: messages.filter((change) => change.kind !== "same").length + settings.filter((row) => row.changed).length };
}
