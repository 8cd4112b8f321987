import { ProviderError, PromptlineError } from "@promptline/core/errors";
import type { Attempt, LogRecordInput, PromptTemplate, RequestStatus, SnippetUse, TemplateMetadata, Usage } from "@promptline/core/schemas";
import type { RenderLimits } from "@promptline/core/render";
import { answerText, answerToolCalls, buildBlueprint, buildDeltaBlueprint, streamAccumulatorFor } from "@promptline/core/codecs";
import { costUsd } from "@promptline/core/usage";
import { buildLogRecord } from "@promptline/core/log-record";
import { stripSecrets } from "@promptline/core/secrets";
import { prepareRequest, type PreparedRequest } from "@promptline/core/pipeline";
import type { LogShipper } from "../logging/log-shipper.js";
import type { PromptSelector } from "../registry/prompt-cache.js";
import { ProviderAbortError, rememberingEndpointResolver, sendProviderRequest, type EndpointRequest, type HttpClient, type ProviderEndpoint, type ProviderEnv, type ProviderResponse, type SendProviderRequestArgs } from "../transport/index.js";
import type { CircuitBreakers } from "./circuit-breaker.js";
import { fallbackTargets, isFallbackError, type FallbackTarget } from "./fallbacks.js";
import type { NormalizedRunParams } from "./run-params.js";
import { servedVersion, type CachedSplit } from "./served-version.js";
import type { RunChunk, RunFinalChunk, RunResult } from "./run-result.js";
import { OwnedStream, stoppedReadingReason } from "./owned-stream.js";
import { RunSpan, type TracingOptions } from "../tracing/run-span.js";

/** A prompt version as the cache keeps it. */
export interface CachedPrompt {
  name: string;
  version: number | null;
  /** Snippets already expanded by the registry (decision 0009). */
  template: PromptTemplate;
  metadata: TemplateMetadata;
  /** The snippet versions `template` was expanded with, for the log record. */
  snippets?: SnippetUse[];
  /** The registry revision the server read it at (decision 0008); unknown for fallbacks and older servers. */
  registryRevision?: number;
  /** Set when fetched by a split or segmented label: `run()` picks the version per run (decision 0008). */
  split?: CachedSplit;
}

export interface ProviderCallOptions {
  /** Retries of 408/409/429/5xx before the answer starts. Default 2. */
  maxRetries?: number;
  /** Total time for a non-streamed answer, or to the first byte of a stream. Default 600 000 ms. */
  timeoutMs?: number;
  /** Most time spent waiting between retries. Default 30 000 ms. */
  retryBudgetMs?: number;
  /**
   * How long a streamed result waits for its caller to read it (the first
   * chunk, and each next one) before its request is aborted and logged
   * CANCELLED. Default 60 000 ms; `Infinity` waits forever. Decision 0020.
   */
  unreadStreamTimeoutMs?: number;
}

export const defaultUnreadStreamTimeoutMs = 60_000;

export interface RunnerDependencies {
  /** The cached prompt at once when warm (no await on the hot path), else a promise of it. */
  getPrompt: (selector: PromptSelector) => CachedPrompt | Promise<CachedPrompt>;
  shipper: LogShipper;
  env: ProviderEnv;
  /** For what endpoints fetch themselves (a Vertex token). */
  fetch: typeof fetch;
  /** How provider requests go out. */
  http: HttpClient;
  now: () => number;
  mintRequestId: () => string;
  strictVariables: boolean;
  /** Limits of local rendering; core's defaults when absent. */
  renderLimits?: RenderLimits;
  provider: ProviderCallOptions;
  /** Origins a template's `base_url` may name besides the official and the environment's ones. */
  allowedBaseURLs?: readonly string[];
  /** Told each warning of each run (the default prints each distinct one once per process). */
  onWarning: (warning: string) => void;
  circuits: CircuitBreakers;
  /** Spans of runs through `@opentelemetry/api`, when it is installed and a tracer provider registered. */
  tracing?: TracingOptions;
}

/** The context of one run, for its log record. */
interface RunContext {
  requestId: string;
  params: NormalizedRunParams;
  prompt: CachedPrompt;
  prepared: PreparedRequest;
  startedAt: number;
  /** Every provider call so far, in order; the last one is `prepared`'s. */
  attempts: Attempt[];
  /** The run's OpenTelemetry span (a no-op one when tracing is off). */
  span: RunSpan;
}

