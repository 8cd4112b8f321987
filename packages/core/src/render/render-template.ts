/**
 * Renders a whole prompt template: every `text` block (chat: each message with
 * its own `template_format`; completion: the template's), placeholder
 * messages, media variables and tool variables. Other blocks pass through.
 * The input is never mutated.
 */
import { InvalidTemplateError, MissingVariablesError } from "../errors/promptline-error.js";
import type { Content, MediaContent } from "../schemas/content.js";
import { messageSchema, type Message, type TemplateFormat } from "../schemas/message.js";
import type { PromptTemplate } from "../schemas/template.js";
import { functionToolSchema, type FunctionTool, type Tool } from "../schemas/tools.js";
import { inferMedia } from "./media.js";
import { hasVariable } from "./plain-data.js";
import { listRequiredVariables, listTextVariables, renderText, type RenderOptions } from "./render-text.js";

/** Tool and function results are often JSON; the server leaves such texts unrendered. */
function isJsonText(text: string): boolean {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return false;
  try {
    JSON.parse(trimmed);
    return true;
  } catch {
    return false;
  }
}

function rendersText(message: Message | undefined, text: string): boolean {
  return !(message && (message.role === "tool" || message.role === "function") && isJsonText(text));
}

/** One place to visit, in template order, everything that takes input variables. */
type Use =
  | { kind: "text"; text: string; format: TemplateFormat; location: string }
  | { kind: "placeholder" | "media" | "tool"; name: string };

function contentUses(
  content: readonly Content[] | null | undefined,
  format: TemplateFormat,
  location: string,
  message?: Message,
): Use[] {
  return (content ?? []).flatMap((block, index): Use[] => {
    if (block.type === "text" && rendersText(message, block.text)) {
      return [{ kind: "text", text: block.text, format, location: `${location}[${index}]` }];
    }
    if (block.type === "media_variable") return [{ kind: "media", name: block.name }];
    return [];
  });
}

function templateUses(template: PromptTemplate): Use[] {
  if (template.type === "completion") return contentUses(template.content, template.template_format ?? "f-string", "content");
  const uses = template.messages.flatMap((message, index): Use[] =>
    message.role === "placeholder"
      ? [{ kind: "placeholder", name: message.name }]
      : contentUses(message.content, message.template_format ?? "f-string", `messages[${index}].content`, message),
  );
  for (const tool of template.tools ?? []) if (tool.type === "variable") uses.push({ kind: "tool", name: tool.name });
  return uses;
}

/** The variables of one use; a text that does not parse says where it is. */
function useVariables(use: Use, list: (text: string, format: TemplateFormat) => string[]): string[] {
  if (use.kind !== "text") return [use.name];
  try {
    return list(use.text, use.format);
  } catch (error) {
    throw withLocation(error, use.location);
  }
}

function unique(names: Iterable<string>): string[] {
  return [...new Set(names)];
}

/** Every input variable the template uses, in order of first appearance. */
export function listInputVariables(template: PromptTemplate): string[] {
  return unique(templateUses(template).flatMap((use) => useVariables(use, listTextVariables)));
}

