/**
 * What the node:http fronts of hot routes (decisions 0031, 0032) share: they
 * answer a route's successes before Hono with the app's own functions and
 * state, and hand everything else to the Hono app's listener unchanged.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiKeyRecord, KeyRole, Storage } from "../storage/index.js";
import type { KeyThrottle } from "./key-throttle.js";
import { hasRole } from "./permissions.js";

/** A node:http request listener (the Hono app's, from @hono/node-server's `getRequestListener`). */
export type NodeListener = (incoming: IncomingMessage, outgoing: ServerResponse) => unknown;

/**
 * A front put before the app's listener: answers the requests it can and
 * hands every other request to `next` untouched; a request it gives up on
 * after reading the body goes to `nextAfterBody` (the same app, listening
 * with `autoCleanupIncoming: false`) with the body as `incoming.rawBody`.
 */
export interface NodeFront {
  listener(next: NodeListener, nextAfterBody: NodeListener): NodeListener;
  /** Requests answered here, and requests handed on after this front read their body (tests, trials). */
  readonly counts: { answered: number; handedOnAfterBody: number };
}

/** Host headers already checked as @hono/node-server checks them (few distinct values; forgotten all at once past the bound). */
const acceptedHosts = new Set<string>();
const maxAcceptedHosts = 256;

/** True when @hono/node-server would build the request's URL from this `Host` without refusing it (its `newRequest`). */
export function hostAccepted(host: string | undefined): boolean {
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

/** The app's key checks, as a front makes them (`requireApiKey`'s lookup, throttle and role, without their refusals). */
export interface FrontKeyChecks {
  storage: Storage;
  /** The least role of the route (its row in the permission table). */
  role: KeyRole;
  /** The app's throttle of wrong keys, if on. */
  throttle: KeyThrottle | undefined;
}

/** A key a front accepted: what it needs to count the success once it answers. */
export interface AdmittedKey {
  key: ApiKeyRecord;
  plaintext: string;
  address: string | undefined;
}

/**
 * The key `plaintext` looked up as `requireApiKey` looks it up (through the
 * registry read cache, so revocations and role changes apply at once), with
 * the route's role; undefined when Hono must answer: a held-back address (its
 * 429), a wrong key (its 401, counted by it), a role below the route's (its
 * 403). This only reads: the throttle hears of a success in `succeeded`.
 */
export async function admitKey({ storage, role, throttle }: FrontKeyChecks, incoming: IncomingMessage, plaintext: string): Promise<AdmittedKey | undefined> {
  const address = throttle && incoming.socket.remoteAddress;
  try {
    if (throttle && address !== undefined) throttle.admit(address, plaintext);
    const key = await storage.apiKeys.findByPlaintext(plaintext);
    return key && hasRole(key, role) ? { key, plaintext, address } : undefined;
  } catch {
    return undefined;
  }
}

/** What the auth middleware does for an accepted key, done when a front answers: the throttle's success, the key's last use. */
export function keyUsed(admitted: AdmittedKey, throttle: KeyThrottle | undefined, onAuthenticated: (key: ApiKeyRecord) => void): void {
  if (admitted.address !== undefined) throttle?.succeeded(admitted.address, admitted.plaintext);
  onAuthenticated(admitted.key);
}

/** Hands a request whose body a front has read to the app, which reads that body from `rawBody`. */
export function handOnWithBody(incoming: IncomingMessage, outgoing: ServerResponse, raw: Buffer, nextAfterBody: NodeListener): unknown {
  (incoming as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
  return nextAfterBody(incoming, outgoing);
}

/**
 * A JSON answer as @hono/node-server writes a route's `c.json(…)`, or its
 * `c.body(text, status, { "content-type": "application/json" })`: the
 * content type under the name the route gave it, then the length.
 */
export function writeJson(outgoing: ServerResponse, status: number, json: string, contentTypeHeader: "content-type" | "Content-Type", headers?: Record<string, string>): void {
  outgoing.writeHead(status, { [contentTypeHeader]: "application/json", ...headers, "Content-Length": Buffer.byteLength(json) });
  outgoing.end(json);
}

/**
 * The listener of a front: requests `route` picks (returning what the answer
 * needs from the URL) go to `answer`, the rest to `next`. An answer that
 * throws can only have failed writing to a socket already gone.
 */
export function frontListener<R>(
  route: (incoming: IncomingMessage) => R | undefined,
  answer: (incoming: IncomingMessage, outgoing: ServerResponse, route: R, next: NodeListener, nextAfterBody: NodeListener) => Promise<unknown>,
): NodeFront["listener"] {
  return (next, nextAfterBody) => (incoming, outgoing) => {
    const picked = route(incoming);
    if (picked === undefined) return next(incoming, outgoing);
    return answer(incoming, outgoing, picked, next, nextAfterBody).catch((error: unknown) => {
      if (!outgoing.headersSent) outgoing.destroy(error instanceof Error ? error : undefined);
    });
  };
}
