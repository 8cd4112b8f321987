/**
 * OAuth2 access tokens for Vertex AI from a service-account key file
 * (`GOOGLE_APPLICATION_CREDENTIALS`): a JWT signed RS256 with the account's
 * private key, exchanged at the file's own `token_uri` (RFC 7523). Tokens are
 * cached per file until a minute before they expire, and dropped when the
 * provider answers 401 so the next attempt fetches a fresh one. WebCrypto
 * signs (no dependency); `node:fs` loads only when a Vertex call reads the file.
 */
import { InvalidTemplateError, ProviderError } from "@promptline/core/errors";

/** The scope Vertex AI calls need. */
export const cloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

/** Tokens are renewed this long before Google says they expire. */
const expiryMarginMs = 60_000;

interface ServiceAccount {
  client_email: string;
  private_key: string;
  token_uri: string;
}

/** One service-account file's token, fetched once at a time and cached until shortly before expiry. */
export class VertexTokenSource {
  private cached: { token: string; expiresAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly credentialsFile: string,
    private readonly fetchImpl: typeof fetch,
    private readonly now: () => number,
    /** The provider named in errors. */
    private readonly provider: string = "vertexai",
  ) {}

  /** A valid access token: the cached one, or a new one from the file's `token_uri`. */
  token(): Promise<string> {
    if (this.cached && this.now() < this.cached.expiresAt - expiryMarginMs) return Promise.resolve(this.cached.token);
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Forgets the cached token (the provider refused it). */
  invalidate(): void {
    this.cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    const account = await readServiceAccount(this.credentialsFile);
    const issuedAt = Math.floor(this.now() / 1000);
    const assertion = await signJwt(account, { iss: account.client_email, scope: cloudPlatformScope, aud: account.token_uri, iat: issuedAt, exp: issuedAt + 3600 });
    let response: Response;
    try {
      response = await this.fetchImpl(account.token_uri, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }).toString(),
      });
    } catch (cause) {
      throw new ProviderError({ provider: this.provider, providerMessage: `could not reach the token endpoint ${account.token_uri}`, isRetryable: true, cause });
    }
    const text = await response.text();
    const body = safeJson(text) as { access_token?: unknown; expires_in?: unknown; error_description?: unknown; error?: unknown } | undefined;
    if (!response.ok || typeof body?.access_token !== "string") {
      const reason = typeof body?.error_description === "string" ? body.error_description : typeof body?.error === "string" ? body.error : text.slice(0, 200);
      throw new ProviderError({ provider: this.provider, status: response.status, providerMessage: `token endpoint ${account.token_uri} refused the service account ${account.client_email}: ${reason}` });
    }
    const expiresIn = typeof body.expires_in === "number" ? body.expires_in : 3600;
    this.cached = { token: body.access_token, expiresAt: this.now() + expiresIn * 1000 };
    return body.access_token;
  }
}

/** Token sources by credentials file, so every run of every client in the process shares one token per account. */
const sources = new Map<string, VertexTokenSource>();

export function vertexTokenSource(credentialsFile: string, fetchImpl: typeof fetch, now: () => number, provider = "vertexai"): VertexTokenSource {
  let source = sources.get(credentialsFile);
  if (source === undefined) {
    source = new VertexTokenSource(credentialsFile, fetchImpl, now, provider);
    sources.set(credentialsFile, source);
  }
  return source;
}

async function readServiceAccount(file: string): Promise<ServiceAccount> {
  const { readFile } = await import("node:fs/promises");
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, "utf8"));
  } catch (cause) {
    throw new InvalidTemplateError(`GOOGLE_APPLICATION_CREDENTIALS (${file}) is not a readable service-account JSON key file: ${(cause as Error).message}`, { cause });
  }
  const account = parsed as Partial<ServiceAccount> & { type?: unknown };
  if (typeof account.client_email !== "string" || typeof account.private_key !== "string") {
    throw new InvalidTemplateError(`GOOGLE_APPLICATION_CREDENTIALS (${file}) is not a service-account key: it needs client_email and private_key.`);
  }
  return { client_email: account.client_email, private_key: account.private_key, token_uri: typeof account.token_uri === "string" ? account.token_uri : "https://oauth2.googleapis.com/token" };
}

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array | string): string {
  const data = typeof bytes === "string" ? encoder.encode(bytes) : bytes;
  let binary = "";
  for (const byte of data) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function signJwt(account: ServiceAccount, claims: Record<string, unknown>): Promise<string> {
  const der = Uint8Array.from(atob(account.private_key.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "")), (char) => char.charCodeAt(0));
  const key = await crypto.subtle.importKey("pkcs8", der, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"]);
  const unsigned = `${base64url(JSON.stringify({ alg: "RS256", typ: "JWT" }))}.${base64url(JSON.stringify(claims))}`;
  const signature = new Uint8Array(await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key, encoder.encode(unsigned)));
  return `${unsigned}.${base64url(signature)}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
