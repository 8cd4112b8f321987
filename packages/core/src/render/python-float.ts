/**
 * Numbers as Python wrote them. A Python client sends `10.0` for a float with
 * an integral value; `JSON.parse` turns it into `10`, which renders as the
 * int `10` where Python prints `10.0`. `PythonFloat` carries such a value
 * through rendering as a float, and `parseJsonMarkingFloats` makes them from
 * the JSON text. Only integral values need it: any other float is a float in
 * JavaScript too.
 */

/** A float whose value happens to be integral (`10.0`, `1e3`): renders as Python's float. */
export class PythonFloat {
  constructor(readonly value: number) {
    Object.freeze(this);
  }

  /** Stored and sent on as the number it is. */
  toJSON(): number {
    return this.value;
  }
}

/** A NUL can't occur in an accepted body (the server refuses it), so no caller string can look like this. */
const sentinel = "\u0000pyfloat:";
const numberToken = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
/** A cheap first look: a digit followed by `.` or an exponent somewhere in the text. */
const mayHoldFloat = /[0-9](?:\.|[eE])/;

/**
 * `JSON.parse`, except that numbers written as floats with integral values
 * (`10.0`, `-2.50e1`, `1E3`) become `PythonFloat`s. Linear in the text: one
 * scan that rewrites such tokens into marked strings, then `JSON.parse` with
 * a reviver. Invalid JSON throws as `JSON.parse` does.
 */
export function parseJsonMarkingFloats(text: string): unknown {
  const marked = parseMarkedFloatsOnly(text);
  return marked === undefined ? JSON.parse(text) : marked.value;
}

/**
 * `parseJsonMarkingFloats` for a caller that already has `JSON.parse(text)`:
 * undefined when the text holds no float with an integral value (the usual
 * case, decided by the scan alone), else the value with them marked.
 */
export function parseMarkedFloatsOnly(text: string): { value: unknown } | undefined {
  if (!mayHoldFloat.test(text) || text.includes("\u0000") || text.includes("\\u0000")) return undefined;
  let out = "";
  let copiedUpTo = 0;
  let index = 0;
  let marked = false;
  while (index < text.length) {
    const char = text[index]!;
    if (char === '"') {
      // Skip the string, escapes included.
      index++;
      while (index < text.length && text[index] !== '"') index += text[index] === "\\" ? 2 : 1;
      index++;
      continue;
    }
    if (char === "-" || (char >= "0" && char <= "9")) {
      numberToken.lastIndex = index;
      const match = numberToken.exec(text);
      // Not JSON: let JSON.parse say so.
      if (!match) return { value: JSON.parse(text) };
      const token = match[0];
      const value = Number(token);
      if (/[.eE]/.test(token) && Number.isInteger(value)) {
        out += `${text.slice(copiedUpTo, index)}"\\u0000pyfloat:${token}"`;
        copiedUpTo = index + token.length;
        marked = true;
      }
      index += token.length;
      continue;
    }
    index++;
  }
  if (!marked) return undefined;
  out += text.slice(copiedUpTo);
  return {
    value: JSON.parse(out, (_key, value: unknown) =>
      typeof value === "string" && value.startsWith(sentinel) ? new PythonFloat(Number(value.slice(sentinel.length))) : value,
    ),
  };
}
