import { InvalidRequestError, inputLimits, jsonDepthExceeds, parseMarkedFloatsOnly } from "@promptline/core";
import type { Context, MiddlewareHandler } from "hono";
import type { z } from "zod";
import { hasRoute } from "./has-route.js";
import { readBodyText } from "./request-body.js";

const bodyKey = "promptline.json-body";
const bodyTextKey = "promptline.json-body-text";

/** NUL and unpaired surrogates: PostgreSQL refuses them (a 500), and SQLite would store what PostgreSQL can't. */
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const unstorable = /[\u0000\ud800-\udfff]/u;
/** A raw NUL, or a JSON escape of a NUL or of a surrogate (false positives only cost the walk). */
// eslint-disable-next-line no-control-regex -- a raw NUL is one of the cases
const mayHoldUnstorable = /\u0000|\\u0000|\\u[dD][89a-fA-F]/;

/** Where the first string (or object key) holding text no database can store as given is, if any: `messages[0].content`, `the body`. */
function unstorableAt(value: unknown, path: string): string | undefined {
  const here = path || "the body";
  if (typeof value === "string") return unstorable.test(value) ? here : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = unstorableAt(item, `${path}[${index}]`);
      if (found !== undefined) return found;
    }
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (unstorable.test(key)) return `a key of ${here}`;
      const found = unstorableAt(item, path ? `${path}.${key}` : key);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

const unstorableMessage = (where: string) =>
  `${where} holds a NUL character (U+0000) or an unpaired surrogate, which cannot be stored: remove it or replace it (with U+FFFD).`;

/**
 * The request's JSON body, read once per request and cached on the context
 * (the auth middleware may need `api_key` from it before the route does).
 * An empty body is `{}`: PromptLayer's SDK sends none for a plain template fetch.
 */
export async function readJson(c: Context): Promise<unknown> {
  const cached: unknown = c.get(bodyKey as never);
  if (cached !== undefined) return cached;
  const text = await readBodyText(c);
  const value = parseJsonBody(text);
  c.set(bodyKey as never, value as never);
  c.set(bodyTextKey as never, text as never);
  return value;
}

/**
 * A request body's text as JSON, refused (400) as `readJson` refuses it: too
 * deep, not JSON, or holding text no database can store. Blank text is `{}`.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === "") return {};
  // Checked on the text: parsing is iterative, but every later walk of the value (validation, storage) is recursive.
  if (jsonDepthExceeds(text)) {
    throw new InvalidRequestError(`The request body nests arrays and objects more than ${inputLimits.jsonDepth} levels deep.`, ["body"]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidRequestError("The request body is not valid JSON.");
  }
  // Such text can only come from a raw NUL or a `\u0000`/`\uD8xx` escape: test the text once, walk the body only then.
  const found = mayHoldUnstorable.test(text) ? unstorableAt(value, "") : undefined;
  if (found !== undefined) throw new InvalidRequestError(unstorableMessage(`In the request body, ${found}`), [found]);
  return value;
}

/**
 * One field of the body as its client wrote it: numbers written as floats
 * with integral values (`10.0`, what Python sends for a float) stay floats
 * (`PythonFloat`), which `JSON.parse` can't tell from ints. For rendering
 * input variables as PromptLayer's Python server does. Undefined when the
 * body was not read or lacks the field.
 */
export function bodyFieldAsWritten(c: Context, field: string): unknown {
  const text: unknown = c.get(bodyTextKey as never);
  return typeof text === "string" ? fieldAsWritten(text, field) : undefined;
}

/** `bodyFieldAsWritten` of a body's text. */
export function fieldAsWritten(text: string, field: string): unknown {
  if (text.trim() === "") return undefined;
  // Usually nothing to mark: then the body already parsed is the answer (undefined here).
  const parsed = parseMarkedFloatsOnly(text)?.value;
  return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>)[field] : undefined;
}

/**
 * Reads a write's body before the route runs, so malformed JSON is a 400 on
 * every route, including those that ignore their body (`/create-group`):
 * nothing is changed on the strength of a body we couldn't read. Text no
 * database can store (NUL, unpaired surrogates), in the body or the URL, is a
 * 400 on both databases alike, not a 500 on PostgreSQL only.
 */
export const requireJsonBody: MiddlewareHandler = async (c, next) => {
  // A NUL in the path or the query would reach a database query the same way (URLs can't carry a surrogate alone).
  if (/%00/.test(c.req.url)) throw new InvalidRequestError(unstorableMessage("The URL"), ["url"]);
  const write = c.req.method === "POST" || c.req.method === "PUT" || c.req.method === "PATCH";
  if (write && hasRoute(c)) await readJson(c);
  await next();
};

/** The JSON body validated against a schema; a mismatch lists every problem with its path. */
export async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  return parseWith(schema, await readJson(c), "body");
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => `${issue.path.length ? issue.path.join(".") : what}: ${issue.message}`);
  throw new InvalidRequestError(`Invalid ${what}: ${issues.join("; ")}`, issues);
}
