/**
 * The one owner of provider HTTP (style guide habits 5 and 10): sends a
 * codec's request to a resolved endpoint over an injectable `HttpClient`, retries
 * what is worth retrying, enforces timeouts, maps failures to ProviderError,
 * and turns a streamed body into parsed events.
 */
import { ProviderError } from "@promptline/core/errors";
import { ProviderAbortError } from "./provider-abort-error.js";
import { defaultHttpClient, fetchHttpClient, headerLookup, RequestAbort, requestAbortKey, type HttpClient, type HttpRequest, type HttpResponse } from "./http-client.js";
import { endpointSecrets, offersHttp2, type ProviderEndpoint } from "./provider-endpoints.js";
import { extractProviderMessage, fallbackMessage, parseJsonOrUndefined, retryAfterFromBody } from "./provider-error-body.js";
import { defaultStreamEnd, readProviderEvents, streamAcceptOf, type StreamEndCheck } from "./provider-stream.js";
import { abortableSleep, retryAfterFromHeaders, retryDelayMs, shouldRetryHeader } from "./retry-policy.js";
import { createSecretScrubber } from "./secret-redaction.js";

/** What `onRetry` is told before each wait. */
export interface ProviderRetryInfo {
  /** 1 for the first retry. */
  retryNumber: number;
  /** How long the transport waits before trying again. */
  delayMs: number;
  /** Why the last attempt failed. */
  error: ProviderError;
}

/** Arguments of `sendProviderRequest`. */
export interface SendProviderRequestArgs {
  endpoint: ProviderEndpoint;
  /** The codec's path, relative to `endpoint.baseURL` (may carry a query, e.g. `?alt=sse`). */
  path: string;
  /** The request body, sent as JSON. */
  body: unknown;
  /** Headers the request itself needs (the codec's, e.g. an `anthropic-beta`), sent with the endpoint's. */
  headers?: Readonly<Record<string, string>>;
  stream: boolean;
  /** How the bytes go out. Default: `fetch` when given, else the shared undici client (`defaultHttpClient`). */
  http?: HttpClient;
  /** Sends through this `fetch` (`fetchHttpClient`) when `http` is not given. */
  fetch?: typeof fetch;
  /** Aborting it cancels the request (or the stream) with a ProviderAbortError; never retried. */
  signal?: AbortSignal;
  /**
   * Per attempt. Non-streaming: the whole request, body included. Streaming:
   * until the first byte of the body. Default 600_000 (10 minutes).
   */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number;
  /** Total time spent waiting between retries; a retry that would exceed it is not made. Default 30_000. */
  retryBudgetMs?: number;
  /** Waits between retries. Default: a real timer that rejects when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Jitter source in [0, 1). Default `Math.random`. */
  random?: () => number;
  /** The clock for `retry-after` HTTP dates, in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
  /** Called before each wait between retries. */
  onRetry?: (info: ProviderRetryInfo) => void;
  /**
   * The end-of-stream marker to require. Default: the provider's own
   * (`defaultStreamEnd`); `null` accepts any end of stream.
   */
  isStreamEnd?: StreamEndCheck | null;
}

/** A successful provider response. */
export type ProviderResponse =
  | { kind: "json"; status: number; headers: Record<string, string>; body: unknown }
  | {
      kind: "stream";
      status: number;
      headers: Record<string, string>;
      /**
       * The provider's events as parsed JSON. Iterate it once. Leaving the
       * loop early (`break`, `return`, a throw) aborts the HTTP request.
       * Errors mid-stream are ProviderErrors and are not retried.
       */
      events: AsyncIterable<unknown>;
      /** Cancels the stream and its HTTP request (call it if you never iterate `events`). */
      abort(): void;
    };

const defaultTimeoutMs = 600_000;

/**
 * Sends one provider request. Retries 408, 409, 429, 5xx (529 included),
 * network errors and timeouts, up to `maxRetries` times, waiting what the
 * provider asks (`retry-after-ms`, `retry-after`, Google's RetryInfo) when
 * that is at most 60 s, else exponential backoff with jitter (0.5 s → 8 s),
 * all within `retryBudgetMs`. A stream is never retried once its body has
 * started: the first byte is awaited before this returns.
 *
 * @throws ProviderError for an error status (with the provider's own message,
 *   `status`, `isRetryable`, `retryAfterMs`, `errorType`, `responseBody`), a
 *   network error, or a timeout (`errorType: "PROVIDER_TIMEOUT"`). Credentials
 *   are scrubbed from every error.
 * @throws ProviderAbortError when `signal` aborts.
 *
 * @example
 * const endpoint = resolveProviderEndpoint("openai", process.env);
 * const response = await sendProviderRequest({ endpoint, path: "/chat/completions", body, stream: true });
 * if (response.kind === "stream") for await (const chunk of response.events) accumulator.push(chunk);
 */
