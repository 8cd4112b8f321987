import type { IncomingMessage, ServerResponse } from "node:http";
import { getTemplateBodySchema, type GetTemplateBody } from "@promptline/core/wire";
import { LRUCache } from "lru-cache";
import type { TemplateFetch } from "../services/template-response.js";
import type { ApiKeyRecord, KeyRole, Storage } from "../storage/index.js";
import { keyFromHeaders } from "./auth.js";
import type { KeyThrottle } from "./key-throttle.js";
import { hasRole } from "./permissions.js";
import { fieldAsWritten, parseJsonBody } from "./read-json.js";
import { incomingHeader, readIncomingBody } from "./request-body.js";

/** A node:http request listener (the Hono app's, from @hono/node-server's `getRequestListener`). */
export type NodeListener = (incoming: IncomingMessage, outgoing: ServerResponse) => unknown;

export interface TemplateFetchFrontOptions {
  storage: Storage;
  /** The app's own template fetch: the route's, with its answer cache. */
  templateFetch: TemplateFetch;
  /** The least role of the route (its row in `promptLayerPermissions`). */
  role: KeyRole;
  /** The app's body limit (`limitBodySize`). */
  maxBodyBytes: number;
  /** The app's throttle of wrong keys, if on. */
  throttle: KeyThrottle | undefined;
  /** The app's record of keys used (`keyUsageRecorder`). */
  onAuthenticated: (key: ApiKeyRecord) => void;
}

export interface TemplateFetchFront {
  /**
   * A listener that answers the template fetches it can and hands every
   * other request to `next` untouched; a fetch it gives up on after reading
   * the body goes to `nextAfterBody` (the same app, listening with
   * `autoCleanupIncoming: false`) with the body as `incoming.rawBody`.
   */
  listener(next: NodeListener, nextAfterBody: NodeListener): NodeListener;
  /** Fetches answered here, and fetches handed on after this front read their body (tests, trials). */
  readonly counts: { answered: number; handedOnAfterBody: number };
}

/**
 * The identifier of a template fetch whose path Hono would match to the same
 * identifier without decoding or normalising anything: segments of plain
 * characters, none empty, `.` or `..`, no `%`, no query. Anything else goes
 * to Hono.
 */
