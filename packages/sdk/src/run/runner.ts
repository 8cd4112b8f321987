import {
  buildBlueprint,
  buildDeltaBlueprint,
  costUsd,
  prepareRequest,
  ProviderError,
  streamAccumulatorFor,
  stripSecrets,
  type LogRecordInput,
  type PreparedRequest,
  type PromptTemplate,
  type RequestStatus,
  type TemplateMetadata,
  type Usage,
} from "@promptline/core";
import type { LogShipper } from "../logging/log-shipper.js";
import type { PromptSelector } from "../registry/prompt-cache.js";
import { ProviderAbortError, resolveProviderEndpoint, sendProviderRequest, type ProviderEnv } from "../transport/index.js";
import type { NormalizedRunParams } from "./run-params.js";
import { servedVersion, type CachedSplit } from "./served-version.js";
import type { RunChunk, RunResult } from "./run-result.js";

/** A prompt version as the cache keeps it. */
export interface CachedPrompt {
  name: string;
  version: number | null;
  template: PromptTemplate;
  metadata: TemplateMetadata;
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
}

export interface RunnerDependencies {
  getPrompt: (selector: PromptSelector) => Promise<CachedPrompt>;
  shipper: LogShipper;
  env: ProviderEnv;
  fetch: typeof fetch;
  now: () => number;
  mintRequestId: () => string;
  strictVariables: boolean;
  provider: ProviderCallOptions;
  /** Origins a template's `base_url` may name besides the official and the environment's ones. */
  allowedBaseURLs?: readonly string[];
  /** Told each warning of each run (the default prints each distinct one once per process). */
  onWarning: (warning: string) => void;
}

/** The context of one run, for its log record. */
interface RunContext {
  requestId: string;
  params: NormalizedRunParams;
  prompt: CachedPrompt;
  prepared: PreparedRequest;
  startedAt: number;
}

/**
 * `run()`: cached template → local render → provider call over `fetch` →
 * blueprint built locally → log record queued for the background shipper.
 * Nothing here waits for the registry once the template is cached.
 */
export class Runner {
  constructor(private readonly deps: RunnerDependencies) {}

  async run(params: NormalizedRunParams): Promise<RunResult | AsyncIterable<RunChunk>> {
    const cached = await this.deps.getPrompt({
      name: params.promptName,
      version: params.promptVersion,
      label: params.promptReleaseLabel,
    });
    // A split label: the version is picked here, from the run's metadata, with no registry request.
    const prompt = servedVersion(cached, params.metadata);
    const prepared = prepareRequest({
      template: prompt.template,
      metadata: prompt.metadata,
      variables: params.inputVariables,
      mode: this.deps.strictVariables ? "strict" : "compatible",
      provider: params.provider,
      model: params.model,
      parameterOverrides: params.modelParameterOverrides,
      allowDroppedResponseFormat: params.allowDroppedResponseFormat,
    });
    const endpoint = resolveProviderEndpoint(prepared.model.provider, this.deps.env, {
      ...(prepared.model.base_url && { baseURL: prepared.model.base_url }),
      trust: { allowedBaseURLs: this.deps.allowedBaseURLs },
    });
    for (const warning of prepared.warnings) this.deps.onWarning(warning);
    const context: RunContext = { requestId: this.deps.mintRequestId(), params, prompt, prepared, startedAt: this.deps.now() };
    const { path, body, headers } = prepared.codec.toHttpRequest(prepared.kwargs, { stream: params.stream });
    let response;
    try {
      response = await sendProviderRequest({
        endpoint,
        path,
        body,
        ...(headers && { headers }),
        stream: params.stream,
        fetch: this.deps.fetch,
        ...(params.signal && { signal: params.signal }),
        ...this.deps.provider,
      });
    } catch (error) {
      this.logFailure(context, error, null);
      throw error;
    }
    if (response.kind === "json") {
      try {
        return this.complete(context, response.body);
      } catch (error) {
        // A response the codec can't read (a provider changed its shape): still logged, with the body.
        this.logFailure(context, error, null, response.body);
        throw error;
      }
    }
    return this.stream(context, response.events);
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
    this.log(context, { status: "SUCCESS", response: raw, blueprint, usage: prepared.codec.usage(raw) });
    return { request_id: context.requestId, raw_response: raw, prompt_blueprint: blueprint, warnings: [...prepared.warnings] };
  }

  private async *stream(context: RunContext, events: AsyncIterable<unknown>): AsyncGenerator<RunChunk> {
    const { prepared } = context;
    const accumulator = streamAccumulatorFor(prepared.codec, prepared.kwargs);
    let finished = false;
    try {
      for await (const event of events) {
        const delta = accumulator.push(event);
        yield {
          request_id: context.requestId,
          raw_response: event,
          prompt_blueprint: buildDeltaBlueprint(delta, prepared.model),
          warnings: [...prepared.warnings],
          done: false,
        };
      }
      finished = true;
      const last = this.complete(context, accumulator.response());
      yield { ...last, done: true };
    } catch (error) {
      finished = true;
      this.logFailure(context, error, accumulator.usage(), accumulator.response());
      throw error;
    } finally {
      // The caller left the loop early: the events iterator's return() aborted the request.
      if (!finished) this.log(context, { status: "CANCELLED", response: accumulator.response(), usage: accumulator.usage(), errorType: "CANCELLED", errorMessage: "The caller stopped reading the stream." });
    }
  }

  private logFailure(context: RunContext, error: unknown, usage: Usage | null, response: unknown = null): void {
    if (error instanceof ProviderAbortError) {
      this.log(context, { status: "CANCELLED", response, usage, errorType: "CANCELLED", errorMessage: error.message });
      return;
    }
    const providerError = error instanceof ProviderError ? error : undefined;
    this.log(context, {
      status: "ERROR",
      response: providerError?.responseBody ?? response,
      usage,
      errorType: providerError?.errorType ?? "UNKNOWN_ERROR",
      errorMessage: error instanceof Error ? error.message : String(error),
    });
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
  ): void {
    const { params, prompt, prepared, startedAt } = context;
    const endedAt = this.deps.now();
    const model = prepared.model;
    const record: LogRecordInput = {
      request_id: context.requestId,
      prompt_name: prompt.name,
      prompt_version: prompt.version,
      prompt_label: params.promptReleaseLabel ?? null,
      tags: params.tags,
      metadata: params.metadata,
      group_id: params.groupId ?? null,
      input_variables: params.inputVariables,
      status: outcome.status,
      provider: model.provider,
      model: model.name,
      function_name: prepared.functionName,
      usage: outcome.usage,
      cost_usd: costUsd(model.provider, model.name, outcome.usage),
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
    };
    this.deps.shipper.enqueue(record);
  }
}
