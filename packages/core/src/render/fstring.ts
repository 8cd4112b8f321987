/**
 * f-string templates with Python `str.format` rules, as PromptLayer's server
 * renders them: `{name}`, `{{`/`}}` escapes, `!r`/`!s`/`!a` conversions, the
 * format-spec mini-language, and replacement fields nested in a spec
 * (`{x:{width}}`, one level deep as in Python).
 *
 * Deliberate differences from Python: attribute, index and positional fields
 * (`{a.b}`, `{a[0]}`, `{}`, `{0}`) are rejected with a clear error instead of
 * being evaluated, and a missing variable is an error (strict) or empty
 * (compatible) rather than a KeyError.
 */
import { InvalidTemplateError } from "../errors/promptline-error.js";
import { BoundedCache } from "./bounded-cache.js";
import { RenderBudget } from "./budget.js";
import { formatWithSpec, FormatSpecError } from "./format-spec.js";
import { hasVariable, toPlainData } from "./plain-data.js";
import { PythonFloat } from "./python-float.js";
import { pythonRepr, pythonStr } from "./python-repr.js";

type Conversion = "r" | "s" | "a";

export type FStringPart =
  | { kind: "literal"; text: string }
  | { kind: "field"; name: string; conversion: Conversion | undefined; spec: FStringPart[] };

/** Python allows a replacement field inside a spec, but not one inside that. */
const maxNesting = 2;

function invalid(reason: string): InvalidTemplateError {
  return new InvalidTemplateError(reason);
}

/** Scans `{...}` starting after the opening brace; returns the index of the matching `}`. */
function findFieldEnd(text: string, start: number): number {
  let depth = 1;
  let inSpec = false;
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (char === "[" && !inSpec) {
      const close = text.indexOf("]", index + 1);
      if (close < 0) break;
      index = close;
    } else if (char === ":" && !inSpec) {
      inSpec = true;
    } else if (char === "{") {
      depth++;
    } else if (char === "}") {
      depth--;
      if (depth === 0) return index;
    }
  }
  throw invalid(`expected '}' before end of string in f-string template ${JSON.stringify(text)}`);
}

function checkFieldName(name: string, field: string): void {
  if (name === "" || /^\d+$/.test(name)) {
    throw invalid(
      `positional field "{${field}}" is not supported: name the variable, e.g. {name} (use {{ and }} for literal braces)`,
    );
  }
  if (name.includes(".") || name.includes("[")) {
    throw invalid(
      `attribute or index field "{${field}}" is not supported in f-string templates: use a plain {name} field, or the jinja2 format for expressions`,
    );
  }
}

function parseField(field: string, nesting: number): FStringPart {
  let index = 0;
  for (; index < field.length; index++) {
    const char = field[index];
    if (char === "{") throw invalid(`unexpected '{' in field name "{${field}}"`);
    if (char === "[") {
      const close = field.indexOf("]", index + 1);
      index = close < 0 ? field.length : close;
      continue;
    }
    if (char === "!" || char === ":") break;
  }
  const name = field.slice(0, index);
  let conversion: Conversion | undefined;
  let rest = field.slice(index);
  if (rest.startsWith("!")) {
    const code = rest[1];
    if (code === undefined) throw invalid(`end of string while looking for conversion specifier in "{${field}}"`);
    if (rest.length > 2 && rest[2] !== ":") throw invalid(`expected ':' after conversion specifier in "{${field}}"`);
    if (code !== "r" && code !== "s" && code !== "a") throw invalid(`Unknown conversion specifier ${code} in "{${field}}"`);
    conversion = code;
    rest = rest.slice(2);
  }
  checkFieldName(name, field);
  const specText = rest.startsWith(":") ? rest.slice(1) : "";
  let spec: FStringPart[];
  if (!specText.includes("{")) spec = specText ? [{ kind: "literal", text: specText }] : [];
  else if (nesting + 1 >= maxNesting) throw invalid(`Max string recursion exceeded in "{${field}}"`);
  else spec = parseParts(specText, nesting + 1);
  return { kind: "field", name, conversion, spec };
}

