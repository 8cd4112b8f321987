import { UnauthorizedError } from "@promptline/core";
import type { Context, MiddlewareHandler } from "hono";
import type { ApiKeyRecord, Storage } from "../storage/index.js";
import { hasRoute } from "./has-route.js";
import { clientAddress, type KeyThrottle } from "./key-throttle.js";
import { TopLevelFieldScanner } from "./body-key-scanner.js";
import { bodyLimit, readBodyText, requestHeader } from "./request-body.js";
import { PayloadTooLargeError } from "./route-errors.js";

/** What the auth middleware leaves on the context for the routes. */
export interface AuthVariables {
  apiKey: ApiKeyRecord;
  workspaceId: number;
}

/** The key in the `X-API-KEY` header (or `Authorization: Bearer`), if any. */
function headerKey(c: Context): string | undefined {
  return keyFromHeaders((name) => requestHeader(c, name));
}

/** `headerKey` from a header lookup (lower-case names): shared with the node:http front (`template-fetch-front.ts`). */
export function keyFromHeaders(header: (name: string) => string | undefined): string | undefined {
  const value = header("x-api-key") ?? header("authorization")?.replace(/^Bearer\s+/i, "");
  return value?.trim() || undefined;
}

/** Where a route may take its key from the body (PromptLayer's `api_key`), and how much of a body is read before the key. */
export interface BodyKeyOptions {
  /** True for the routes whose clients put `api_key` in the JSON body (PromptLayer's track routes). */
  takesKeyInBody: (c: Context) => boolean;
  /** Bytes of such a body read while its key is still unchecked. Default 1 MiB. */
  maxBytesBeforeKey?: number;
}

export const defaultMaxBytesBeforeKey = 1024 * 1024;

/**
 * The key of a body-key route, checked as the body streams in: a wrong key
 * is refused the moment its value has arrived, and a body whose key has not
 * come within `maxBytesBeforeKey` is refused, so an unauthenticated caller
 * can't make the server keep (or parse) more than that. Once the key is
 * valid the rest of the body is read up to the route's usual limit.
 */
async function keyFromBody(c: Context, lookUp: (plaintext: string) => Promise<ApiKeyRecord | undefined>, maxBytesBeforeKey: number): Promise<ApiKeyRecord | undefined> {
  const fullLimit = bodyLimit(c);
  const scanner = new TopLevelFieldScanner("api_key");
  const decoder = new TextDecoder();
  let key: ApiKeyRecord | undefined;
  await readBodyText(c, {
    maxBytes: Math.min(maxBytesBeforeKey, fullLimit),
    onChunk: async (chunk, control) => {
      if (scanner.done) return;
      scanner.feed(decoder.decode(chunk, { stream: true }));
      if (scanner.value === undefined && scanner.done) throw new UnauthorizedError();
      // Characters, not bytes, where the key ended: never more than the bytes, and the same however the body was cut.
      const position = scanner.value === undefined ? control.size : scanner.offset;
      if (position > maxBytesBeforeKey) throw new PayloadTooLargeError(maxBytesBeforeKey, beforeKeyHint);
      if (scanner.value === undefined) return;
      key = await lookUp(scanner.value.trim());
      if (!key) throw new UnauthorizedError();
      control.setLimit(fullLimit);
    },
  });
  return key;
}

const beforeKeyHint = "the api_key field must come within that many bytes of a body; send the key in the X-API-KEY header for larger bodies";

/**
 * Resolves the key to its workspace on every request (from the registry
 * cache, which checks the workspace's revision each time, so a revocation
 * takes effect at once). Wrong and missing keys get the same 401,
 * which never says which keys exist. A path no route serves goes on to the
 * JSON 404, key or no key.
 *
 * The key is checked before the body is read: from the header, else from the
 * dashboard's session cookie; only the routes that take `api_key` in the body
 * read (a bounded part of) the body to find it.
 */
export function requireApiKey(
  storage: Storage,
  /** The dashboard's session cookie, tried when no key is presented (see `session.ts`). */
  fromSession?: (c: Context) => Promise<ApiKeyRecord | undefined>,
  bodyKeys?: BodyKeyOptions,
  /** Told of every authenticated key (its last use is recorded, see `key-usage.ts`). */
  onAuthenticated?: (key: ApiKeyRecord) => void,
  /** Holds back wrong keys per client address (`key-throttle.ts`). */
  throttle?: KeyThrottle,
): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    if (!hasRoute(c)) return next();
    const lookUp = keyLookUp(storage, throttle, c);
    const plaintext = headerKey(c);
    let key = plaintext === undefined ? await fromSession?.(c) : await lookUp(plaintext);
    if (!key && plaintext === undefined && bodyKeys?.takesKeyInBody(c)) {
      key = await keyFromBody(c, lookUp, bodyKeys.maxBytesBeforeKey ?? defaultMaxBytesBeforeKey);
    }
    if (!key) throw new UnauthorizedError();
    onAuthenticated?.(key);
    c.set("apiKey", key);
    c.set("workspaceId", key.workspace_id);
    await next();
  };
}

/**
 * Looks a presented key up; with a throttle, counts wrong keys against the
 * client's address and refuses (429) to look up while it is held back.
 */
export function keyLookUp(storage: Storage, throttle: KeyThrottle | undefined, c: Context) {
  const address = throttle && clientAddress(c);
  if (!throttle || address === undefined) return (plaintext: string) => storage.apiKeys.findByPlaintext(plaintext);
  return async (plaintext: string): Promise<ApiKeyRecord | undefined> => {
    throttle.admit(address, plaintext);
    const key = await storage.apiKeys.findByPlaintext(plaintext);
    if (key) throttle.succeeded(address, plaintext);
    else throttle.failed(address);
    return key;
  };
}
