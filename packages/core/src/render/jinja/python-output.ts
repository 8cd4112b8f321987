import { pythonFloatRepr, pythonStringRepr } from "../python-repr.js";
import type { RuntimeValue } from "./engine.js";

// How jinja2 (on Python) prints engine values: str(), repr() and tojson.

/** Python `repr()` of an engine value, as jinja2 prints lists and dicts. */
export function runtimeRepr(value: RuntimeValue): string {
  switch (value.type) {
    case "StringValue":
      return pythonStringRepr(value.value as string);
    case "IntegerValue":
      return String(value.value);
    case "FloatValue":
      return pythonFloatRepr(value.value as number);
    case "BooleanValue":
      return value.value ? "True" : "False";
    case "NullValue":
      return "None";
    case "UndefinedValue":
      return "Undefined";
    case "ArrayValue":
      return `[${(value.value as RuntimeValue[]).map(runtimeRepr).join(", ")}]`;
    case "TupleValue": {
      const items = (value.value as RuntimeValue[]).map(runtimeRepr);
      return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
    }
    case "ObjectValue":
    case "KeywordArgumentsValue":
    case "NamespaceValue": {
      const entries = [...(value.value as Map<string, RuntimeValue>)].map(
        ([key, item]) => `${pythonStringRepr(key)}: ${runtimeRepr(item)}`,
      );
      return `{${entries.join(", ")}}`;
    }
    default:
      return "<function>";
  }
}

/** Python `str()` of an engine value, as `{{ value }}` prints it. */
export function runtimeStr(value: RuntimeValue): string {
  switch (value.type) {
    case "StringValue":
      return value.value as string;
    // PromptLayer renders None as "" (jinja2 itself would print "None").
    case "NullValue":
    case "UndefinedValue":
      return "";
    default:
      return runtimeRepr(value);
  }
}

function jsonString(text: string): string {
  let out = '"';
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const char = text[index] as string;
    if (char === '"') out += '\\"';
    else if (char === "\\") out += "\\\\";
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (char === "\b") out += "\\b";
    else if (char === "\f") out += "\\f";
    // ensure_ascii, plus jinja2's HTML-safe escapes of < > & '.
    else if (code < 0x20 || code > 0x7e || "<>&'".includes(char)) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += char;
  }
  return out + '"';
}

/** jinja2's `tojson`: `json.dumps(value, sort_keys=True, indent=indent)`, then HTML-safe. */
export function runtimeJson(value: RuntimeValue, indent: number | undefined, depth = 0): string {
  const newline = indent === undefined ? "" : "\n" + " ".repeat(indent * (depth + 1));
  const closing = indent === undefined ? "" : "\n" + " ".repeat(indent * depth);
  const itemSeparator = indent === undefined ? ", " : ",";
  switch (value.type) {
    case "StringValue":
      return jsonString(value.value as string);
    case "IntegerValue":
      return String(value.value);
    case "FloatValue": {
      const number = value.value as number;
      return Number.isFinite(number) ? pythonFloatRepr(number) : Number.isNaN(number) ? "NaN" : number > 0 ? "Infinity" : "-Infinity";
    }
    case "BooleanValue":
      return value.value ? "true" : "false";
    case "NullValue":
    case "UndefinedValue":
      return "null";
    case "ArrayValue":
    case "TupleValue": {
      const items = (value.value as RuntimeValue[]).map((item) => runtimeJson(item, indent, depth + 1));
      return items.length === 0 ? "[]" : `[${newline}${items.join(itemSeparator + newline)}${closing}]`;
    }
    case "ObjectValue":
    case "KeywordArgumentsValue":
    case "NamespaceValue": {
      const entries = [...(value.value as Map<string, RuntimeValue>)]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, item]) => `${jsonString(key)}: ${runtimeJson(item, indent, depth + 1)}`);
      return entries.length === 0 ? "{}" : `{${newline}${entries.join(itemSeparator + newline)}${closing}}`;
    }
    default:
      throw new Error(`Object of type ${value.type} is not JSON serializable`);
  }
}
