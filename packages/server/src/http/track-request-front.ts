import type { IncomingMessage, ServerResponse } from "node:http";
import { trackRequestBodyFast, trackRequestBodySchema } from "@promptline/core/wire";
import type { PreparedTrackedRequest, TrackRequest } from "../services/track-request.js";
import type { ApiKeyRecord } from "../storage/index.js";
import { keyFromHeaders } from "./auth.js";
import { TopLevelFieldScanner } from "./body-key-scanner.js";
import { errorAnswer } from "./error-handler.js";
import { admitKey, frontListener, handOnWithBody, hostAccepted, keyUsed, writeJson, type AdmittedKey, type FrontKeyChecks, type NodeFront, type NodeListener } from "./node-front.js";
import { parseJsonBody } from "./read-json.js";
import { incomingHeader, readIncomingBody } from "./request-body.js";

export interface TrackRequestFrontOptions extends FrontKeyChecks {
  /** The app's own `/track-request` steps: the route's. */
  trackRequest: TrackRequest;
  /** The app's body limit (`limitBodySize`). */
  maxBodyBytes: number;
  /** The app's limit of bytes read before a body's `api_key` (`BodyKeyOptions.maxBytesBeforeKey`). */
  maxBytesBeforeKey: number;
  /** The app's record of keys used (`keyUsageRecorder`). */
  onAuthenticated: (key: ApiKeyRecord) => void;
  /** The app's `logError`: a failed write is answered here, as the app's error handler answers it. */
  logError?: (error: unknown) => void;
}

/** Thrown inside the front to give a request whose body it read to Hono. */
const handOn = Symbol("hand on");

/** The body's `api_key` as `requireApiKey` reads it while the body streams in (its first top-level string value, trimmed). */
function bodyKey(text: string): string | undefined {
  const scanner = new TopLevelFieldScanner("api_key");
  scanner.feed(text);
  return scanner.value?.trim();
}

/**
 * `POST /track-request` answered on node:http, before Hono (decision 0032),
 * as the template fetch is (decision 0031): a tracked request's own work is
 * its record and its share of a group commit; Hono's request and context
 * objects, its four app-wide middleware and the answer's `Response` cost
 * about as much again. The front makes the same checks with the same
 * functions and the app's state (the key from the header, else from the
 * body's `api_key` as the auth middleware scans it; the registry read cache,
 * the throttle, the key-use record, the route's role, the body limits,
 * `parseJsonBody`, the route's schema) and runs the route's own
 * `trackRequest`. Anything it can't settle from the headers (a session
 * cookie, no declared length, a body over a limit, an unusual `Host`) goes
 * to Hono before the body is read; any failure before the write (no key or
 * a wrong one, a role below the route's, a bad body, a bad timestamp, a
 * failed read) goes to Hono with the body, which answers it. Only the
 * write's own failure is answered here, by the app's `errorAnswer`: handing
 * it on would write the record a second time.
 */
export function createTrackRequestFront(options: TrackRequestFrontOptions): NodeFront {
  const { trackRequest, maxBodyBytes, throttle, onAuthenticated, logError } = options;
  /** Without a key header, the body is read only while its key is unchecked: the auth middleware's bound. */
  const maxBodyBytesBeforeKey = Math.min(maxBodyBytes, options.maxBytesBeforeKey);
  const counts = { answered: 0, handedOnAfterBody: 0 };

  /** The key, the body and the record, or `handOn` thrown: everything before the write, which changes nothing. */
  async function prepared(incoming: IncomingMessage, text: string, admitted: AdmittedKey | undefined): Promise<{ admitted: AdmittedKey; record: PreparedTrackedRequest }> {
    if (!admitted) {
      const plaintext = bodyKey(text);
      admitted = plaintext === undefined ? undefined : await admitKey(options, incoming, plaintext);
      if (!admitted) throw handOn;
    }
    // As the route reads it: the SDKs' usual body without zod's walk, anything else through zod.
    const json = parseJsonBody(text);
    const body = trackRequestBodyFast(json) ?? trackRequestBodySchema.safeParse(json).data;
    if (!body) throw handOn;
    return { admitted, record: await trackRequest.prepare(admitted.key.workspace_id, body) };
  }

  async function answer(incoming: IncomingMessage, outgoing: ServerResponse, _route: true, next: NodeListener, nextAfterBody: NodeListener) {
    const headerKey = keyFromHeaders((name) => incomingHeader(incoming, name));
    const declared = incoming.headers["content-length"];
    const limit = headerKey === undefined ? maxBodyBytesBeforeKey : maxBodyBytes;
    // A chunked body or one over a limit, a session cookie (tried before a body's key), an unusual Host: Hono's.
    if (declared === undefined || !(Number(declared) <= limit)) return next(incoming, outgoing);
    if (headerKey === undefined && incoming.headers.cookie !== undefined) return next(incoming, outgoing);
    if (!hostAccepted(incoming.headers.host)) return next(incoming, outgoing);
    const byHeader = headerKey === undefined ? undefined : await admitKey(options, incoming, headerKey);
    if (headerKey !== undefined && !byHeader) return next(incoming, outgoing);
    let raw: Buffer;
    try {
      raw = await readIncomingBody(incoming, limit);
    } catch {
      // The client went away mid-body (its declared length is within the limit): no one to answer.
      return outgoing.destroy();
    }
    let ready: Awaited<ReturnType<typeof prepared>>;
    try {
      ready = await prepared(incoming, raw.toString("utf8"), byHeader);
    } catch {
      counts.handedOnAfterBody++;
      return handOnWithBody(incoming, outgoing, raw, nextAfterBody);
    }
    const { admitted, record } = ready;
    keyUsed(admitted, throttle, onAuthenticated);
    counts.answered++;
    let stored: string;
    try {
      stored = await trackRequest.store(admitted.key.workspace_id, record);
    } catch (error) {
      const { status, body, headers } = errorAnswer(error, admitted.key.role, logError);
      return writeJson(outgoing, status, JSON.stringify(body), "Content-Type", headers);
    }
    // As @hono/node-server writes the route's answer (`c.json`'s content type).
    writeJson(outgoing, 200, stored, "Content-Type");
  }

  return {
    counts,
    listener: frontListener((incoming) => (incoming.method === "POST" && incoming.url === "/track-request" ? true : undefined), answer),
  };
}
