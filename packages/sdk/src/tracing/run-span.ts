import type { Attributes, Span } from "@opentelemetry/api";
import type * as OpenTelemetryApi from "@opentelemetry/api";
import type { Usage } from "@promptline/core/schemas";
import { genAiProviderName } from "@promptline/core/provider-registry";
import type { PreparedRequest } from "@promptline/core/pipeline";

type Api = typeof OpenTelemetryApi;

/**
 * `@opentelemetry/api` is an optional peer dependency: loaded once, lazily,
 * and never required. Without it, `run()` makes no span and costs one
 * resolved promise; with it but no tracer provider registered, the API's
 * no-op span (not recording: no attributes are computed).
 */
let loading: Promise<Api | undefined> | undefined;
/** Set once the load settled: later runs start their span without awaiting (nothing before the provider request waits). */
let loaded: { api: Api | undefined } | undefined;
export function loadOpenTelemetry(): Promise<Api | undefined> {
  loading ??= import("@opentelemetry/api").then(
    (api) => {
      loaded = { api };
      return api;
    },
    () => {
      loaded = { api: undefined };
      return undefined;
    },
  );
  return loading;
}

export interface TracingOptions {
  /** Make a span of each `run()`. Default true (free when no tracer provider is registered). */
  enabled?: boolean;
  /** Put the rendered input and the answer on the span (`gen_ai.input.messages`, `gen_ai.output.messages`). Default false: prompts may hold personal data. */
  captureContent?: boolean;
}

/** The trace a run's log record names, so the request appears inside the caller's trace. */
export interface TraceIds {
  trace_id: string;
  span_id: string;
}

/** Request parameters with a GenAI attribute, under the names templates use for them. */
const requestParameters: [string[], string][] = [
  [["temperature"], "gen_ai.request.temperature"],
  [["max_tokens", "max_completion_tokens", "max_output_tokens", "maxOutputTokens"], "gen_ai.request.max_tokens"],
  [["top_p", "topP"], "gen_ai.request.top_p"],
  [["top_k", "topK"], "gen_ai.request.top_k"],
  [["frequency_penalty"], "gen_ai.request.frequency_penalty"],
  [["presence_penalty"], "gen_ai.request.presence_penalty"],
  [["seed"], "gen_ai.request.seed"],
  [["stop", "stop_sequences", "stopSequences"], "gen_ai.request.stop_sequences"],
];

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const validId = (id: string, length: number) => id.length === length && !/^0+$/.test(id);

/** One run's span; every method is a no-op when tracing is off or nothing records. */
export class RunSpan {
  private constructor(
    private readonly api: Api | undefined,
    private readonly span: Span | undefined,
    private readonly captureContent: boolean,
  ) {}

  private ended = false;

  static readonly none = new RunSpan(undefined, undefined, false);

  /**
   * Starts the span of a run, a child of the caller's active span. Named
   * `{operation} {model}` with kind CLIENT, as OpenTelemetry's GenAI
   * conventions ask.
   */
  static start(options: TracingOptions | undefined, prepared: PreparedRequest, prompt: { name: string; version: number | null; label: string | null }, requestId: string): RunSpan | Promise<RunSpan> {
    if (options?.enabled === false) return RunSpan.none;
    // Loaded already (every run but the first): synchronous, so the request goes out in the same tick.
    if (loaded) return RunSpan.open(loaded.api, options, prepared, prompt, requestId);
    return loadOpenTelemetry().then((api) => RunSpan.open(api, options, prepared, prompt, requestId));
  }

  private static open(api: Api | undefined, options: TracingOptions | undefined, prepared: PreparedRequest, prompt: { name: string; version: number | null; label: string | null }, requestId: string): RunSpan {
    if (!api) return RunSpan.none;
    // No tracer provider registered: the API's tracer would hand back a span that records nothing and
    // carries the caller's context, and activating it would change nothing. Skip both (every run pays them);
    // the log record still names the caller's trace (traceIds reads the active span).
    if (!tracerProviderRegistered(api)) return RunSpan.passThrough(api);
    const operation = prepared.kwargs.messages !== undefined || prepared.kwargs.contents !== undefined || prepared.kwargs.input !== undefined ? "chat" : "text_completion";
    const span = api.trace.getTracer("promptline").startSpan(`${operation} ${prepared.model.name}`, { kind: api.SpanKind.CLIENT });
    const runSpan = new RunSpan(api, span, options?.captureContent === true);
    if (!span.isRecording()) return runSpan;
    const provider = genAiProviderName(prepared.model.provider);
    const attributes: Attributes = {
      "gen_ai.operation.name": operation,
      "gen_ai.provider.name": provider,
      "gen_ai.system": provider,
      "gen_ai.request.model": prepared.model.name,
      "promptline.prompt.name": prompt.name,
      "promptline.request_id": requestId,
    };
    if (prompt.version !== null) attributes["promptline.prompt.version"] = prompt.version;
    if (prompt.label) attributes["promptline.prompt.label"] = prompt.label;
    const parameters = { ...prepared.model.parameters, ...prepared.kwargs };
    for (const [names, attribute] of requestParameters) {
      const value = names.map((name) => parameters[name]).find((candidate) => candidate !== undefined && candidate !== null);
      if (typeof value === "number") attributes[attribute] = value;
      else if (typeof value === "string") attributes[attribute] = attribute.endsWith("stop_sequences") ? [value] : value;
      else if (Array.isArray(value) && value.every((item) => typeof item === "string")) attributes[attribute] = value as string[];
    }
    if (runSpan.captureContent) attributes["gen_ai.input.messages"] = JSON.stringify(prepared.kwargs.messages ?? prepared.kwargs.contents ?? prepared.kwargs.input ?? prepared.kwargs.prompt ?? null);
    span.setAttributes(attributes);
    return runSpan;
  }

