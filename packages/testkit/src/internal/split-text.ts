/**
 * Splits text into stream deltas. `events` gives that many near-equal parts, `chunkSize` fixed-size
 * parts; by default each word travels with its leading space, as real tokenised streams do.
 * Splits on code points, so no surrogate pair is ever cut in two.
 */
export function splitText(text: string, options: { chunkSize?: number; events?: number } = {}): string[] {
  if (text === "") return [];
  const characters = Array.from(text);
  if (options.events !== undefined && options.events > 0) {
    const count = Math.min(options.events, characters.length);
    const parts: string[] = [];
    for (let index = 0; index < count; index++) {
      const start = Math.floor((index * characters.length) / count);
      const end = Math.floor(((index + 1) * characters.length) / count);
      parts.push(characters.slice(start, end).join(""));
    }
    return parts;
  }
  if (options.chunkSize !== undefined && options.chunkSize > 0) {
    const parts: string[] = [];
    for (let start = 0; start < characters.length; start += options.chunkSize) {
      parts.push(characters.slice(start, start + options.chunkSize).join(""));
    }
    return parts;
  }
  return text.match(/\s*\S+|\s+/gu) ?? [text];
}
