/**
 * Renders a whole prompt template: every `text` block (chat: each message with
 * its own `template_format`; completion: the template's), placeholder
 * messages, media variables and tool variables. Other blocks pass through.
 * The input is never mutated.
 */
import { InvalidTemplateError, TemplateLimitError } from "../errors/promptline-error.js";
import type { Content, MediaContent } from "../schemas/content.js";
import { messageSchema, type Message, type TemplateFormat } from "../schemas/message.js";
import type { PromptTemplate } from "../schemas/template.js";
import { functionToolSchema, type FunctionTool, type Tool } from "../schemas/tools.js";
import { RenderBudget } from "./budget.js";
import { inferMedia } from "./media.js";
import { hasVariable } from "./plain-data.js";
import { checkStrictMode, listTextVariables, renderCheckedText, requiredTextVariables, type RenderOptions } from "./render-text.js";

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

/**
 * Visits, in template order, everything that takes input variables: each text
 * (with its format and, lazily, where it is) and each placeholder, media or
 * tool variable name. Runs on every render, so it builds nothing per use.
 */
interface UseVisitor {
  text(text: string, format: TemplateFormat, location: () => string): void;
  name(name: string): void;
}

function visitContentUses(
  content: readonly Content[] | null | undefined,
  format: TemplateFormat,
  visitor: UseVisitor,
  messageIndex?: number,
  message?: Message,
): void {
  if (!content) return;
  for (let index = 0; index < content.length; index++) {
    const block = content[index] as Content;
    if (block.type === "text" && rendersText(message, block.text)) {
      visitor.text(block.text, format, () => blockLocation(messageIndex, index));
    } else if (block.type === "media_variable") {
      visitor.name(block.name);
    }
  }
}

function visitUses(template: PromptTemplate, visitor: UseVisitor): void {
  if (template.type === "completion") {
    visitContentUses(template.content, template.template_format ?? "f-string", visitor);
    return;
  }
  template.messages.forEach((message, index) => {
    if (message.role === "placeholder") visitor.name(message.name);
    else visitContentUses(message.content, message.template_format ?? "f-string", visitor, index, message);
  });
  for (const tool of template.tools ?? []) if (tool.type === "variable") visitor.name(tool.name);
}

/** Where a block is: `content[i]` of a completion, `messages[m].content[i]` of a chat. */
function blockLocation(messageIndex: number | undefined, index: number): string {
  return messageIndex === undefined ? `content[${index}]` : `messages[${messageIndex}].content[${index}]`;
}

/** The variables of one text; a text that does not parse says where it is. */
function textVariables(
  text: string,
  format: TemplateFormat,
  location: () => string,
  list: (text: string, format: TemplateFormat) => readonly string[],
): readonly string[] {
  try {
    return list(text, format);
  } catch (error) {
    throw withLocation(error, location());
  }
}

/** Every input variable the template uses, in order of first appearance. */
export function listInputVariables(template: PromptTemplate): string[] {
  const names = new Set<string>();
  visitUses(template, {
    text: (text, format, location) => {
      for (const name of textVariables(text, format, location, listTextVariables)) names.add(name);
    },
    name: (name) => names.add(name),
  });
  return [...names];
}

function withLocation(error: unknown, location: string): unknown {
  if (error instanceof TemplateLimitError && error.location === undefined) {
    return new TemplateLimitError(error.limit, error.limitValue, error.detail, { location, cause: error.cause ?? error });
  }
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

function expandPlaceholder(name: string, variables: Record<string, unknown>, location: string, budget: RenderBudget): Message[] {
  const expected = "a list of messages";
  const items = listVariable(variables, name, expected, location);
  try {
    budget.list(items.length, `placeholder "${name}" with a list of messages`);
  } catch (error) {
    throw withLocation(error, location);
  }
  return items.map((item, index) => {
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
  budget: RenderBudget,
  messageIndex?: number,
  message?: Message,
): Content[] {
  const rendered: Content[] = [];
  for (let index = 0; index < content.length; index++) {
    const block = content[index] as Content;
    if (block.type === "text") {
      if (!rendersText(message, block.text)) {
        rendered.push({ ...block });
        continue;
      }
      try {
        rendered.push({ ...block, text: renderCheckedText(block.text, format, variables, budget) });
      } catch (error) {
        throw withLocation(error, blockLocation(messageIndex, index));
      }
    } else if (block.type === "media_variable") {
      rendered.push(...expandMedia(block.name, variables, blockLocation(messageIndex, index)));
    } else {
      rendered.push(block);
    }
  }
  return rendered;
}

/** The names the template needs but `variables` lacks, in order of first use, each once. */
function missingInTemplate(template: PromptTemplate, variables: Record<string, unknown>, budget: RenderBudget): string[] {
  const missing: string[] = [];
  const need = (name: string) => {
    if (!hasVariable(variables, name) && !missing.includes(name)) missing.push(name);
  };
  visitUses(template, {
    text: (text, format, location) => {
      const required = (each: string, eachFormat: TemplateFormat) => requiredTextVariables(each, eachFormat, budget.limits);
      for (const name of textVariables(text, format, location, required)) need(name);
    },
    name: need,
  });
  return missing;
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
  // One budget for the whole template: its texts share the limits.
  const budget = new RenderBudget(options.limits);
  checkStrictMode(options, () => missingInTemplate(template, variables, budget));
  // Already checked: each text renders as compatible (renderCheckedText) so nothing is checked twice.
  if (template.type === "completion") {
    const format = template.template_format ?? "f-string";
    return { ...template, content: renderContent(template.content, format, variables, budget) };
  }

  // Plain loops: flatMap and per-message location strings showed in profiles of this hot path.
  const messages: Message[] = [];
  template.messages.forEach((message, index) => {
    if (message.role === "placeholder") messages.push(...expandPlaceholder(message.name, variables, `messages[${index}]`, budget));
    else if (!message.content) messages.push({ ...message });
    else {
      const format = message.template_format ?? "f-string";
      messages.push({ ...message, content: renderContent(message.content, format, variables, budget, index, message) } as Message);
    }
  });

  const rendered = { ...template, messages };
  if (template.tools) {
    const tools: Tool[] = [];
    template.tools.forEach((tool, index) => {
      if (tool.type === "variable") tools.push(...expandTools(tool.name, variables, `tools[${index}]`));
      else tools.push(tool);
    });
    rendered.tools = tools;
  }
  return rendered;
}