/**
 * `run()`: cached template → local render → provider call over `fetch` →
 * blueprint built locally → log record queued for the background shipper.
 * Nothing here waits for the registry once the template is cached.
 */
export class Runner {
  /** Streams handed to callers and not over yet: `cancelStreams()` (on `client.close()`) ends them. */
  private readonly openStreams = new Set<OwnedStream<RunChunk>>();
  private readonly transportOptions: Omit<ProviderCallOptions, "unreadStreamTimeoutMs">;
  private readonly unreadStreamTimeoutMs: number;
  /** Endpoints remembered between runs, while the variables they were read from are unchanged. */
  private readonly resolveEndpoint: (request: EndpointRequest) => ProviderEndpoint;

  constructor(private readonly deps: RunnerDependencies) {
    const { unreadStreamTimeoutMs, ...transportOptions } = deps.provider;
    this.transportOptions = transportOptions;
    this.unreadStreamTimeoutMs = unreadStreamTimeoutMs ?? defaultUnreadStreamTimeoutMs;
    this.resolveEndpoint = rememberingEndpointResolver(deps.env, { trust: { allowedBaseURLs: deps.allowedBaseURLs }, fetch: deps.fetch });
  }

  /** Aborts every stream not read to its end yet, each logged CANCELLED with `reason` (a pending read throws). */
  cancelStreams(reason: string): void {
    for (const stream of [...this.openStreams]) stream.cancel(reason);
  }

  async run(params: NormalizedRunParams): Promise<RunResult | AsyncIterable<RunChunk>> {
    const found = this.deps.getPrompt({
      name: params.promptName,
      version: params.promptVersion,
      label: params.promptReleaseLabel,
    });
    const cached = found instanceof Promise ? await found : found;
    // A split label: the version is picked here, from the run's metadata, with no registry request.
    const prompt = servedVersion(cached, params.metadata);
    const primary = prepareRequest({
      template: prompt.template,
      metadata: prompt.metadata,
      variables: params.inputVariables,
      mode: this.deps.strictVariables ? "strict" : "compatible",
      limits: this.deps.renderLimits,
      provider: params.provider,
      model: params.model,
      parameterOverrides: params.modelParameterOverrides,
      allowDroppedResponseFormat: params.allowDroppedResponseFormat,
    });
    // A missing key or an untrusted endpoint of the primary fails before anything is sent or logged.
    const endpoint = this.endpointFor(primary);
    for (const warning of primary.warnings) this.deps.onWarning(warning);
    const targets = fallbackTargets(params.fallbacks, primary.model);
    const requestId = this.deps.mintRequestId();
    const starting = RunSpan.start(this.deps.tracing, primary, { name: prompt.name, version: prompt.version, label: params.promptReleaseLabel ?? null }, requestId);
    const span = starting instanceof RunSpan ? starting : await starting;
    const context: RunContext = { requestId, params, prompt, prepared: primary, startedAt: this.deps.now(), attempts: [], span };
    // The provider calls run inside the span: an instrumented fetch's spans are its children.
    return await span.activate(() => this.runChain(context, primary, endpoint, targets));
  }

  private async runChain(context: RunContext, primary: PreparedRequest, firstEndpoint: ProviderEndpoint, targets: FallbackTarget[]): Promise<RunResult | AsyncIterable<RunChunk>> {
    let endpoint = firstEndpoint;
    for (let index = 0; ; index++) {
      const isLast = index === targets.length;
      const outcome = await this.attempt(context, endpoint, isLast);
      if (outcome.ok) {
        if (outcome.response.kind === "json") {
          try {
            return this.complete(context, outcome.response.body);
          } catch (error) {
            // A response the codec can't read (a provider changed its shape): still logged, with the body.
            this.logFailure(context, error, null, outcome.response.body);
            throw error;
          }
        }
        return this.stream(context, outcome.events ?? outcome.response.events, outcome.response.abort, endpoint);
      }
      if (isLast || !outcome.fallBack) {
        this.logFailure(context, outcome.error, null);
        throw outcome.error;
      }
      // The next entry: the template translated to its provider and model, as an override would be.
      try {
        context.prepared = this.prepareFallback(context, primary, targets[index] as FallbackTarget);
        endpoint = this.endpointFor(context.prepared);
        for (const warning of context.prepared.warnings) this.deps.onWarning(warning);
      } catch (error) {
        this.logFailure(context, error, null);
        throw error;
      }
    }
  }

