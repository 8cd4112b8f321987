import type { Message, PromptTemplate } from "@promptline/core";

/**
 * Variables of a template, for the playground's form and for highlighting:
 * f-string fields (`{name}`, `{{` escapes a brace, like Python) and jinja2
 * expressions (`{{ name }}`, names used by `{% if %}`/`{% for %}`).
 */

export type Segment = { text: string; variable?: string };

const identifier = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Splits text into literal parts and variable references. */
export function segments(text: string, format: "f-string" | "jinja2"): Segment[] {
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
      const field = text.slice(index + 1, close);
      const name = identifier.exec(field)?.[0];
      if (literal) out.push({ text: literal });
      literal = "";
      out.push(name ? { text: text.slice(index, close + 1), variable: name } : { text: text.slice(index, close + 1) });
      index = close;
      continue;
    }
    literal += char;
  }
  if (literal) out.push({ text: literal });
  return out;
}

const jinjaKeywords = new Set(["if", "else", "elif", "endif", "for", "endfor", "in", "not", "and", "or", "is", "set", "true", "false", "none", "loop", "True", "False", "None", "defined", "raw", "endraw", "macro", "endmacro"]);

function jinjaSegments(text: string): Segment[] {
  const out: Segment[] = [];
  const pattern = /\{\{([\s\S]*?)\}\}|\{%([\s\S]*?)%\}/g;
  // Names bound by the template itself (`{% for x in … %}`, `{% set x = … %}`) are not inputs.
  const bound = new Set<string>();
  let last = 0;
  for (const found of text.matchAll(pattern)) {
    if (found.index > last) out.push({ text: text.slice(last, found.index) });
    const inner = (found[1] ?? found[2] ?? "").trim();
    const binding = /^(?:for\s+([A-Za-z_]\w*)(?:\s*,\s*([A-Za-z_]\w*))?\s+in\b|set\s+([A-Za-z_]\w*)\s*=)/.exec(inner);
    for (const name of binding?.slice(1) ?? []) if (name) bound.add(name);
    // The first name of the expression, before any filter (`| upper`), not a keyword or a bound name.
    const expression = inner.replace(/^(?:for\s+[\w\s,]+\s+in|set\s+\w+\s*=|if|elif)\b/, "").split("|")[0] ?? "";
    const name = [...expression.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)].map((m) => m[0]).find((candidate) => !jinjaKeywords.has(candidate));
    out.push(name && !bound.has(name) && !inner.startsWith("end") ? { text: found[0], variable: name } : { text: found[0] });
    last = found.index + found[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

export type TemplateFormatName = "f-string" | "jinja2";

/** The template-level format (messages may override it); f-string by default. */
export function formatOf(template: PromptTemplate): TemplateFormatName {
  const format = (template as { template_format?: unknown }).template_format;
  if (format === "jinja2" || format === "f-string") return format;
  if (template.type === "chat") return template.messages.find((message) => message.template_format)?.template_format ?? "f-string";
  return "f-string";
}

/** The template's text blocks, with the format each is written in. */
export function textBlocks(template: PromptTemplate): Array<{ text: string; format: "f-string" | "jinja2" }> {
  const templateFormat = formatOf(template);
  if (template.type === "completion") {
    return template.content.flatMap((part) => (part.type === "text" ? [{ text: part.text, format: templateFormat }] : []));
  }
  return template.messages.flatMap((message: Message) =>
    (message.content ?? []).flatMap((part) => (part.type === "text" ? [{ text: part.text, format: message.template_format ?? templateFormat }] : [])),
  );
}

/** Every variable the template uses, in order of first use (placeholder messages included). */
export function templateVariables(template: PromptTemplate): string[] {
  const names = new Set<string>();
  const fallback = formatOf(template);
  const addText = (text: string, format: TemplateFormatName) => {
    for (const segment of segments(text, format)) if (segment.variable) names.add(segment.variable);
  };
  if (template.type === "completion") {
    for (const part of template.content) if (part.type === "text") addText(part.text, fallback);
  } else {
    for (const message of template.messages) {
      if (message.role === "placeholder") names.add(message.name);
      for (const part of message.content ?? []) if (part.type === "text") addText(part.text, message.template_format ?? fallback);
    }
  }
  for (const name of template.input_variables ?? []) names.add(name);
  return [...names];
}