export async function sendProviderRequest(args: SendProviderRequestArgs): Promise<ProviderResponse> {
  const { endpoint, signal } = args;
  const provider = endpoint.provider;
  const maxRetries = args.maxRetries ?? 2;
  const retryBudgetMs = args.retryBudgetMs ?? 30_000;
  const sleep = args.sleep ?? abortableSleep;
  const random = args.random ?? Math.random;
  const path = endpoint.routePath ? endpoint.routePath(args.path) : args.path;
  const http = args.http ?? (args.fetch ? fetchHttpClient(args.fetch) : defaultHttpClient());
  // The attempt's own object, not a spread of `args` with its optional fields: this runs on every run().
  const request: AttemptRequest = {
    endpoint,
    stream: args.stream,
    signal,
    timeoutMs: args.timeoutMs,
    headers: args.headers,
    isStreamEnd: args.isStreamEnd,
    now: args.now,
    http,
    url: providerHref(endpoint, path),
    bodyText: JSON.stringify(args.body),
  };

  let waitedMs = 0;
  let refreshed = false;
  for (let retryNumber = 0; ; retryNumber++) {
    if (signal?.aborted) throw new ProviderAbortError(provider, signal.reason);
    const outcome = await attempt(request);
    if (outcome.ok) return outcome.response;
    const { error } = outcome;
    // An expired or revoked OAuth2 token: fetch a fresh one and try once more, whatever the retry count.
    if (error.status === 401 && endpoint.refreshCredentials && !refreshed) {
      refreshed = true;
      endpoint.refreshCredentials();
      retryNumber--;
      continue;
    }
    if (!error.isRetryable || retryNumber >= maxRetries) throw error;
    const delayMs = retryDelayMs(error.retryAfterMs, retryNumber, random);
    if (waitedMs + delayMs > retryBudgetMs) throw error;
    args.onRetry?.({ retryNumber: retryNumber + 1, delayMs, error });
    try {
      await sleep(delayMs, signal);
    } catch (cause) {
      if (signal?.aborted) throw new ProviderAbortError(provider, signal.reason);
      throw cause;
    }
    waitedMs += delayMs;
  }
}

/** `baseURL` + `path`, with the endpoint's query parameters added (the path's own win). */
export function providerUrl(endpoint: ProviderEndpoint, path: string): URL {
  const url = new URL(`${endpoint.baseURL.replace(/\/+$/, "")}${path.startsWith("/") ? path : `/${path}`}`);
  for (const [name, value] of Object.entries(endpoint.query ?? {})) {
    if (!url.searchParams.has(name)) url.searchParams.set(name, value);
  }
  return url;
}

/** `providerUrl(…).href` by base URL, path and query: a run() sends to the same few URLs over and over. */
const hrefCache = new Map<string, string>();
const hrefCacheLimit = 256;

function providerHref(endpoint: ProviderEndpoint, path: string): string {
  const key = endpoint.query ? `${endpoint.baseURL}\n${path}\n${JSON.stringify(endpoint.query)}` : `${endpoint.baseURL}\n${path}`;
  let href = hrefCache.get(key);
  if (href === undefined) {
    href = providerUrl(endpoint, path).href;
    if (hrefCache.size >= hrefCacheLimit) hrefCache.clear();
    hrefCache.set(key, href);
  }
  return href;
}

/** An endpoint's headers with the JSON ones, per endpoint and framing: the same object for every run() to it. */
const sharedHeaders = new WeakMap<ProviderEndpoint, { json?: Readonly<Record<string, string>>; stream?: Readonly<Record<string, string>> }>();

/**
 * The headers of one attempt: ours, the request's own (a codec's), then the
 * endpoint's. Without request headers they are the same every time for an
 * unsigned endpoint (a remembered one is reused across runs, decision 0016),
 * so they are built once, frozen, and shared.
 */
function requestHeaders(endpoint: ProviderEndpoint, stream: boolean, own: Readonly<Record<string, string>> | undefined): Readonly<Record<string, string>> {
  const accept = stream ? streamAcceptOf(endpoint.provider) : "application/json";
  // A signed endpoint (Bedrock) signs these headers and adds its own: a fresh object each time.
  if (own || endpoint.sign) return { "content-type": "application/json", accept, ...own, ...endpoint.headers };
  let shared = sharedHeaders.get(endpoint);
  if (!shared) sharedHeaders.set(endpoint, (shared = {}));
  const key = stream ? "stream" : "json";
  return (shared[key] ??= Object.freeze({ "content-type": "application/json", accept, ...endpoint.headers }));
}