function withLocation(error: unknown, location: string): unknown {
  if (error instanceof InvalidTemplateError && error.location === undefined) {
    return new InvalidTemplateError(error.reason, { location, cause: error.cause ?? error });
  }
  return error;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function listVariable(variables: Record<string, unknown>, name: string, expected: string, location: string): unknown[] {
  if (!hasVariable(variables, name) || variables[name] === null) return [];
  const value = variables[name];
  if (!Array.isArray(value)) {
    throw new InvalidTemplateError(`input variable "${name}" must be ${expected}, got ${describe(value)}`, { location });
  }
  return value;
}

function expandPlaceholder(name: string, variables: Record<string, unknown>, location: string): Message[] {
  const expected = "a list of messages";
  return listVariable(variables, name, expected, location).map((item, index) => {
    const parsed = messageSchema.safeParse(item);
    if (!parsed.success || parsed.data.role === "placeholder") {
      const why = parsed.success ? "a placeholder cannot hold placeholders" : parsed.error.issues[0]?.message ?? "invalid";
      throw new InvalidTemplateError(`input variable "${name}" must be ${expected}; item ${index} is not a message (${why})`, {
        location,
      });
    }
    return parsed.data;
  });
}

function expandMedia(name: string, variables: Record<string, unknown>, location: string): MediaContent[] {
  const raw = hasVariable(variables, name) && typeof variables[name] === "string" ? [variables[name]] : undefined;
  const items = raw ?? listVariable(variables, name, "a list of URL or base64 strings", location);
  return items.map((item, index) => {
    if (typeof item !== "string" || item === "") {
      throw new InvalidTemplateError(
        `input variable "${name}" must be a list of URL or base64 strings; item ${index} is ${describe(item)}`,
        { location },
      );
    }
    return { type: "media", media: inferMedia(item) };
  });
}

function expandTools(name: string, variables: Record<string, unknown>, location: string): FunctionTool[] {
  const expected = "a list of tools ({name, description?, parameters?} or {type: \"function\", function: {…}})";
  return listVariable(variables, name, expected, location).map((item, index) => {
    const wrapped =
      typeof item === "object" && item !== null && !("function" in item) ? { type: "function", function: item } : item;
    const parsed = functionToolSchema.safeParse(wrapped);
    if (!parsed.success) {
      const why = parsed.error.issues[0]?.message ?? "invalid";
      throw new InvalidTemplateError(`input variable "${name}" must be ${expected}; item ${index} is not a tool (${why})`, {
        location,
      });
    }
    return parsed.data;
  });
}

function renderContent(
  content: readonly Content[],
  format: TemplateFormat,
  variables: Record<string, unknown>,
  options: RenderOptions,
  location: string,
  message?: Message,
): Content[] {
  return content.flatMap((block, index): Content[] => {
    const where = `${location}[${index}]`;
    if (block.type === "text") {
      if (!rendersText(message, block.text)) return [{ ...block }];
      try {
        return [{ ...block, text: renderText(block.text, format, variables, options) }];
      } catch (error) {
        throw withLocation(error, where);
      }
    }
    if (block.type === "media_variable") return expandMedia(block.name, variables, where);
    return [block];
  });
}

function missingInTemplate(template: PromptTemplate, variables: Record<string, unknown>): string[] {
  const needed = templateUses(template).flatMap((use) => useVariables(use, listRequiredVariables));
  return unique(needed).filter((name) => !hasVariable(variables, name));
}

/**
 * Renders `template` with `variables`. Strict mode (default) checks the whole
 * template first and throws one `MissingVariablesError` listing every missing name.
 */
export function renderTemplate(
  template: PromptTemplate,
  variables: Record<string, unknown>,
  options: RenderOptions = {},
): PromptTemplate {
  if ((options.mode ?? "strict") === "strict") {
    const missing = missingInTemplate(template, variables);
    if (missing.length > 0) throw new MissingVariablesError(missing);
  }
  // Already checked: render each text as compatible so nothing is checked twice.
  const textOptions: RenderOptions = { mode: "compatible" };

  if (template.type === "completion") {
    const format = template.template_format ?? "f-string";
    return { ...template, content: renderContent(template.content, format, variables, textOptions, "content") };
  }

  const messages = template.messages.flatMap((message, index): Message[] => {
    const location = `messages[${index}]`;
    if (message.role === "placeholder") return expandPlaceholder(message.name, variables, location);
    if (!message.content) return [{ ...message }];
    const format = message.template_format ?? "f-string";
    const content = renderContent(message.content, format, variables, textOptions, `${location}.content`, message);
    return [{ ...message, content } as Message];
  });

  const rendered = { ...template, messages };
  if (template.tools) {
    rendered.tools = template.tools.flatMap((tool, index): Tool[] =>
      tool.type === "variable" ? expandTools(tool.name, variables, `tools[${index}]`) : [tool],
    );
  }
  return rendered;
}
