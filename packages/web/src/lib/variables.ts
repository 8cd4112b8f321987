import type { Message, PromptTemplate } from "@promptline/core";
import { listInputVariables, listTextVariables } from "@promptline/core/render";

/**
 * Variables of a template, for the playground's form, the editor and
 * highlighting. Which names are variables is core's answer (the renderer's
 * own listing), so the dashboard asks for exactly what a run will need; this
 * module only finds where in the text to paint them.
 */

export type Segment = { text: string; variable?: string };
export type TemplateFormatName = "f-string" | "jinja2";

/** Core's list of a text's variables, or none when the text does not parse (the run would say why). */
function textVariablesOrNone(text: string, format: TemplateFormatName): string[] {
  try {
    return listTextVariables(text, format);
  } catch {
    return [];
  }
}

/** Splits text into literal parts and variable references. */
export function segments(text: string, format: TemplateFormatName): Segment[] {
  return format === "jinja2" ? jinjaSegments(text) : fstringSegments(text);
}

function fstringSegments(text: string): Segment[] {
  const out: Segment[] = [];
  let literal = "";
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if ((char === "{" || char === "}") && text[index + 1] === char) {
      literal += char + char;
      index++;
      continue;
    }
    if (char === "{") {
      const close = text.indexOf("}", index);
      if (close === -1) break;
      const field = text.slice(index, close + 1);
      // A field is painted as the variable core reads in it; a field core refuses (`{user.email}`) is not one.
      const name = textVariablesOrNone(field, "f-string")[0];
      if (literal) out.push({ text: literal });
      literal = "";
      out.push(name ? { text: field, variable: name } : { text: field });
      index = close;
      continue;
    }
    literal += char;
  }
  if (literal) out.push({ text: literal });
  return out;
}

function jinjaSegments(text: string): Segment[] {
  const inputs = new Set(textVariablesOrNone(text, "jinja2"));
  const out: Segment[] = [];
  let last = 0;
  for (const found of text.matchAll(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g)) {
    if (found.index > last) out.push({ text: text.slice(last, found.index) });
    // The first name of the tag that core lists as an input (loop variables and keywords are not).
    const name = [...found[0].matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)].map((match) => match[0]).find((candidate) => inputs.has(candidate));
    out.push(name ? { text: found[0], variable: name } : { text: found[0] });
    last = found.index + found[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

/** The template-level format (messages may override it); f-string by default. */
export function formatOf(template: PromptTemplate): TemplateFormatName {
  const format = (template as { template_format?: unknown }).template_format;
  if (format === "jinja2" || format === "f-string") return format;
  if (template.type === "chat") return template.messages.find((message: Message) => message.template_format)?.template_format ?? "f-string";
  return "f-string";
}

/** The template's variables as core lists them, or why it can't (a template that does not parse). */
export function variablesOf(template: PromptTemplate): { names: string[]; error?: string } {
  const declared = template.input_variables ?? [];
  try {
    return { names: [...new Set([...listInputVariables(template), ...declared])] };
  } catch (error) {
    return { names: [...declared], error: error instanceof Error ? error.message : String(error) };
  }
}

/** Every variable the template uses, in order of first use (placeholder messages included); none it can't parse. */
export function templateVariables(template: PromptTemplate): string[] {
  return variablesOf(template).names;
}