interface AttemptRequest extends Pick<SendProviderRequestArgs, "endpoint" | "stream" | "signal" | "timeoutMs" | "headers" | "isStreamEnd" | "now"> {
  http: HttpClient;
  url: string;
  bodyText: string;
  /** Made on the first error (only errors are scrubbed), not on every successful call. */
  scrubber?: <T>(value: T) => T;
}

/** The request's credential scrubber, made on first use. */
function scrubberOf(request: AttemptRequest): <T>(value: T) => T {
  return (request.scrubber ??= createSecretScrubber(endpointSecrets(request.endpoint)));
}

type AttemptOutcome = { ok: true; response: ProviderResponse } | { ok: false; error: ProviderError };

/**
 * One attempt's abort and deadline: the caller's signal and the timer both
 * abort the request through `requestAbort`. A class rather than closures over
 * the attempt's locals: this runs on every run(), and each closure (and the
 * context it keeps) is garbage the call leaves behind.
 */
class AttemptControl {
  // Not an AbortController: undici would add a listener to its signal, ~40 µs on Node 20 (see RequestAbort).
  readonly requestAbort = new RequestAbort();
  abortedByCaller = false;
  timedOut = false;
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly onCallerAbort: (() => void) | undefined;

  constructor(
    readonly signal: AbortSignal | undefined,
    readonly timeoutMs: number,
  ) {
    if (signal) {
      this.onCallerAbort = () => {
        this.abortedByCaller = true;
        this.requestAbort.abort(signal.reason);
      };
      signal.addEventListener("abort", this.onCallerAbort, { once: true });
    }
    this.timer = setTimeout(timeOut, timeoutMs, this);
  }

  /** The deadline no longer applies (a stream's body has started). */
  clearDeadline(): void {
    clearTimeout(this.timer);
  }

  /** Done with the attempt: no deadline, no listener on the caller's signal. */
  release(): void {
    clearTimeout(this.timer);
    if (this.onCallerAbort) this.signal?.removeEventListener("abort", this.onCallerAbort);
  }
}

function timeOut(control: AttemptControl): void {
  control.timedOut = true;
  control.requestAbort.abort();
}

/** `HttpRequest.signal` of a `ProviderPost`: one function for every request (no closure per run). */
function requestSignal(this: ProviderPost): AbortSignal {
  return this[requestAbortKey].signal;
}

/**
 * An own, enumerable getter: a caller's `HttpClient` that copies the request
 * (`{ ...request, headers }`) copies a real signal, as it did when the
 * request was an object literal; a getter on the prototype would not be
 * copied, and its timeouts and aborts would reach nothing.
 */
const signalProperty: PropertyDescriptor = { get: requestSignal, enumerable: true, configurable: true };

/** The request handed to the `HttpClient`; a real `AbortSignal` is made only for a client that reads `signal` (fetch, an injected client). */
class ProviderPost implements HttpRequest {
  http2?: boolean;
  readonly [requestAbortKey]: RequestAbort;
  declare readonly signal: AbortSignal;

  constructor(
    readonly url: string,
    readonly headers: Readonly<Record<string, string>>,
    readonly body: string,
    requestAbort: RequestAbort,
  ) {
    // undici reads the key: it then adds no listener to an AbortSignal.
    this[requestAbortKey] = requestAbort;
    Object.defineProperty(this, "signal", signalProperty);
  }
}

/** A failure without a response: the caller's abort, our timeout, or the network. */
function failure(request: AttemptRequest, control: AttemptControl, cause: unknown): AttemptOutcome {
  const provider = request.endpoint.provider;
  control.release();
  control.requestAbort.abort();
  if (control.abortedByCaller) throw new ProviderAbortError(provider, request.signal?.reason);
  if (control.timedOut) {
    const what = request.stream ? "no response within" : "request timed out after";
    return { ok: false, error: new ProviderError({ provider, providerMessage: `${what} ${control.timeoutMs} ms`, errorType: "PROVIDER_TIMEOUT", isRetryable: true }) };
  }
  return { ok: false, error: new ProviderError({ provider, providerMessage: scrubberOf(request)(`connection error: ${errorText(cause)}`), isRetryable: true, cause }) };
}

