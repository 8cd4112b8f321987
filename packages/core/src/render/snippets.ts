/**
 * Snippets: `@@@name@@@`, `@@@name@label:L@@@` and `@@@name@version_number:N@@@`
 * inside text blocks are replaced by the text of another prompt, before any
 * variable is rendered. Snippets may hold snippets, down to `maxDepth`, and
 * the expanded text is bounded in size (`maxSnippetExpansionLength`), checked
 * before it is built: a "billion laughs" of snippets stops at the limit.
 *
 * Pure given its resolver: the server (storage) and the SDK (registry
 * fetches) expand with the same function.
 */
import { InvalidTemplateError } from "../errors/promptline-error.js";
import type { Content } from "../schemas/content.js";
import type { PromptTemplate } from "../schemas/template.js";
import { RenderBudget, type RenderLimits } from "./budget.js";

export interface SnippetReference {
  name: string;
  label?: string;
  version?: number;
}

/** Returns the text a reference stands for (the snippet prompt's text, not rendered). */
export type SnippetResolver = (reference: SnippetReference) => Promise<string> | string;

export interface ExpandSnippetsOptions {
  /** How deep snippets may nest inside snippets; default `limits.maxSnippetDepth` (5). */
  maxDepth?: number;
  /** Render limits; `maxSnippetExpansionLength` and `maxSnippetDepth` apply here. */
  limits?: Partial<RenderLimits> | undefined;
}

const snippetPattern = /@@@([^@]+?)(?:@(label|version_number):([^@]+?))?@@@/g;

function toReference(match: RegExpMatchArray): SnippetReference {
  const [, name = "", selector, value = ""] = match;
  if (selector === "label") return { name, label: value };
  if (selector === "version_number") {
    if (!/^\d+$/.test(value)) {
      throw new InvalidTemplateError(`snippet "${match[0]}" has a version_number that is not a whole number`);
    }
    return { name, version: Number(value) };
  }
  return { name };
}

function referenceKey(reference: SnippetReference): string {
  if (reference.label !== undefined) return `${reference.name}@label:${reference.label}`;
  if (reference.version !== undefined) return `${reference.name}@version_number:${reference.version}`;
  return reference.name;
}

/** The snippet references of one text, in order. */
export function listTextSnippets(text: string): SnippetReference[] {
  return [...text.matchAll(snippetPattern)].map(toReference);
}

function textBlocksOf(template: PromptTemplate): string[] {
  const texts = (content: readonly Content[] | null | undefined) =>
    (content ?? []).flatMap((block) => (block.type === "text" ? [block.text] : []));
  if (template.type === "completion") return texts(template.content);
  return template.messages.flatMap((message) => (message.role === "placeholder" ? [] : texts(message.content)));
}

/** Every snippet the template's text blocks reference directly, in order, without duplicates. */
export function listSnippets(template: PromptTemplate): SnippetReference[] {
  const seen = new Map<string, SnippetReference>();
  for (const text of textBlocksOf(template)) {
    for (const reference of listTextSnippets(text)) {
      const key = referenceKey(reference);
      if (!seen.has(key)) seen.set(key, reference);
    }
  }
  return [...seen.values()];
}

async function mapContent(
  content: readonly Content[],
  expand: (text: string) => Promise<string>,
): Promise<Content[]> {
  return Promise.all(content.map(async (block) => (block.type === "text" ? { ...block, text: await expand(block.text) } : block)));
}

/** Every reference starts with this; a template without it has nothing to expand. */
const snippetMarker = "@@@";

function hasSnippetMarker(content: readonly Content[] | null | undefined): boolean {
  if (!content) return false;
  for (const block of content) if (block.type === "text" && block.text.includes(snippetMarker)) return true;
  return false;
}

function templateHasSnippetMarker(template: PromptTemplate): boolean {
  if (template.type === "completion") return hasSnippetMarker(template.content);
  return template.messages.some((message) => message.role !== "placeholder" && hasSnippetMarker(message.content));
}

/**
 * Replaces every snippet reference in the template's text blocks by its
 * (recursively expanded) text. A template without the `@@@` marker, the usual
 * case, is returned as is (the same object), with no copy and no resolver call.
 */
export async function expandSnippets(
  template: PromptTemplate,
  resolve: SnippetResolver,
  options: ExpandSnippetsOptions = {},
): Promise<PromptTemplate> {
  if (!templateHasSnippetMarker(template)) return template;
  const budget = new RenderBudget(options.limits);
  const maxDepth = options.maxDepth ?? budget.limits.maxSnippetDepth;
  const maxLength = budget.limits.maxSnippetExpansionLength;
  // One resolver call per distinct reference, however often it is used.
  const fetched = new Map<string, Promise<string>>();
  const fetch = (reference: SnippetReference) => {
    const key = referenceKey(reference);
    let text = fetched.get(key);
    if (!text) {
      text = Promise.resolve().then(() => resolve(reference));
      fetched.set(key, text);
    }
    return text;
  };
  // One expansion per reference and depth, however often it is used (700 × 700 uses are 2 expansions, not 490,000).
  const expansions = new Map<string, Promise<string>>();

  const expand = async (text: string, path: readonly string[]): Promise<string> => {
    const matches = [...text.matchAll(snippetPattern)];
    if (matches.length === 0) return text;
    const replacements = await Promise.all(
      matches.map(async (match) => {
        const reference = toReference(match);
        const key = referenceKey(reference);
        if (path.includes(key)) {
          throw new InvalidTemplateError(`snippet cycle: ${[...path, key].map((name) => `@@@${name}@@@`).join(" → ")}`);
        }
        if (path.length >= maxDepth) {
          throw new InvalidTemplateError(
            `snippets nest more than ${maxDepth} deep (${[...path, key].map((name) => `@@@${name}@@@`).join(" → ")})`,
          );
        }
        const memoKey = `${path.length}\u0000${key}`;
        let expansion = expansions.get(memoKey);
        if (!expansion) {
          expansion = fetch(reference).then((snippet) => {
            if (typeof snippet !== "string") {
              throw new InvalidTemplateError(`snippet @@@${key}@@@ did not resolve to a text`);
            }
            return expand(snippet, [...path, key]);
          });
          expansions.set(memoKey, expansion);
        }
        return expansion;
      }),
    );
    // Sized before it is built: the text without its references, plus what replaces them.
    let length = text.length;
    for (let index = 0; index < matches.length; index++) {
      length += (replacements[index] as string).length - (matches[index] as RegExpMatchArray)[0].length;
    }
    if (length > maxLength) {
      throw budget.exceeded("maxSnippetExpansionLength", `a text with its snippets expanded would be ${length} characters`);
    }
    let index = 0;
    return text.replace(snippetPattern, () => replacements[index++] ?? "");
  };
  // Every expanded text block counts toward the template's total.
  const expandBlock = async (text: string) => {
    const expanded = await expand(text, []);
    budget.addSnippetText(expanded.length);
    return expanded;
  };

  if (template.type === "completion") {
    return { ...template, content: await mapContent(template.content, expandBlock) };
  }
  const messages = await Promise.all(
    template.messages.map(async (message) =>
      message.role === "placeholder" || !message.content
        ? message
        : { ...message, content: await mapContent(message.content, expandBlock) },
    ),
  );
  return { ...template, messages } as PromptTemplate;
}
