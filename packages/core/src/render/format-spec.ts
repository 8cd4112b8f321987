/**
 * Python's format-spec mini-language (`format(value, spec)`), for the values a
 * JSON variable can hold: str, int, float, bool (and bigint as int).
 *
 *   [[fill]align][sign]["z"]["#"]["0"][width][grouping]["." precision][type]
 *
 * Errors are thrown as `FormatSpecError` with Python's own message; the
 * f-string renderer turns them into `InvalidTemplateError`.
 */
import { RenderBudget } from "./budget.js";
import { PythonFloat } from "./python-float.js";
import { isPythonInt, pythonFloatRepr } from "./python-repr.js";

export class FormatSpecError extends Error {}

interface FormatSpec {
  fill: string;
  fillSpecified: boolean;
  align: "<" | ">" | "^" | "=" | undefined;
  sign: "+" | "-" | " " | undefined;
  coerceNegativeZero: boolean;
  alternate: boolean;
  width: number;
  grouping: "," | "_" | undefined;
  precision: number | undefined;
  type: string;
}

const specPattern =
  /^(?:(?<fill>[\s\S])?(?<align>[<>=^]))?(?<sign>[-+ ])?(?<z>z)?(?<alt>#)?(?<zero>0)?(?<width>\d+)?(?<grouping>[,_])?(?:\.(?<precision>\d+))?(?<type>[bcdeEfFgGnosxX%])?$/su;

function parseSpec(spec: string, typeName: string, isNumber: boolean, budget: RenderBudget): FormatSpec {
  const match = specPattern.exec(spec);
  if (!match?.groups) throw new FormatSpecError(`Invalid format specifier '${spec}' for object of type '${typeName}'`);
  const groups = match.groups;
  if (groups.precision === undefined && spec.includes(".")) {
    throw new FormatSpecError("Format specifier missing precision");
  }
  // Bounded before anything is padded: `{x:>99999999999999999999}` must not reach String.repeat.
  if (groups.width !== undefined) budget.formatWidth(Number(groups.width), "width");
  if (groups.precision !== undefined) budget.formatWidth(Number(groups.precision), "precision");
  const parsed: FormatSpec = {
    fill: groups.fill ?? " ",
    fillSpecified: groups.fill !== undefined,
    align: groups.align as FormatSpec["align"],
    sign: groups.sign as FormatSpec["sign"],
    coerceNegativeZero: groups.z !== undefined,
    alternate: groups.alt !== undefined,
    width: groups.width === undefined ? 0 : Number(groups.width),
    grouping: groups.grouping as FormatSpec["grouping"],
    precision: groups.precision === undefined ? undefined : Number(groups.precision),
    type: groups.type ?? "",
  };
  // The `0` flag: zero fill, and sign-aware (`=`) alignment for numbers unless an alignment is given.
  if (groups.zero !== undefined && !parsed.fillSpecified) {
    parsed.fill = "0";
    if (parsed.align === undefined && isNumber) parsed.align = "=";
  }
  return parsed;
}

function codePointLength(text: string): number {
  let length = 0;
  for (const _char of text) length++;
  return length;
}

function pad(body: string, prefix: string, spec: FormatSpec, defaultAlign: "<" | ">"): string {
  const length = codePointLength(prefix) + codePointLength(body);
  const padding = Math.max(0, spec.width - length);
  const align = spec.align ?? defaultAlign;
  if (padding === 0) return prefix + body;
  const fill = (count: number) => spec.fill.repeat(count);
  switch (align) {
    case "<":
      return prefix + body + fill(padding);
    case ">":
      return fill(padding) + prefix + body;
    case "^":
      return fill(Math.floor(padding / 2)) + prefix + body + fill(padding - Math.floor(padding / 2));
    case "=":
      return prefix + fill(padding) + body;
  }
}

/** Inserts `separator` every `size` digits from the right of an integer digit string. */
function group(digits: string, separator: string, size: number): string {
  let out = "";
  for (let end = digits.length; end > 0; end -= size) {
    const start = Math.max(0, end - size);
    out = digits.slice(start, end) + (out ? separator + out : "");
  }
  return out;
}

/**
 * Zero padding with grouping: Python groups the padding zeros too
 * (`format(1234, "010,")` is `00,001,234`), so the digits are widened first.
 */
function groupWithZeroPadding(intDigits: string, separator: string, size: number, minWidth: number): string {
  let digits = intDigits;
  let grouped = group(digits, separator, size);
  while (grouped.length < minWidth) {
    digits = "0" + digits;
    grouped = group(digits, separator, size);
  }
  // A separator would be the first character: Python pads with one more zero instead.
  if (grouped.startsWith(separator)) grouped = "0" + grouped;
  return grouped;
}

/** Assembles sign, prefix, grouped digits and suffix, then pads. */
function finishNumber(
  negative: boolean,
  prefix: string,
  intDigits: string,
  rest: string,
  spec: FormatSpec,
  groupSize: number,
): string {
  const signText = negative ? "-" : spec.sign === "+" ? "+" : spec.sign === " " ? " " : "";
  const head = signText + prefix;
  let grouped = intDigits;
  if (spec.grouping) {
    const zeroPadded = spec.fill === "0" && spec.align === "=";
    grouped = zeroPadded
      ? groupWithZeroPadding(intDigits, spec.grouping, groupSize, spec.width - codePointLength(head) - codePointLength(rest))
      : group(intDigits, spec.grouping, groupSize);
  }
  return pad(grouped + rest, head, spec, ">");
}

// ---- floats ---------------------------------------------------------------

/** `tail` is a rounding tie when it is a 5 followed only by zeros. */
const isTie = (tail: string) => /^50*$/.test(tail);

/**
 * `abs.toFixed(precision)` rounded like Python: correctly, half to even.
 * toFixed is exact but rounds exact ties up; 25 more digits reveal a tie.
 */
export function pythonFixed(abs: number, precision: number): string {
  if (abs >= 1e21) {
    const integer = BigInt(abs).toString();
    return precision > 0 ? `${integer}.${"0".repeat(precision)}` : integer;
  }
  const digits = Math.min(precision, 100);
  const rounded = abs.toFixed(digits);
  const longer = abs.toFixed(Math.min(100, digits + 25));
  const point = longer.indexOf(".");
  const tail = longer.slice(point + 1 + digits);
  let result = rounded;
  if (isTie(tail)) {
    const truncated = digits === 0 ? longer.slice(0, point) : longer.slice(0, point + 1 + digits);
    const lastDigit = Number(truncated.at(-1));
    if (lastDigit % 2 === 0) result = truncated;
  }
  return precision > digits ? result + "0".repeat(precision - digits) : result;
}

/** `[mantissa "d.ddd", exponent]` with `precision` digits after the point, rounded half to even. */
function exponentDigits(abs: number, precision: number): [string, number] {
  const digits = Math.min(precision, 100);
  const split = (text: string): [string, number] => {
    const [mantissa = "0", exponent = "0"] = text.split("e");
    return [mantissa, Number(exponent)];
  };
  let [mantissa, exponent] = split(abs.toExponential(digits));
  const [longMantissa, longExponent] = split(abs.toExponential(Math.min(100, digits + 25)));
  const point = longMantissa.indexOf(".");
  const tail = point < 0 ? "" : longMantissa.slice(point + 1 + digits);
  if (tail !== "" && isTie(tail)) {
    const truncated = digits === 0 ? longMantissa.slice(0, 1) : longMantissa.slice(0, point + 1 + digits);
    if (Number(truncated.at(-1)) % 2 === 0) [mantissa, exponent] = [truncated, longExponent];
  }
  if (precision > digits) mantissa += "0".repeat(precision - digits);
  return [mantissa, exponent];
}

function exponentText(exponent: number): string {
  return `e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
}

function stripTrailingZeros(text: string): string {
  if (!text.includes(".")) return text;
  return text.replace(/0+$/, "").replace(/\.$/, "");
}

/** Python's `g`; `addDotZero` is the variant used when the type is omitted but a precision given. */
function generalDigits(abs: number, precisionIn: number, alternate: boolean, addDotZero: boolean): string {
  const precision = precisionIn === 0 ? 1 : precisionIn;
  const exponent = abs === 0 ? 0 : exponentDigits(abs, precision - 1)[1];
  const useExponent = exponent < -4 || exponent >= (addDotZero ? precision - 1 : precision);
  let text: string;
  if (useExponent) {
    const [mantissa] = exponentDigits(abs, precision - 1);
    const shown = alternate ? mantissa : stripTrailingZeros(mantissa);
    text = (alternate && !shown.includes(".") ? shown + "." : shown) + exponentText(exponent);
  } else {
    const fixed = pythonFixed(abs, Math.max(0, precision - 1 - exponent));
    text = alternate ? fixed : stripTrailingZeros(fixed);
    if (alternate && !text.includes(".")) text += ".";
    if (addDotZero && !text.includes(".")) text += ".0";
  }
  return text;
}

function formatFloat(value: number, spec: FormatSpec, typeName: string): string {
  const type = spec.type;
  if (type !== "" && !"eEfFgGn%".includes(type)) {
    throw new FormatSpecError(`Unknown format code '${type}' for object of type '${typeName}'`);
  }
  const number = type === "%" ? value * 100 : value;
  let text: string;
  const abs = Math.abs(number);
  const precision = spec.precision ?? 6;
  if (!Number.isFinite(number)) {
    text = Number.isNaN(number) ? "nan" : "inf";
    if (type === "F" || type === "E" || type === "G") text = text.toUpperCase();
  } else if (type === "f" || type === "F" || type === "%") {
    text = pythonFixed(abs, precision);
    if (spec.alternate && !text.includes(".")) text += ".";
  } else if (type === "e" || type === "E") {
    const [mantissa, exponent] = exponentDigits(abs, precision);
    text = (spec.alternate && !mantissa.includes(".") ? mantissa + "." : mantissa) + exponentText(exponent);
  } else if (type === "g" || type === "G" || type === "n") {
    text = generalDigits(abs, precision, spec.alternate, false);
  } else if (spec.precision === undefined) {
    text = pythonFloatRepr(abs);
    // The alternate form always shows the point: 1e-07 → 1.e-07.
    if (spec.alternate && !text.includes(".")) text = text.replace(/(e|$)/, ".$1");
  } else {
    text = generalDigits(abs, spec.precision, spec.alternate, true);
  }
  if (type === "E" || type === "G") text = text.toUpperCase();
  let negative = number < 0 || Object.is(number, -0);
  if (negative && spec.coerceNegativeZero && /^[0.]*(?:e[-+]\d+)?$/i.test(text)) negative = false;
  if (Number.isNaN(number)) negative = false;
  const suffix = type === "%" ? "%" : "";
  const point = text.search(/[.eE]|inf|nan|INF|NAN/);
  const intPart = point < 0 ? text : text.slice(0, point);
  const rest = (point < 0 ? "" : text.slice(point)) + suffix;
  if (spec.grouping && type === "n") throw new FormatSpecError(`Cannot specify '${spec.grouping}' with 'n'.`);
  return finishNumber(negative, "", intPart, rest, spec, 3);
}

// ---- integers -------------------------------------------------------------

function formatInteger(value: bigint, spec: FormatSpec, typeName: string): string {
  const type = spec.type;
  if (type !== "" && "eEfFgG%".includes(type)) return formatFloat(Number(value), spec, typeName);
  if (type !== "" && !"bcdoxXn".includes(type)) {
    throw new FormatSpecError(`Unknown format code '${type}' for object of type '${typeName}'`);
  }
  if (spec.precision !== undefined) throw new FormatSpecError("Precision not allowed in integer format specifier");
  if (spec.coerceNegativeZero) throw new FormatSpecError("Negative zero coercion (z) not allowed in integer format specifier");
  if (type === "c") {
    if (spec.grouping) throw new FormatSpecError(`Cannot specify '${spec.grouping}' with 'c'.`);
    if (spec.sign) throw new FormatSpecError("Sign not allowed with integer format specifier 'c'");
    if (spec.alternate) throw new FormatSpecError("Alternate form (#) not allowed with integer format specifier 'c'");
    if (value < 0n || value > 0x10ffffn) throw new FormatSpecError("%c arg not in range(0x110000)");
    return pad(String.fromCodePoint(Number(value)), "", spec, ">");
  }
  const radix = type === "b" ? 2 : type === "o" ? 8 : type === "x" || type === "X" ? 16 : 10;
  if (spec.grouping && (type === "n" || (spec.grouping === "," && radix !== 10))) {
    throw new FormatSpecError(`Cannot specify '${spec.grouping}' with '${type}'.`);
  }
  const negative = value < 0n;
  let digits = (negative ? -value : value).toString(radix);
  if (type === "X") digits = digits.toUpperCase();
  const prefix = spec.alternate && radix !== 10 ? `0${type === "X" ? "X" : type}` : "";
  return finishNumber(negative, prefix, digits, "", spec, radix === 10 ? 3 : 4);
}

// ---- strings --------------------------------------------------------------

function formatString(value: string, spec: FormatSpec): string {
  if (spec.type !== "" && spec.type !== "s") {
    throw new FormatSpecError(`Unknown format code '${spec.type}' for object of type 'str'`);
  }
  if (spec.sign) throw new FormatSpecError("Sign not allowed in string format specifier");
  if (spec.coerceNegativeZero) throw new FormatSpecError("Negative zero coercion (z) not allowed in string format specifier");
  if (spec.alternate) throw new FormatSpecError("Alternate form (#) not allowed in string format specifier");
  if (spec.align === "=") throw new FormatSpecError("'=' alignment not allowed in string format specifier");
  if (spec.grouping) throw new FormatSpecError(`Cannot specify '${spec.grouping}' with 's'.`);
  const text = spec.precision === undefined ? value : Array.from(value).slice(0, spec.precision).join("");
  return pad(text, "", spec, "<");
}

/**
 * `format(value, spec)` for a value already taken from the variables. `value`
 * is a string, number, boolean or bigint; other values are formatted by the
 * caller (Python's `object.__format__` rejects any non-empty spec for them).
 */
export function formatWithSpec(
  given: string | number | boolean | bigint | PythonFloat,
  spec: string,
  budget: RenderBudget = new RenderBudget(),
): string {
  // A float that Python sent with an integral value formats as a float, never as an int.
  const isFloat = given instanceof PythonFloat;
  const value = given instanceof PythonFloat ? given.value : given;
  if (typeof value === "string") {
    const parsed = parseSpec(spec, "str", false, budget);
    return formatString(value, parsed);
  }
  if (typeof value === "boolean" || typeof value === "bigint" || (typeof value === "number" && !isFloat && isPythonInt(value))) {
    const typeName = typeof value === "boolean" ? "bool" : "int";
    const parsed = parseSpec(spec, typeName, true, budget);
    return formatInteger(BigInt(value), parsed, typeName);
  }
  const parsed = parseSpec(spec, "float", true, budget);
  if (parsed.type !== "" && "bcdoxX".includes(parsed.type)) {
    throw new FormatSpecError(`Unknown format code '${parsed.type}' for object of type 'float'`);
  }
  return formatFloat(value, parsed, "float");
}