const plainTemplatePath = /^\/prompt-templates\/((?:[A-Za-z0-9_-][A-Za-z0-9_.-]*\/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*)$/;

/** A template fetch's body as the route reads it (`PreparedBody` of `preparedBody`). */
interface PreparedBody {
  body: GetTemplateBody;
  /** `fieldAsWritten(text, "input_variables")`, when the body has variables. */
  variablesAsWritten: unknown;
}

/** Body texts remembered with what they parse to, and the longest remembered (bounds the memory to ~8 MiB of text). */
const maxPreparedBodies = 1000;
const maxPreparedBodyLength = 8 * 1024;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

/** Host headers already checked as @hono/node-server checks them (few distinct values; forgotten all at once past the bound). */
const acceptedHosts = new Set<string>();
const maxAcceptedHosts = 256;

/** True when @hono/node-server would build the request's URL from this `Host` without refusing it (its `newRequest`). */
function hostAccepted(host: string | undefined): boolean {
  if (!host) return false;
  if (acceptedHosts.has(host)) return true;
  let hostname: string;
  try {
    hostname = new URL(`http://${host}/`).hostname;
  } catch {
    return false;
  }
  if (hostname.length !== host.length && hostname !== host.replace(/:\d+$/, "")) return false;
  if (acceptedHosts.size >= maxAcceptedHosts) acceptedHosts.clear();
  acceptedHosts.add(host);
  return true;
}

/**
 * `POST /prompt-templates/{name}` answered on node:http, before Hono
 * (decision 0031): once a template answer is kept (decision 0026), Hono's
 * request and context objects and the four app-wide middleware cost more
 * than the answer itself. The front does the same steps with the same
 * functions and the app's own state (key lookup through the registry cache,
 * so revocations and role changes apply at once; the throttle; last-used
 * tracking; the route's role; the body limit, JSON checks and schema; the
 * route's `templateFetch`), and answers only a success. A request it can't
 * settle from its headers goes to Hono before its body is read; a fetch
 * that fails once its body is read (a bad body, an unknown prompt, a render
 * error, …) is handed to Hono with that body, which answers it — the error
 * shapes stay in one place. Side effects (throttle, last use) happen only
 * when the front answers, so a handed-on request is counted once, by Hono.
 */
export function createTemplateFetchFront(options: TemplateFetchFrontOptions): TemplateFetchFront {
  const { storage, templateFetch, role, maxBodyBytes, throttle, onAuthenticated } = options;
  const counts = { answered: 0, handedOnAfterBody: 0 };
  const preparedBodies = new LRUCache<string, PreparedBody>({ max: maxPreparedBodies });

  /**
   * What `readJson`, the route's schema and `bodyFieldAsWritten` make of a
   * body's text: pure functions of the text, so a text seen before (most
   * clients send the same few bodies) is not parsed and validated again.
   * Kept frozen, since requests share them; throws as they throw (the front
   * then hands the request to Hono, which answers the error).
   */
  function preparedBody(text: string): PreparedBody {
    const known = preparedBodies.get(text);
    if (known) return known;
    const parsed = getTemplateBodySchema.safeParse(parseJsonBody(text));
    if (!parsed.success) throw parsed.error;
    const prepared = deepFreeze({ body: parsed.data, variablesAsWritten: parsed.data.input_variables ? fieldAsWritten(text, "input_variables") : undefined });
    if (text.length <= maxPreparedBodyLength) preparedBodies.set(text, prepared);
    return prepared;
  }

  /** Everything the front checks before reading the body; undefined: Hono answers. */
  async function admitted(incoming: IncomingMessage): Promise<{ key: ApiKeyRecord; plaintext: string; address: string | undefined } | undefined> {
    // A session cookie or a key in the body (no key header), a chunked body or one over the limit: Hono's.
    const plaintext = keyFromHeaders((name) => incomingHeader(incoming, name));
    const declared = incoming.headers["content-length"];
    if (plaintext === undefined || declared === undefined || !(Number(declared) <= maxBodyBytes)) return undefined;
    if (!hostAccepted(incoming.headers.host)) return undefined;
    const address = throttle && incoming.socket.remoteAddress;
    try {
      // Throws while the address is held back: Hono answers the 429 (and counts nothing twice: this only reads).
      if (throttle && address !== undefined) throttle.admit(address, plaintext);
      const key = await storage.apiKeys.findByPlaintext(plaintext);
      // A wrong key is Hono's to refuse and count; a role below the route's, Hono's to refuse.
      return key && hasRole(key, role) ? { key, plaintext, address } : undefined;
    } catch {
      return undefined;
    }
  }

  async function answer(incoming: IncomingMessage, outgoing: ServerResponse, identifier: string, next: NodeListener, nextAfterBody: NodeListener) {
    const admission = await admitted(incoming);
    if (!admission) return next(incoming, outgoing);
    let raw: Buffer;
    try {
      raw = await readIncomingBody(incoming, maxBodyBytes);
    } catch {
      // The client went away mid-body (its declared length is within the limit): no one to answer.
      return outgoing.destroy();
    }
    const text = raw.toString("utf8");
    let json: string;
    try {
      const { body, variablesAsWritten } = preparedBody(text);
      json = await templateFetch(admission.key.workspace_id, identifier, body, () => variablesAsWritten);
    } catch {
      counts.handedOnAfterBody++;
      (incoming as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
      return nextAfterBody(incoming, outgoing);
    }
    if (admission.address !== undefined) throttle?.succeeded(admission.address, admission.plaintext);
    onAuthenticated(admission.key);
    counts.answered++;
    // As @hono/node-server writes the route's `c.body(answer, 200, { "content-type": "application/json" })`.
    outgoing.writeHead(200, { "content-type": "application/json", "Content-Length": Buffer.byteLength(json) });
    outgoing.end(json);
  }

  return {
    counts,
    listener(next, nextAfterBody) {
      return (incoming, outgoing) => {
        const match = incoming.method === "POST" ? plainTemplatePath.exec(incoming.url ?? "") : null;
        if (!match) return next(incoming, outgoing);
        return answer(incoming, outgoing, match[1]!, next, nextAfterBody).catch((error: unknown) => {
          // Only a write to a socket already gone can land here.
          if (!outgoing.headersSent) outgoing.destroy(error instanceof Error ? error : undefined);
        });
      };
    },
  };
}