  private endpointFor(prepared: PreparedRequest): ProviderEndpoint {
    return this.resolveEndpoint({ provider: prepared.model.provider, baseURL: prepared.model.base_url, apiKeyEnv: prepared.model.api_key_env });
  }

  private prepareFallback(context: RunContext, primary: PreparedRequest, target: FallbackTarget): PreparedRequest {
    const { params, prompt } = context;
    // From the primary's settings (run()'s overrides applied), without its chain: a fallback has none of its own.
    const { fallbacks: _chain, ...model } = primary.model;
    return prepareRequest({
      template: prompt.template,
      metadata: { ...prompt.metadata, model },
      variables: params.inputVariables,
      mode: this.deps.strictVariables ? "strict" : "compatible",
      limits: this.deps.renderLimits,
      provider: target.provider,
      model: target.model,
      parameterOverrides: target.parameters,
      allowDroppedResponseFormat: params.allowDroppedResponseFormat,
    });
  }

  /**
   * One entry of the chain: skipped while its circuit is open (unless it is
   * the last), else sent with the transport's own retries. A stream that
   * may still fall back is read up to its first event before it counts as
   * answered.
   */
  private async attempt(
    context: RunContext,
    endpoint: ProviderEndpoint,
    isLast: boolean,
  ): Promise<{ ok: true; response: ProviderResponse; events?: AsyncIterable<unknown> } | { ok: false; error: unknown; fallBack: boolean }> {
    const { prepared, params } = context;
    const { provider, name: model } = prepared.model;
    const { circuits } = this.deps;
    const attempt: Attempt = { provider, model, status: "SUCCESS", error_type: null, latency_ms: 0 };
    context.attempts.push(attempt);
    if (circuits.admit(provider, endpoint.baseURL, isLast) === "skip") {
      attempt.status = "SKIPPED";
      attempt.error_type = "CIRCUIT_OPEN";
      const error = new ProviderError({ provider, providerMessage: `skipped: ${provider} at ${endpoint.baseURL} failed repeatedly (circuit open)`, errorType: "PROVIDER_ERROR", isRetryable: true });
      return { ok: false, error, fallBack: true };
    }
    const startedAt = this.deps.now();
    const { path, body, headers } = prepared.codec.toHttpRequest(prepared.kwargs, { stream: params.stream });
    try {
      // Built once, without the spread temporaries of optional fields (this runs on every run()).
      const request: SendProviderRequestArgs = { ...this.transportOptions, endpoint, path, body, stream: params.stream, http: this.deps.http };
      if (headers) request.headers = headers;
      if (params.signal) request.signal = params.signal;
      const response = await sendProviderRequest(request);
      const events = response.kind === "stream" && !isLast ? await startedStream(response.events) : undefined;
      attempt.latency_ms = this.deps.now() - startedAt;
      circuits.recordSuccess(provider, endpoint.baseURL);
      return events ? { ok: true, response, events } : { ok: true, response };
    } catch (error) {
      attempt.latency_ms = this.deps.now() - startedAt;
      const cancelled = error instanceof ProviderAbortError;
      attempt.status = cancelled ? "CANCELLED" : "ERROR";
      attempt.error_type = cancelled ? "CANCELLED" : error instanceof ProviderError ? error.errorType : "UNKNOWN_ERROR";
      const fallBack = isFallbackError(error);
      if (fallBack) circuits.recordFailure(provider, endpoint.baseURL);
      else circuits.release(provider, endpoint.baseURL);
      return { ok: false, error, fallBack };
    }
  }

  private complete(context: RunContext, raw: unknown): RunResult {
    const { prepared } = context;
    const blueprint = buildBlueprint({
      codec: prepared.codec,
      kwargs: prepared.kwargs,
      response: raw,
      provider: prepared.model.provider,
      apiType: prepared.model.api_type,
    });
    const usage = prepared.codec.usage(raw);
    const logged = this.log(context, { status: "SUCCESS", response: raw, blueprint, usage });
    context.span.succeed(raw, usage, blueprint.prompt_template.type === "chat" ? blueprint.prompt_template.messages.at(-1) : undefined);
    return {
      request_id: context.requestId,
      raw_response: raw,
      prompt_blueprint: blueprint,
      warnings: [...prepared.warnings],
      text: answerText(blueprint),
      tool_calls: answerToolCalls(blueprint),
      usage,
      cost_usd: logged.cost_usd,
      provider: prepared.model.provider,
      model: prepared.model.name,
      prompt_version: context.prompt.version,
      latency_ms: logged.latency_ms,
    };
  }

