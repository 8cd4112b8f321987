import { UnauthorizedError } from "@promptline/core";
import type { Context, MiddlewareHandler } from "hono";
import type { ApiKeyRecord, Storage } from "../storage/index.js";
import { hasRoute } from "./has-route.js";
import { readJson } from "./read-json.js";
import { requestHeader } from "./request-body.js";

/** What the auth middleware leaves on the context for the routes. */
export interface AuthVariables {
  apiKey: ApiKeyRecord;
  workspaceId: number;
}

/**
 * The caller's API key: the `X-API-KEY` header (or `Authorization: Bearer`),
 * else `api_key` in the JSON body, which is where PromptLayer's SDK puts it
 * on `/track-request`, the `library-track-*` routes and `/create-group`.
 */
async function presentedKey(c: Context): Promise<string | undefined> {
  const header = requestHeader(c, "x-api-key") ?? requestHeader(c, "authorization")?.replace(/^Bearer\s+/i, "");
  if (header?.trim()) return header.trim();
  if (c.req.method === "GET" || c.req.method === "DELETE" || c.req.method === "HEAD") return undefined;
  const body = await readJson(c);
  if (typeof body === "object" && body !== null && "api_key" in body) {
    const key = (body as { api_key?: unknown }).api_key;
    if (typeof key === "string" && key.trim()) return key.trim();
  }
  return undefined;
}

/**
 * Resolves the key to its workspace on every request (from the registry
 * cache, which checks the workspace's revision each time, so a revocation
 * takes effect at once). Wrong and missing keys get the same 401,
 * which never says which keys exist. A path no route serves goes on to the
 * JSON 404, key or no key.
 */
export function requireApiKey(
  storage: Storage,
  /** The dashboard's session cookie, tried when no key is presented (see `session.ts`). */
  fromSession?: (c: Context) => Promise<ApiKeyRecord | undefined>,
): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    if (!hasRoute(c)) return next();
    const plaintext = await presentedKey(c);
    const key = plaintext === undefined ? await fromSession?.(c) : await storage.apiKeys.findByPlaintext(plaintext);
    if (!key) throw new UnauthorizedError();
    c.set("apiKey", key);
    c.set("workspaceId", key.workspace_id);
    await next();
  };
}
