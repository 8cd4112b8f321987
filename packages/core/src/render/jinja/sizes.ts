import type { RuntimeValue } from "./engine.js";

// Sizes of what an operation would build, computed before it is built (and given up once over a cap).

export const isList = (value: RuntimeValue) => value.type === "ArrayValue" || value.type === "TupleValue";
export const isMapping = (value: RuntimeValue) =>
  value.type === "ObjectValue" || value.type === "KeywordArgumentsValue" || value.type === "NamespaceValue";

/**
 * About how many characters `value` prints as (str, repr, JSON, join; each
 * item of a list or dict `perItem` more, for tojson's indent), walked without
 * recursion and given up once over `cap`: a size to check before building.
 */
export function printedSize(value: RuntimeValue, cap: number, indent = 0): number {
  if (value.type === "StringValue") return (value.value as string).length;
  let size = 0;
  const stack: Iterator<RuntimeValue>[] = [];
  const add = (item: RuntimeValue) => {
    const perItem = 2 + (indent === 0 ? 0 : 1 + indent * (stack.length + 1));
    if (item.type === "StringValue") size += (item.value as string).length + 2;
    else if (isList(item)) {
      const items = item.value as RuntimeValue[];
      size += 2 + perItem * items.length;
      stack.push(items[Symbol.iterator]());
    } else if (isMapping(item)) {
      const entries = item.value as Map<string, RuntimeValue>;
      size += 2 + (perItem + 2) * entries.size;
      for (const key of entries.keys()) size += key.length + 2;
      stack.push(entries.values());
    } else size += 24;
  };
  add(value);
  while (stack.length > 0 && size <= cap) {
    const next = (stack[stack.length - 1] as Iterator<RuntimeValue>).next();
    if (next.done) stack.pop();
    else add(next.value);
  }
  return size;
}

/** How often `part` occurs in `text`, counting no further than `cap + 1`. */
export function countOccurrences(text: string, part: string, cap: number): number {
  let count = 0;
  for (let index = text.indexOf(part); index >= 0 && count <= cap; index = text.indexOf(part, index + part.length)) count++;
  return count;
}

/** The number of items `text.split(sep, maxsplit)` will make (at most `cap + 1`), counted before splitting. */
export function splitCount(text: string, args: RuntimeValue[], cap: number): number {
  const [sep, maxsplit] = args;
  let count: number;
  if (sep?.type === "StringValue" && sep.value !== "") count = countOccurrences(text, sep.value as string, cap) + 1;
  else {
    count = 0;
    const words = /\S+/g;
    while (count <= cap && words.exec(text)) count++;
  }
  if (maxsplit?.type === "IntegerValue" && (maxsplit.value as number) >= 0) count = Math.min(count, (maxsplit.value as number) + 1);
  return count;
}

/** The length `text.replace(old, new, count)` will have (or more than `cap`), computed before replacing. */
export function replacedLength(text: string, args: RuntimeValue[], cap: number): number {
  const [old, replacement, third] = args;
  if (old?.type !== "StringValue" || replacement?.type !== "StringValue") return text.length;
  const growth = (replacement.value as string).length - (old.value as string).length;
  if (growth <= 0) return text.length;
  const countValue = third?.type === "KeywordArgumentsValue" ? (third.value as Map<string, RuntimeValue>).get("count") : third;
  const most = countValue?.type === "IntegerValue" && (countValue.value as number) >= 0 ? (countValue.value as number) : Infinity;
  const needed = Math.ceil((cap - text.length) / growth) + 1;
  const found = old.value === "" ? text.length + 1 : countOccurrences(text, old.value as string, needed);
  return text.length + Math.min(found, most) * growth;
}