  /** Per API copy, the span of runs while no tracer provider is registered: stateless, so one serves every run. */
  private static readonly passThroughs = new WeakMap<Api, RunSpan>();

  private static passThrough(api: Api): RunSpan {
    let span = RunSpan.passThroughs.get(api);
    if (!span) RunSpan.passThroughs.set(api, (span = new RunSpan(api, undefined, false)));
    return span;
  }

  /** The ids the log record carries: this span's, or (not recording) the caller's active span's. */
  traceIds(): TraceIds | undefined {
    if (!this.api) return undefined;
    const context = (this.span?.isRecording() ? this.span : this.api.trace.getActiveSpan())?.spanContext();
    if (!context || !validId(context.traceId, 32) || !validId(context.spanId, 16)) return undefined;
    return { trace_id: context.traceId, span_id: context.spanId };
  }

  /** Runs `work` with this span active, so spans made meanwhile (an instrumented `fetch`) are its children. */
  activate<T>(work: () => T): T {
    if (!this.api || !this.span) return work();
    return this.api.context.with(this.api.trace.setSpan(this.api.context.active(), this.span), work);
  }

  /** Ends the span with the answer's model, finish reasons, id and usage. */
  succeed(response: unknown, usage: Usage | null, answer?: unknown): void {
    if (!this.span || this.ended) return;
    this.ended = true;
    if (this.span.isRecording()) {
      this.span.setAttributes({ ...responseAttributes(response), ...usageAttributes(usage) });
      if (this.captureContent && answer !== undefined) this.span.setAttribute("gen_ai.output.messages", JSON.stringify(answer));
    }
    this.span.end();
  }

  /** Ends the span as failed: status ERROR with the message, `error.type` the error's type. */
  fail(errorType: string, message: string, usage: Usage | null = null): void {
    if (!this.span || !this.api || this.ended) return;
    this.ended = true;
    if (this.span.isRecording()) {
      this.span.setAttributes({ "error.type": errorType, ...usageAttributes(usage) });
      this.span.setStatus({ code: this.api.SpanStatusCode.ERROR, message });
    }
    this.span.end();
  }
}

/** The delegate of a `ProxyTracerProvider` that has none: the API's no-op provider (one object per API copy). */
const noopProviders = new WeakMap<Api, unknown>();

/** Whether a tracer provider is registered (globally, through `trace.setGlobalTracerProvider`); checked per run, so a late registration is seen. */
function tracerProviderRegistered(api: Api): boolean {
  const provider = api.trace.getTracerProvider();
  if (!(provider instanceof api.ProxyTracerProvider)) return true;
  let noop = noopProviders.get(api);
  if (noop === undefined) noopProviders.set(api, (noop = new api.ProxyTracerProvider().getDelegate()));
  return provider.getDelegate() !== noop;
}

function usageAttributes(usage: Usage | null): Attributes {
  if (!usage) return {};
  return { "gen_ai.usage.input_tokens": usage.input_tokens, "gen_ai.usage.output_tokens": usage.output_tokens };
}

/** The response model, id and finish reasons, wherever each provider's API puts them. */
export function responseAttributes(response: unknown): Attributes {
  if (!isRecord(response)) return {};
  const attributes: Attributes = {};
  const model = response.model ?? response.modelVersion;
  if (typeof model === "string") attributes["gen_ai.response.model"] = model;
  const id = response.id ?? response.responseId;
  if (typeof id === "string") attributes["gen_ai.response.id"] = id;
  const reasons: string[] = [];
  const push = (value: unknown) => typeof value === "string" && value && reasons.push(value);
  for (const choice of Array.isArray(response.choices) ? response.choices : []) if (isRecord(choice)) push(choice.finish_reason);
  for (const candidate of Array.isArray(response.candidates) ? response.candidates : []) if (isRecord(candidate)) push(candidate.finishReason);
  push(response.stop_reason);
  push(response.stopReason);
  if (response.object === "response") push(response.status);
  if (reasons.length > 0) attributes["gen_ai.response.finish_reasons"] = reasons;
  return attributes;
}
