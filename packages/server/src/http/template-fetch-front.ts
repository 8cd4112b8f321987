import type { IncomingMessage, ServerResponse } from "node:http";
import { getTemplateBodySchema, type GetTemplateBody } from "@promptline/core/wire";
import { LRUCache } from "lru-cache";
import type { TemplateFetch } from "../services/template-response.js";
import type { ApiKeyRecord } from "../storage/index.js";
import { keyFromHeaders } from "./auth.js";
import { admitKey, frontListener, handOnWithBody, hostAccepted, keyUsed, writeJson, type AdmittedKey, type FrontKeyChecks, type NodeFront, type NodeListener } from "./node-front.js";
import { fieldAsWritten, parseJsonBody } from "./read-json.js";
import { incomingHeader, readIncomingBody } from "./request-body.js";

export type { NodeListener } from "./node-front.js";

export interface TemplateFetchFrontOptions extends FrontKeyChecks {
  /** The app's own template fetch: the route's, with its answer cache. */
  templateFetch: TemplateFetch;
  /** The app's body limit (`limitBodySize`). */
  maxBodyBytes: number;
  /** The app's record of keys used (`keyUsageRecorder`). */
  onAuthenticated: (key: ApiKeyRecord) => void;
}

/** The template fetch's front: fetches answered here, the rest handed to the app (`NodeFront`). */
export type TemplateFetchFront = NodeFront;

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
  const { templateFetch, maxBodyBytes, throttle, onAuthenticated } = options;
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
  async function admitted(incoming: IncomingMessage): Promise<AdmittedKey | undefined> {
    // A session cookie or a key in the body (no key header), a chunked body or one over the limit: Hono's.
    const plaintext = keyFromHeaders((name) => incomingHeader(incoming, name));
    const declared = incoming.headers["content-length"];
    if (plaintext === undefined || declared === undefined || !(Number(declared) <= maxBodyBytes)) return undefined;
    if (!hostAccepted(incoming.headers.host)) return undefined;
    return admitKey(options, incoming, plaintext);
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
      return handOnWithBody(incoming, outgoing, raw, nextAfterBody);
    }
    keyUsed(admission, throttle, onAuthenticated);
    counts.answered++;
    // As @hono/node-server writes the route's `c.body(answer, 200, { "content-type": "application/json" })`.
    writeJson(outgoing, 200, json, "content-type");
  }

  return {
    counts,
    listener: frontListener(
      (incoming) => (incoming.method === "POST" ? plainTemplatePath.exec(incoming.url ?? "")?.[1] : undefined),
      answer,
    ),
  };
}
