import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TopLevelFieldScanner } from "./body-key-scanner.js";

/** What the scanner says after `pieces`, fed in order. */
function scan(pieces: readonly string[]) {
  const scanner = new TopLevelFieldScanner("api_key");
  for (const piece of pieces) scanner.feed(piece);
  return { value: scanner.value, done: scanner.done, offset: scanner.offset };
}

/** `text` cut before each index in `cuts`. */
function cut(text: string, cuts: readonly number[]): string[] {
  const at = [...new Set(cuts.map((index) => index % (text.length + 1)))].sort((a, b) => a - b);
  return [0, ...at].map((start, index) => text.slice(start, at[index] ?? text.length)).filter((piece) => piece !== "");
}

describe("TopLevelFieldScanner", () => {
  it("finds a top-level api_key, decoding its escapes, and stops right after it", () => {
    const body = '{"kwargs":{"api_key":"nested","messages":[{"content":"a \\"quoted\\" {text}"}]},"api_key":"k\\u0065y\\\\1","tags":["x"]}';
    const end = body.indexOf('"tags"') - 1;
    expect(scan([body])).toEqual({ value: "key\\1", done: true, offset: end });
  });

  it("yields no key for a non-string value, a key only nested, or a value JSON refuses raw", () => {
    expect(scan(['{"api_key":12,"b":"c"}'])).toEqual({ value: undefined, done: true, offset: 22 });
    expect(scan(['{"a":{"api_key":"k"}}'])).toMatchObject({ value: undefined, done: true });
    expect(scan(['{"api_key":"k\ney"}'])).toMatchObject({ value: undefined, done: true });
    expect(scan(['["api_key","k"]'])).toMatchObject({ value: undefined, done: true });
  });

  it("says the same however the body is cut into pieces", () => {
    const part = fc.constantFrom('"api_key"', ":", '"k\\"y"', '"\\\\"', ",", "{", "}", "[", "]", "1", " ", '"é😀"', '"\\u0061pi_key"', '"t\tab"', '"x"');
    fc.assert(
      fc.property(fc.array(part, { maxLength: 14 }), fc.array(fc.nat(), { maxLength: 8 }), (parts, cuts) => {
        const text = `{${parts.join("")}`;
        expect(scan(cut(text, cuts))).toEqual(scan([text]));
        expect(scan([...text])).toEqual(scan([text]));
      }),
      { numRuns: 2000 },
    );
  });
});
