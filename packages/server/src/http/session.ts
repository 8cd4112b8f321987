import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { UnauthorizedError } from "@promptline/core";
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import type { ApiKeyRecord, Storage } from "../storage/index.js";
import { requestHeader } from "./request-body.js";

/** The dashboard's session cookie: an HMAC-signed token naming a key, never the key itself. */
export const sessionCookieName = "promptline_session";

/** The header a cookie-authenticated write must carry. Cross-site forms can't set custom headers, so it stops CSRF. */
export const csrfHeaderName = "x-promptline-csrf";

/** How long a sign-in lasts. */
export const sessionTtlSeconds = 7 * 24 * 60 * 60;

interface SessionClaims {
  /** API key id. */
  k: number;
  /** Workspace id. */
  w: number;
  /** Expiry, epoch seconds. */
  e: number;
  /** The session's random id: what signing out revokes (`storage.sessions`). */
  s: string;
}

/** Issues and checks dashboard session tokens. */
export interface Sessions {
  /** A signed token for the key, valid for `sessionTtlSeconds`. */
  issue(key: ApiKeyRecord): string;
  /** The live key the token names, or undefined (bad signature, expired, signed out, key revoked). */
  verify(token: string | undefined): Promise<ApiKeyRecord | undefined>;
  /** Ends the session of a token, on every instance sharing the database (a token already invalid is ignored). */
  revoke(token: string | undefined): Promise<void>;
  /**
   * The key of the request's session cookie, for the auth middleware. Throws
   * when a write (anything but GET/HEAD) lacks the CSRF header.
   */
  keyFromCookie(c: Context): Promise<ApiKeyRecord | undefined>;
}

export interface SessionOptions {
  storage: Storage;
  /**
   * Signs the tokens. Default: 32 random bytes per process, so sessions end at
   * a restart; give the same secret to every instance behind a load balancer.
   */
  secret?: string | Uint8Array;
  now?: () => number;
}

const base64url = (bytes: Buffer | string) => Buffer.from(bytes).toString("base64url");

/**
 * Signed sessions: `base64url(claims).hmac`, checked without the database;
 * then the key is looked up (revoking a key ends its sessions at once) and
 * the session id is checked against the sign-outs stored in the database,
 * so a signed-out token is refused by every instance.
 */
export function createSessions({ storage, secret = randomBytes(32), now = Date.now }: SessionOptions): Sessions {
  const sign = (payload: string) => createHmac("sha256", secret).update(payload).digest();

  const verify = async (token: string | undefined) => {
    const claims = signedClaims(token);
    if (!claims) return undefined;
    const [keys, signedOut] = await Promise.all([storage.apiKeys.list(claims.w), storage.sessions.isRevoked(claims.w, claims.s)]);
    if (signedOut) return undefined;
    return keys.find((key) => key.id === claims.k && key.revoked_at === null);
  };

  /** The claims of a token signed by us, unexpired, with a session id; undefined otherwise. */
  const signedClaims = (token: string | undefined): SessionClaims | undefined => {
    if (!token) return undefined;
    const [payload, signature] = token.split(".");
    if (!payload || !signature) return undefined;
    const expected = sign(payload);
    const given = Buffer.from(signature, "base64url");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let claims: SessionClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as SessionClaims;
    } catch {
      return undefined;
    }
    if (typeof claims.e !== "number" || claims.e * 1000 <= now()) return undefined;
    // Tokens from before sign-out could be revoked have no id: they can't be ended, so they are not honoured.
    if (typeof claims.s !== "string" || typeof claims.w !== "number") return undefined;
    return claims;
  };

  return {
    issue(key) {
      const claims: SessionClaims = { k: key.id, w: key.workspace_id, e: Math.floor(now() / 1000) + sessionTtlSeconds, s: base64url(randomBytes(16)) };
      const payload = base64url(JSON.stringify(claims));
      return `${payload}.${base64url(sign(payload))}`;
    },
    verify,
    async revoke(token) {
      const claims = signedClaims(token);
      if (claims) await storage.sessions.revoke(claims.w, claims.s, new Date(claims.e * 1000).toISOString());
    },
    async keyFromCookie(c) {
      // No cookie header, no session: checked on Node's parsed headers, as reading cookies builds the request's `Headers`.
      if (requestHeader(c, "cookie") === undefined) return undefined;
      const key = await verify(getCookie(c, sessionCookieName));
      if (key && c.req.method !== "GET" && c.req.method !== "HEAD" && c.req.header(csrfHeaderName) !== "1") {
        throw new UnauthorizedError(`Requests signed in by the session cookie must send the ${csrfHeaderName}: 1 header to write.`);
      }
      return key;
    },
  };
}
