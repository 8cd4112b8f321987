import { InvalidRequestError } from "@promptline/core";
import type { Context } from "hono";
import type { z } from "zod";

const bodyKey = "promptline.json-body";

/**
 * The request's JSON body, read once per request and cached on the context
 * (the auth middleware may need `api_key` from it before the route does).
 * An empty body is `{}`: PromptLayer's SDK sends none for a plain template fetch.
 */
export async function readJson(c: Context): Promise<unknown> {
  const cached: unknown = c.get(bodyKey as never);
  if (cached !== undefined) return cached;
  const text = await c.req.text();
  let value: unknown = {};
  if (text.trim() !== "") {
    try {
      value = JSON.parse(text);
    } catch {
      throw new InvalidRequestError("The request body is not valid JSON.");
    }
  }
  c.set(bodyKey as never, value as never);
  return value;
}

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
