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
    for (let index = 0; index < text.length && !this.done; index++) {
      this.offset++;
      this.#step(text[index]!);
    }
  }

  #step(char: string): void {
    if (this.#inString) {
      if (this.#escape) this.#escape = false;
      else if (char === "\\") this.#escape = true;
      else if (char === '"') return this.#endString();
      if (this.#raw !== undefined) this.#raw = this.#raw.length < TopLevelFieldScanner.maxCapture ? this.#raw + char : undefined;
      return;
    }
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

function decodeJsonString(raw: string): string | undefined {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return undefined;
  }
}