  /** The stream handed to the caller: it owns the request, and is cancelled if left unread (decision 0020). */
  private stream(context: RunContext, events: AsyncIterable<unknown>, abortRequest: () => void, endpoint: ProviderEndpoint): AsyncIterable<RunChunk> {
    const { prepared, params } = context;
    const accumulator = streamAccumulatorFor(prepared.codec, prepared.kwargs);
    const outcome = { logged: false };
    const onAbort = () => owned.cancel("request aborted by the caller");
    const owned: OwnedStream<RunChunk> = new OwnedStream(this.streamChunks(context, events, endpoint, accumulator, outcome), {
      unreadTimeoutMs: this.unreadStreamTimeoutMs,
      onCancel: (reason) => {
        abortRequest();
        if (outcome.logged) return;
        outcome.logged = true;
        this.logCancelled(context, accumulator, reason);
      },
      onSettled: () => {
        this.openStreams.delete(owned);
        params.signal?.removeEventListener("abort", onAbort);
      },
      cancelledError: (reason) => new ProviderAbortError(prepared.model.provider, new Error(reason)),
      isLast: (chunk) => chunk.done,
    });
    this.openStreams.add(owned);
    // The caller's signal cancels a stream it never reads too (the transport only hears it while a read is pending).
    if (params.signal?.aborted) owned.cancel("request aborted by the caller");
    else params.signal?.addEventListener("abort", onAbort, { once: true });
    return owned;
  }

  private async *streamChunks(
    context: RunContext,
    events: AsyncIterable<unknown>,
    endpoint: ProviderEndpoint,
    accumulator: ReturnType<typeof streamAccumulatorFor>,
    outcome: { logged: boolean },
  ): AsyncGenerator<RunChunk> {
    const { prepared } = context;
    let finished = false;
    try {
      for await (const event of events) {
        const delta = buildDeltaBlueprint(accumulator.push(event), prepared.model);
        yield {
          request_id: context.requestId,
          raw_response: event,
          prompt_blueprint: delta,
          warnings: [...prepared.warnings],
          provider: prepared.model.provider,
          model: prepared.model.name,
          prompt_version: context.prompt.version,
          text_delta: answerText(delta) ?? "",
          done: false,
        };
      }
      finished = true;
      const last: RunFinalChunk = { ...this.complete(context, accumulator.response()), text_delta: "", done: true };
      outcome.logged = true;
      yield last;
    } catch (error) {
      finished = true;
      // Cancelled (and logged) by its owner: the abort is what broke the read.
      if (outcome.logged) throw error;
      outcome.logged = true;
      // Cut after its first chunk: the answer has begun, so no fallback; the attempt and its endpoint failed.
      const attempt = context.attempts.at(-1);
      if (attempt) {
        attempt.status = error instanceof ProviderAbortError ? "CANCELLED" : "ERROR";
        attempt.error_type = error instanceof ProviderAbortError ? "CANCELLED" : error instanceof ProviderError ? error.errorType : "UNKNOWN_ERROR";
      }
      if (isFallbackError(error)) this.deps.circuits.recordFailure(context.prepared.model.provider, endpoint.baseURL);
      this.logFailure(context, error, accumulator.usage(), accumulator.response());
      throw error;
    } finally {
      // The caller left the loop early: the events iterator's return() aborted the request.
      if (!finished && !outcome.logged) {
        outcome.logged = true;
        this.logCancelled(context, accumulator, stoppedReadingReason);
      }
    }
  }

  /** A stream the caller stopped reading, or never read: logged CANCELLED with the usage so far. */
  private logCancelled(context: RunContext, accumulator: ReturnType<typeof streamAccumulatorFor>, reason: string): void {
    const attempt = context.attempts.at(-1);
    if (attempt) {
      attempt.status = "CANCELLED";
      attempt.error_type = "CANCELLED";
    }
    const usage = accumulator.usage();
    this.log(context, { status: "CANCELLED", response: accumulator.response(), usage, errorType: "CANCELLED", errorMessage: reason });
    context.span.fail("CANCELLED", reason, usage);
  }