function parseParts(text: string, nesting: number): FStringPart[] {
  const parts: FStringPart[] = [];
  let literal = "";
  let index = 0;
  while (index < text.length) {
    const char = text[index] as string;
    const next = text[index + 1];
    if (char === "}") {
      if (next !== "}") throw invalid(`Single '}' encountered in format string ${JSON.stringify(text)}: write }} for a literal brace`);
      literal += "}";
      index += 2;
    } else if (char === "{") {
      if (next === "{") {
        literal += "{";
        index += 2;
        continue;
      }
      if (next === undefined) throw invalid(`Single '{' encountered in format string ${JSON.stringify(text)}: write {{ for a literal brace`);
      const end = findFieldEnd(text, index + 1);
      if (literal) parts.push({ kind: "literal", text: literal });
      literal = "";
      parts.push(parseField(text.slice(index + 1, end), nesting));
      index = end + 1;
    } else {
      literal += char;
      index++;
    }
  }
  if (literal) parts.push({ kind: "literal", text: literal });
  return parts;
}

interface ParsedFString {
  parts: FStringPart[];
  /** Field names in order of first appearance (nested spec fields included), without duplicates. */
  variables: readonly string[];
}

function fieldNames(parts: FStringPart[]): string[] {
  const names = new Set<string>();
  const visit = (list: FStringPart[]) => {
    for (const part of list) {
      if (part.kind !== "field") continue;
      names.add(part.name);
      visit(part.spec);
    }
  };
  visit(parts);
  return [...names];
}

const parsedTexts = new BoundedCache<string, ParsedFString>(512);

/** Parses (once per distinct text) an f-string template; throws `InvalidTemplateError`. */
function parsed(text: string): ParsedFString {
  let entry = parsedTexts.get(text);
  if (!entry) {
    const parts = parseParts(text, 0);
    entry = { parts, variables: fieldNames(parts) };
    parsedTexts.set(text, entry);
  }
  return entry;
}

/** Parses (once per distinct text) an f-string template; throws `InvalidTemplateError`. */
export function parseFString(text: string): FStringPart[] {
  return parsed(text).parts;
}

/** Field names in order of first appearance (the parse cache's own list: do not modify it). */
export function fStringVariables(text: string): readonly string[] {
  return parsed(text).variables;
}

/** Field names in order of first appearance (nested spec fields included), without duplicates. */
export function listFStringVariables(text: string): string[] {
  return [...fStringVariables(text)];
}

function convert(value: unknown, conversion: Conversion | undefined): unknown {
  switch (conversion) {
    case "r":
      return pythonRepr(value);
    case "a":
      return pythonRepr(value, true);
    case "s":
      return pythonStr(value);
    default:
      return value;
  }
}

function formatField(value: unknown, spec: string, given: boolean, budget: RenderBudget): string {
  if (spec === "") return pythonStr(value);
  try {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean" || typeof value === "bigint" || value instanceof PythonFloat) {
      return formatWithSpec(value, spec, budget);
    }
    const typeName = Array.isArray(value) ? "list" : "dict";
    throw new FormatSpecError(`unsupported format string passed to ${typeName}.__format__`);
  } catch (error) {
    // A missing variable is "" in compatible mode, whatever its spec asks for.
    if (!given) return "";
    if (error instanceof FormatSpecError) throw invalid(error.message);
    throw error;
  }
}

function renderParts(parts: FStringPart[], variables: Record<string, unknown>, budget: RenderBudget): string {
  let out = "";
  for (const part of parts) {
    if (part.kind === "literal") {
      out += part.text;
      continue;
    }
    const raw = hasVariable(variables, part.name) ? variables[part.name] : undefined;
    // Only plain data reaches the output: no functions, no class instances.
    const plain = typeof raw === "object" || typeof raw === "function" ? toPlainData(raw) : raw;
    // PromptLayer's server renders a missing or None value as "".
    const given = plain !== undefined && plain !== null;
    const value = convert(given ? plain : "", part.conversion);
    const field = formatField(value, part.spec.length === 0 ? "" : renderParts(part.spec, variables, budget), given, budget);
    // Checked field by field: a template of many big fields stops at the limit, not after building it all.
    budget.checkOutput(out.length + field.length);
    out += field;
  }
  return out;
}

/**
 * Renders an f-string template; missing variables render as "" (check them
 * first for strict mode). Bounded by `budget` (format widths, output length).
 */
export function renderFString(text: string, variables: Record<string, unknown>, budget: RenderBudget = new RenderBudget()): string {
  return renderParts(parsed(text).parts, variables, budget);
}
