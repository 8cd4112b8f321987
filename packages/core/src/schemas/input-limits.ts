import { z } from "zod";

/**
 * The size limits every route of both APIs applies to what callers store
 * (and what the SDK could check before shipping): one table, so a label or a
 * tag list that one route refuses is not accepted by another. Sizes are in
 * UTF-16 code units (JavaScript string length).
 */
export const inputLimits = {
  /** Prompt names (and a snippet's or a log record's prompt name). */
  promptNameLength: 512,
  /** Release label names. */
  labelLength: 256,
  /** Tags on a prompt or a log record, and each tag's length. */
  tags: 100,
  tagLength: 256,
  /** A log record's metadata (and a track-metadata call): keys, key length, value length. */
  metadataKeys: 100,
  metadataKeyLength: 256,
  metadataValueLength: 10_000,
  /** Input variables of a render or a log record: how many, and each name's length (values are bounded by the body size). */
  inputVariables: 1_000,
  inputVariableNameLength: 256,
  /** Commit messages. */
  commitMessageLength: 10_000,
  /** Release labels named in one publish. */
  releaseLabelsPerPublish: 50,
  /** Nesting of arrays and objects in any JSON body: deeper bodies are refused before any recursive walk. */
  jsonDepth: 100,
} as const;

export const labelNameSchema = z.string().min(1).max(inputLimits.labelLength);

export const tagSchema = z.string().max(inputLimits.tagLength);
export const tagsSchema = z.array(tagSchema).max(inputLimits.tags);

const keyCount = (limit: number, what: string) => (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
  const count = Object.keys(value).length;
  if (count > limit) ctx.addIssue({ code: "custom", message: `Too many ${what}: ${count} (at most ${limit}).` });
};

/** Log metadata: string to string, as PromptLayer requires. */
export const logMetadataSchema = z
  .record(z.string().max(inputLimits.metadataKeyLength), z.string().max(inputLimits.metadataValueLength))
  .superRefine(keyCount(inputLimits.metadataKeys, "metadata keys"));

/**
 * Metadata as PromptLayer's clients send it, any JSON per value (kept as its
 * JSON text): the same limits, counted on the text that will be stored.
 */
export const looseMetadataSchema = z
  .record(z.string().max(inputLimits.metadataKeyLength), z.unknown())
  .superRefine(keyCount(inputLimits.metadataKeys, "metadata keys"))
  .superRefine((value, ctx) => {
    for (const [key, item] of Object.entries(value)) {
      const text = typeof item === "string" ? item : JSON.stringify(item);
      if (text !== undefined && text.length > inputLimits.metadataValueLength) {
        ctx.addIssue({ code: "custom", path: [key], message: `Too long: at most ${inputLimits.metadataValueLength} characters.` });
      }
    }
  });

/** Input variables: any JSON values under bounded names. */
export const inputVariablesSchema = z
  .record(z.string().max(inputLimits.inputVariableNameLength), z.unknown())
  .superRefine(keyCount(inputLimits.inputVariables, "input variables"));

/**
 * Nesting deeper than `jsonDepth` anywhere in `text` (a JSON document), found
 * without parsing it. Strings are skipped with `indexOf` (native), so the
 * cost is in the structure, not the text: about what `JSON.parse` costs.
 */
export function jsonDepthExceeds(text: string, maxDepth: number = inputLimits.jsonDepth): boolean {
  let depth = 0;
  let index = 0;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === 34 /* " */) {
      let end = text.indexOf('"', index + 1);
      // A quote after an odd number of backslashes is escaped: look further.
      while (end !== -1 && escapedAt(text, end)) end = text.indexOf('"', end + 1);
      if (end === -1) return false; // unterminated: the parse refuses it
      index = end + 1;
      continue;
    }
    if (code === 123 /* { */ || code === 91 /* [ */) {
      if (++depth > maxDepth) return true;
    } else if (code === 125 /* } */ || code === 93 /* ] */) depth--;
    index++;
  }
  return false;
}

function escapedAt(text: string, index: number): boolean {
  let backslashes = 0;
  for (let at = index - 1; at >= 0 && text.charCodeAt(at) === 92; at--) backslashes++;
  return backslashes % 2 === 1;
}