  private logFailure(context: RunContext, error: unknown, usage: Usage | null, response: unknown = null): void {
    // The caller can look the logged failure up by the error alone.
    if (PromptlineError.isInstance(error)) error.requestId = context.requestId;
    if (error instanceof ProviderAbortError) {
      this.log(context, { status: "CANCELLED", response, usage, errorType: "CANCELLED", errorMessage: error.message });
      context.span.fail("CANCELLED", error.message, usage);
      return;
    }
    const providerError = error instanceof ProviderError ? error : undefined;
    const errorType = providerError?.errorType ?? "UNKNOWN_ERROR";
    const errorMessage = error instanceof Error ? error.message : String(error);
    this.log(context, { status: "ERROR", response: providerError?.responseBody ?? response, usage, errorType, errorMessage });
    context.span.fail(errorType, errorMessage, usage);
  }

  private log(
    context: RunContext,
    outcome: {
      status: RequestStatus;
      response: unknown;
      usage: Usage | null;
      blueprint?: RunResult["prompt_blueprint"];
      errorType?: LogRecordInput["error_type"];
      errorMessage?: string;
    },
  ): { cost_usd: number | null; latency_ms: number } {
    const { params, prompt, prepared, startedAt } = context;
    const endedAt = this.deps.now();
    const model = prepared.model;
    const cost = costUsd(model.provider, model.name, outcome.usage);
    // The moment and the caller's trace are read now; the record itself is assembled when its batch is
    // taken, after the caller has its answer (it only copies what the run gathered, none of it changed later).
    const traceIds = context.span.traceIds();
    const inputVariables = loggedInputVariables(params.inputVariables);
    this.deps.shipper.enqueue(() => buildLogRecord({
      request_id: context.requestId,
      prompt_name: prompt.name,
      prompt_version: prompt.version,
      prompt_label: params.promptReleaseLabel ?? null,
      tags: params.tags,
      metadata: params.metadata,
      group_id: params.groupId ?? null,
      input_variables: inputVariables,
      status: outcome.status,
      provider: model.provider,
      model: model.name,
      function_name: prepared.functionName,
      usage: outcome.usage,
      cost_usd: cost,
      latency_ms: endedAt - startedAt,
      request_start_time: new Date(startedAt).toISOString(),
      request_end_time: new Date(endedAt).toISOString(),
      request: stripSecrets(prepared.kwargs),
      response: outcome.response ?? null,
      prompt_blueprint:
        outcome.blueprint ??
        buildBlueprint({ codec: prepared.codec, kwargs: prepared.kwargs, provider: model.provider, apiType: model.api_type }),
      error_type: outcome.errorType ?? null,
      error_message: outcome.errorMessage ?? null,
      warnings: prepared.warnings,
      snippets: prompt.snippets ?? [],
      attempts: context.attempts,
      // The request inside the caller's trace (our span, or theirs when ours doesn't record).
      ...traceIds,
    }));
    return { cost_usd: cost, latency_ms: endedAt - startedAt };
  }
}

/**
 * The input variables as their record will send them, fixed when the run is
 * logged: the run's copy is shallow, and the record is serialised later
 * (decision 0033), so a nested value the caller keeps changing (a chat
 * history it pushes the answer onto) would be logged as it is then. Only
 * variables with an object or array value are copied; as JSON, since that
 * is what is sent. A value JSON can't write (a cycle, a BigInt) is left as
 * it was: the send reports it, as before.
 */
function loggedInputVariables(variables: Record<string, unknown>): Record<string, unknown> {
  for (const key in variables) {
    const value = variables[key];
    if (value === null || typeof value !== "object") continue;
    try {
      return JSON.parse(JSON.stringify(variables)) as Record<string, unknown>;
    } catch {
      return variables;
    }
  }
  return variables;
}

/**
 * Reads a stream up to its first event, so that a stream failing before it
 * can still fall back; the events are then served from that point on.
 */
async function startedStream(events: AsyncIterable<unknown>): Promise<AsyncIterable<unknown>> {
  const iterator = events[Symbol.asyncIterator]();
  const first = await iterator.next();
  return {
    [Symbol.asyncIterator]: () => {
      let pending: IteratorResult<unknown> | undefined = first;
      return {
        next: () => {
          if (pending === undefined) return iterator.next();
          const result = pending;
          pending = undefined;
          return Promise.resolve(result);
        },
        return: (value?: unknown) => iterator.return?.(value) ?? Promise.resolve({ done: true, value }),
        throw: (error?: unknown) => iterator.throw?.(error) ?? Promise.reject(error),
      };
    },
  };
}
