/**
 * Python's `str()`, `repr()` and `ascii()` of JSON-like values, so a rendered
 * prompt reads exactly as PromptLayer's Python server would print it:
 * `true` → `True`, `null` → `None`, `[1, 'two']`, `{'a': 1}`.
 *
 * Numbers: JSON (and so JavaScript) cannot tell `3.0` from `3`, so an integral
 * number prints as a Python int; `-0` and integers beyond 2^53 (which only a
 * float can carry losslessly through JSON) print as Python floats.
 */
import { PythonFloat } from "./python-float.js";

/** Whether Python would have seen this number as an `int` after `json.loads`. */
export function isPythonInt(value: number): boolean {
  return Number.isInteger(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER && !Object.is(value, -0);
}

/** `repr(float)`: shortest round-trip digits, exponent form below 1e-4 or from 1e16. */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const [mantissa = "0", exponentText = "0"] = value.toExponential().split("e");
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const sign = negative ? "-" : "";
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : "";
    return `${sign}${digits[0]}${fraction}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  const integerPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
  const fractionPart = digits.slice(exponent + 1) || "0";
  return `${sign}${integerPart}.${fractionPart}`;
}

export function pythonNumberRepr(value: number): string {
  return isPythonInt(value) ? String(value) : pythonFloatRepr(value);
}

/** Characters `str.isprintable()` rejects (other than the ones with short escapes). */
const nonPrintable = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function hexEscape(codePoint: number): string {
  if (codePoint < 0x100) return `\\x${codePoint.toString(16).padStart(2, "0")}`;
  if (codePoint < 0x10000) return `\\u${codePoint.toString(16).padStart(4, "0")}`;
  return `\\U${codePoint.toString(16).padStart(8, "0")}`;
}

/** `repr(str)`: single quotes unless the text has `'` and no `"`. */
export function pythonStringRepr(text: string, asciiOnly = false): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const codePoint = char.codePointAt(0) ?? 0;
    if (char === quote || char === "\\") out += `\\${char}`;
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (char !== " " && nonPrintable.test(char)) out += hexEscape(codePoint);
    else if (asciiOnly && codePoint > 0x7e) out += hexEscape(codePoint);
    else out += char;
  }
  return out + quote;
}

/** `repr(value)` of a JSON-like value; other JavaScript values print as their plain-data form. */
export function pythonRepr(value: unknown, asciiOnly = false, seen: Set<object> = new Set()): string {
  if (value === null || value === undefined) return "None";
  if (value instanceof PythonFloat) return pythonFloatRepr(value.value);
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") return pythonNumberRepr(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return pythonStringRepr(value, asciiOnly);
  if (typeof value !== "object") return "None";
  if (seen.has(value)) return Array.isArray(value) ? "[...]" : "{...}";
  seen.add(value);
  try {
    if (Array.isArray(value)) return `[${value.map((item) => pythonRepr(item, asciiOnly, seen)).join(", ")}]`;
    const entries = Object.entries(value).map(
      ([key, item]) => `${pythonStringRepr(key, asciiOnly)}: ${pythonRepr(item, asciiOnly, seen)}`,
    );
    return `{${entries.join(", ")}}`;
  } finally {
    seen.delete(value);
  }
}

/** `str(value)`: strings as they are, everything else as its repr. */
export function pythonStr(value: unknown): string {
  return typeof value === "string" ? value : pythonRepr(value);
}
