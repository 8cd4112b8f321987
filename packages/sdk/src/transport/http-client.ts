/**
 * How provider bytes go out and come back (decision 0016): one small
 * interface, `HttpClient`, with two implementations. The default sends over
 * undici's dispatcher API (an `Agent`, keep-alive pools per origin), which on
 * loopback costs a third of the time and a quarter of the CPU of the global
 * `fetch` (`bench/trials/http-clients.mjs`); `fetchHttpClient` wraps any
 * `fetch`, for a caller who injects its own and where undici cannot load.
 * Retries, timeouts and parsing stay in `provider-fetch.ts`, the same for both.
 */
import { EventEmitter } from "node:events";
import { STATUS_CODES } from "node:http";
import type { Agent as UndiciAgent } from "undici";

/** One provider request: always a POST of a JSON text. */
export interface HttpRequest {
  /** Absolute URL. */
  url: string;
  headers: Readonly<Record<string, string>>;
  body: string;
  /** Aborts the request, and the response body once it is being read. */
  signal: AbortSignal;
  /** Offer HTTP/2 (over TLS, through ALPN): for providers that need it (Bedrock). */
  http2?: boolean;
}

/** Header lookup by name, case-insensitive (a `Headers` is one). */
export interface HeaderLookup {
  get(name: string): string | null;
}

/** A response whose status line and headers have arrived; read its body once, by `text()` or `body`. */
export interface HttpResponse {
  status: number;
  statusText: string;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  text(): Promise<string>;
  /** The body's bytes as they arrive; null when there is none. */
  body: AsyncIterable<Uint8Array> | null;
}

/** Sends provider requests. Inject one through `new Promptline({ httpClient })` (or `sendProviderRequest({ http })`). */
export interface HttpClient {
  /** Resolves when the response's head has arrived; rejects on a network error or when `signal` aborts. */
  post(request: HttpRequest): Promise<HttpResponse>;
  /** Closes idle connections. Optional. */
  close?(): Promise<void>;
}

/** Where the transport's requests carry their `RequestAbort` (undici hears aborts through it, not through `signal`). */
export const requestAbortKey: unique symbol = Symbol("promptline.requestAbort");

/**
 * The abort of one provider request, as the transport makes it per attempt.
 * Node 20 spends ~40 µs adding a listener to an `AbortSignal` (a plain
 * `EventTarget` ~4 µs, an `EventEmitter` ~1 µs: bench/trials/undici-options.mjs),
 * and undici adds one to every request's signal: a fifth of a loopback
 * request. So this is an `EventEmitter` with `aborted` and `reason`, which
 * undici's `request` accepts as its `signal`; a real `AbortSignal` is made
 * only for a client that reads `signal` (`fetch`, an injected client), and
 * aborted with the same reason.
 */
export class RequestAbort extends EventEmitter {
  aborted = false;
  reason: unknown = undefined;
  private controller: AbortController | undefined;

  /** An `AbortSignal` that follows this abort, made on first read. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** As `AbortController.abort`: the first call wins; no reason means an `AbortError` DOMException. */
  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason === undefined ? new DOMException("This operation was aborted", "AbortError") : reason;
    this.controller?.abort(this.reason);
    this.emit("abort");
  }
}

/** A case-insensitive lookup over a record of lower-case names (what the retry policy reads). */
export function headerLookup(headers: Readonly<Record<string, string>>): HeaderLookup {
  return { get: (name) => headers[name.toLowerCase()] ?? null };
}

/**
 * Sends through a `fetch` (the global one by default), exactly as the
 * transport did before it had a client of its own.
 *
 * @example
 * new Promptline({ httpClient: fetchHttpClient(myInstrumentedFetch) });
 */
export function fetchHttpClient(fetchImpl: typeof fetch = (input, init) => globalThis.fetch(input, init)): HttpClient {
  return {
    async post(request) {
      // A copy: the transport shares one frozen header object per endpoint (decision 0033), and a caller's fetch
      // (an instrumenting wrapper) may add to `init.headers`, as it could before.
      const response = await fetchImpl(request.url, { method: "POST", headers: { ...request.headers }, body: request.body, signal: request.signal });
      const stream = response.body;
      return {
        status: response.status,
        statusText: response.statusText,
        headers: Object.fromEntries(response.headers),
        text: () => response.text(),
        body: stream && readerChunks(stream),
      };
    },
  };
}

async function* readerChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // Leaving early (an abort, a `break`): let go of the stream; its request is aborted by the caller's signal.
    reader.releaseLock();
  }
}

/** Options of `undiciHttpClient`. */
export interface UndiciHttpClientOptions {
  /** Connections kept per origin. Default: no limit (undici's). */
  connectionsPerOrigin?: number;
  /** How long an idle connection is kept open. Default 4 s (undici's, below most servers' own limit). */
  keepAliveTimeoutMs?: number;
}

/**
 * Sends through undici's dispatcher API: one `Agent` (a keep-alive pool per
 * origin) for HTTP/1.1, and one that also offers HTTP/2 for requests that ask
 * for it. undici is loaded on the first request; if it cannot be loaded, the
 * client sends through the global `fetch` instead.
 */
export function undiciHttpClient(options: UndiciHttpClientOptions = {}): HttpClient {
  type Agents = { h1: UndiciAgent; h2?: UndiciAgent; make: (allowH2: boolean) => UndiciAgent };
  let agents: Agents | undefined;
  let fallback: HttpClient | undefined;
  let loading: Promise<void> | undefined;
  const load = () =>
    (loading ??= import("undici").then(
      ({ Agent }) => {
        const make = (allowH2: boolean) =>
          new Agent({
            allowH2,
            ...(options.connectionsPerOrigin !== undefined && { connections: options.connectionsPerOrigin }),
            ...(options.keepAliveTimeoutMs !== undefined && { keepAliveTimeout: options.keepAliveTimeoutMs }),
          });
        agents = { h1: make(false), make };
      },
      () => {
        fallback = fetchHttpClient();
      },
    ));

  async function post(request: HttpRequest): Promise<HttpResponse> {
    if (!agents && !fallback) await load();
    if (!agents) return fallback!.post(request);
    const agent = request.http2 ? (agents.h2 ??= agents.make(true)) : agents.h1;
    const { origin, path } = splitUrl(request.url);
    // The transport's own abort when there is one: undici then adds no listener to an AbortSignal.
    const signal = (request as { [requestAbortKey]?: RequestAbort })[requestAbortKey] ?? request.signal;
    const response = await agent.request({ origin, path, method: "POST", headers: request.headers, body: request.body, signal });
    const body = response.body;
    return {
      status: response.statusCode,
      statusText: STATUS_CODES[response.statusCode] ?? "",
      headers: flatHeaders(response.headers),
      text: () => body.text(),
      body,
    };
  }

  return {
    post,
    async close() {
      const open = agents;
      agents = undefined;
      loading = undefined;
      await Promise.all([open?.h1.close(), open?.h2?.close()]);
    },
  };
}

/** `https://host:port` and `/path?query` of an absolute URL (the transport's URLs come from `URL.href`, so always have a path). */
function splitUrl(url: string): { origin: string; path: string } {
  const slash = url.indexOf("/", url.indexOf("//") + 2);
  return slash === -1 ? { origin: url, path: "/" } : { origin: url.slice(0, slash), path: url.slice(slash) };
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) flat[name] = typeof value === "string" ? value : value.join(", ");
  }
  return flat;
}

let shared: HttpClient | undefined;

/** The process's default provider client (undici), made on first use and shared like the global `fetch`. */
export function defaultHttpClient(): HttpClient {
  return (shared ??= undiciHttpClient());
}
