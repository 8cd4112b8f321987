/**
 * Finds the string value of one top-level field (`api_key`) in a JSON text
 * fed in pieces, without parsing or keeping the rest: PromptLayer's clients
 * put their key in the body of a few routes, and the key must be checked
 * before the body is kept and parsed. Anything it can't read as
 * `{"api_key": "…", …}` simply yields no key (the caller answers 401); the
 * real parse comes after, with the key verified.
 */
export class TopLevelFieldScanner {
  /** The field's value once seen; `undefined` until then (or when it isn't a string). */
  value: string | undefined;
  /** True once the scanner can say no more: the value was found, or the text is not an object. */
  done = false;
  /** Characters read so far (up to the end of the value, once found). */
  offset = 0;

  readonly #field: string;
  #started = false;
  #depth = 0;
  #inString = false;
  #escape = false;
  /** Raw text (escapes kept) of the string being read at depth 1; undefined when not captured or too long. */
  #raw: string | undefined;
  /** What comes next inside the top-level object. */
  #expect: "key" | "colon" | "value" | "comma" = "key";
  /** The key of the member being read (undefined when too long or malformed). */
  #key: string | undefined;

  /** Longest key or value captured: a longer one can't be the field or a key. */
  static readonly maxCapture = 1024;

  constructor(field: string) {
    this.#field = field;
  }

  feed(text: string): void {
    let index = 0;
    while (index < text.length && !this.done) {
      if (this.#inString) {
        index = this.#readString(text, index);
        continue;
      }
      if (this.#depth > 1) {
        index = this.#skipNested(text, index);
        continue;
      }
      this.offset++;
      this.#step(text[index]!);
      index++;
    }
  }

  /**
   * Reads string content from `start` up to its closing quote (or the end of
   * this piece) in one pass, keeping it as one slice: stepping and
   * concatenating character by character cost as much as parsing the body.
   * Returns where reading stopped (after the closing quote, if reached).
   */
  #readString(text: string, start: number): number {
    let index = start;
    while (index < text.length) {
      const code = text.charCodeAt(index);
      if (this.#escape) this.#escape = false;
      else if (code === 92 /* \\ */) this.#escape = true;
      else if (code === 34 /* " */) break;
      index++;
    }
    this.offset += index - start;
    if (this.#raw !== undefined && index > start) {
      this.#raw = this.#raw.length + (index - start) <= TopLevelFieldScanner.maxCapture ? this.#raw + text.slice(start, index) : undefined;
    }
    if (index === text.length) return index;
    this.offset++;
    this.#endString();
    return index + 1;
  }

  /** Inside a nested value only strings and brackets matter: skipped in one pass up to a string, or back to the top level. */
  #skipNested(text: string, start: number): number {
    let index = start;
    while (index < text.length) {
      const code = text.charCodeAt(index);
      if (code === 34 /* " */) {
        this.#inString = true;
        this.#raw = undefined;
        index++;
        break;
      }
      index++;
      if (code === 123 /* { */ || code === 91 /* [ */) this.#depth++;
      else if ((code === 125 /* } */ || code === 93) /* ] */ && --this.#depth === 1) break;
    }
    this.offset += index - start;
    return index;
  }

  #step(char: string): void {
    if (char === " " || char === "\n" || char === "\r" || char === "\t") return;
    if (!this.#started) {
      this.#started = true;
      if (char !== "{") this.done = true;
      this.#depth = 1;
      return;
    }
    if (char === '"') {
      this.#inString = true;
      this.#raw = this.#depth === 1 ? "" : undefined;
      return;
    }
    if (char === "{" || char === "[") {
      if (this.#depth === 1) this.#expect = "comma"; // a value that is not a string
      this.#depth++;
    } else if (char === "}" || char === "]") {
      if (--this.#depth === 0) this.done = true;
    } else if (this.#depth === 1) {
      if (char === ":") this.#expect = this.#expect === "colon" ? "value" : "comma";
      else if (char === ",") this.#expect = "key";
      else this.#expect = "comma"; // a number or a literal
    }
  }

  #endString(): void {
    this.#inString = false;
    if (this.#depth !== 1) return;
    const text = this.#raw === undefined ? undefined : decodeJsonString(this.#raw);
    if (this.#expect === "key") {
      this.#key = text;
      this.#expect = "colon";
    } else if (this.#expect === "value") {
      if (this.#key === this.#field && text !== undefined) {
        this.value = text;
        this.done = true;
      }
      this.#expect = "comma";
    } else {
      this.#expect = "comma";
    }
  }
}

// eslint-disable-next-line no-control-regex -- control characters are what must go through the real decoder
const needsDecoding = /[\\\u0000-\u001f]/;

function decodeJsonString(raw: string): string | undefined {
  // Without an escape or a control character (which JSON refuses raw), the text is the string itself.
  if (!needsDecoding.test(raw)) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return undefined;
  }
}