/** One try. Resolves with a response or a (maybe retryable) error; throws only when the caller aborted. */
async function attempt(request: AttemptRequest): Promise<AttemptOutcome> {
  const { endpoint, stream } = request;
  const provider = endpoint.provider;
  const control = new AttemptControl(request.signal, request.timeoutMs ?? defaultTimeoutMs);

  let response: HttpResponse;
  try {
    const headers = requestHeaders(endpoint, stream, request.headers);
    // Only a signed endpoint (Bedrock) adds headers: the others send this one object as it is.
    const sent = endpoint.sign ? { ...headers, ...(await endpoint.sign({ method: "POST", url: request.url, headers, body: request.bodyText })) } : headers;
    const post = new ProviderPost(request.url, sent, request.bodyText, control.requestAbort);
    if (offersHttp2(provider)) post.http2 = true;
    response = await request.http.post(post);
  } catch (cause) {
    return failure(request, control, cause);
  }

  const succeeded = response.status >= 200 && response.status <= 299;
  // An error answer, or a whole JSON one: read the body under the timeout.
  if (!succeeded || !stream) {
    let text: string;
    try {
      text = await response.text();
    } catch (cause) {
      return failure(request, control, cause);
    }
    control.release();
    if (!succeeded) return { ok: false, error: errorFromResponse(provider, response, text, scrubberOf(request), request.now ?? Date.now) };
    const body = parseJsonOrUndefined(text);
    if (body === undefined) {
      const error = new ProviderError({
        provider,
        status: response.status,
        // Scrubbed as every other error: a proxy may echo the request (its key) back.
        providerMessage: scrubberOf(request)(`response is not JSON: ${fallbackMessage(text, response.status, response.statusText)}`),
        errorType: "PROVIDER_ERROR",
        isRetryable: false,
      });
      return { ok: false, error };
    }
    return { ok: true, response: { kind: "json", status: response.status, headers: response.headers, body } };
  }
  return streamOutcome(request, control, response);
}

/**
 * A stream: waits for the first byte under the timeout, so that anything
 * failing before then is still retried, then streams without a deadline.
 */
async function streamOutcome(request: AttemptRequest, control: AttemptControl, response: HttpResponse): Promise<AttemptOutcome> {
  const { endpoint, signal } = request;
  const provider = endpoint.provider;
  const headers = response.headers;
  const reader = response.body?.[Symbol.asyncIterator]();
  let first: IteratorResult<Uint8Array> = { done: true, value: undefined };
  if (reader) {
    try {
      first = await reader.next();
    } catch (cause) {
      return failure(request, control, cause);
    }
  }
  control.clearDeadline();

  const framing = (headers["content-type"] ?? "").includes("application/vnd.amazon.eventstream") ? "aws-event-stream" : "sse";
  const isStreamEnd = request.isStreamEnd === undefined ? defaultStreamEnd(provider) : request.isStreamEnd;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    if (first.done || !reader) return;
    try {
      yield first.value;
      for (;;) {
        const next = await reader.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      // Leaving early: let the client release the body (the request itself is aborted by `events`).
      await reader.return?.();
    }
  }
  async function* events(): AsyncGenerator<unknown> {
    try {
      yield* readProviderEvents(chunks(), { provider, framing, isStreamEnd });
    } catch (error) {
      if (control.abortedByCaller) throw new ProviderAbortError(provider, signal?.reason);
      const scrub = scrubberOf(request);
      if (error instanceof ProviderError) throw scrubError(error, scrub);
      // A connection lost mid-stream is the same failure as a stream closed early (streamBroken): the provider's.
      throw new ProviderError({
        provider,
        providerMessage: scrub(`stream interrupted: ${errorText(error)}`),
        errorType: "PROVIDER_ERROR",
        isRetryable: true,
        cause: error,
      });
    } finally {
      // Runs on normal end, on errors, and when the consumer leaves the loop early.
      control.release();
      control.requestAbort.abort();
    }
  }
  return {
    ok: true,
    response: {
      kind: "stream",
      status: response.status,
      headers,
      events: events(),
      abort: () => {
        control.abortedByCaller = true;
        control.release();
        control.requestAbort.abort();
      },
    },
  };
}

function errorFromResponse(
  provider: string,
  response: HttpResponse,
  text: string,
  scrub: <T>(value: T) => T,
  now: () => number,
): ProviderError {
  const body = parseJsonOrUndefined(text);
  const providerMessage = extractProviderMessage(body) ?? fallbackMessage(text, response.status, response.statusText);
  const headers = headerLookup(response.headers);
  const shouldRetry = shouldRetryHeader(headers);
  return new ProviderError({
    provider,
    status: response.status,
    providerMessage: scrub(providerMessage),
    ...(shouldRetry === undefined ? {} : { isRetryable: shouldRetry }),
    retryAfterMs: retryAfterFromHeaders(headers, now()) ?? retryAfterFromBody(body),
    responseBody: scrub(body ?? text),
  });
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
}

/** The same error with any credential the provider echoed back taken out. */
function scrubError(error: ProviderError, scrub: <T>(value: T) => T): ProviderError {
  const providerMessage = scrub(error.providerMessage);
  const responseBody = scrub(error.responseBody);
  if (providerMessage === error.providerMessage && JSON.stringify(responseBody) === JSON.stringify(error.responseBody)) return error;
  return new ProviderError({
    provider: error.provider,
    status: error.status,
    providerMessage,
    isRetryable: error.isRetryable,
    retryAfterMs: error.retryAfterMs,
    errorType: error.errorType,
    responseBody,
  });
}
