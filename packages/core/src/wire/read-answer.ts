import type { z } from "zod";
import { UnexpectedResponseError } from "../errors/promptline-error.js";

/** `["version", "messages", 0, "role"]` → `version.messages[0].role`. */
export function issuePath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const key of path) {
    if (typeof key === "number") text += `[${key}]`;
    else text += text ? `.${String(key)}` : String(key);
  }
  return text;
}

/**
 * Reads a server's answer through its wire schema (decision 0015): unknown
 * fields pass (the schemas are loose), a wrong or missing field is one
 * `UnexpectedResponseError` naming `route` and the field's path. The body is
 * returned as sent (the answer schemas check, they never fill in defaults or
 * transform), so its key order and unknown fields stay as the server wrote them.
 *
 * @example
 * const stored = readAnswer(templateAnswerBody, "GET /api/v1/prompts/{name}/template", await response.json());
 */
export function readAnswer<Schema extends z.ZodType>(schema: Schema, route: string, body: unknown): z.output<Schema> {
  const result = schema.safeParse(body);
  if (result.success) return body as z.output<Schema>;
  throw new UnexpectedResponseError(
    route,
    result.error.issues.map((issue) => ({ path: issuePath(issue.path), message: issue.message })),
  );
}
