import { InvalidRequestError, ClientClosedError, InvalidTemplateError, PromptArchivedError, PromptNotFoundError } from "@promptline/core/errors";
import { promptTemplateSchema, templateMetadataSchema, type LogRecordInput } from "@promptline/core/schemas";
import { resolveRenderLimits, type RenderLimits } from "@promptline/core/render";
import { randomIdBytes, uuidv7 } from "@promptline/core/ids";
import {
  groupAnswer,
  logRequestAnswer,
  publishTemplateAnswer,
  successAnswer,
  templateListPageAnswer,
  templateResponseAnswer,
} from "@promptline/core/wire";
import type { GroupClient, LogRequestBody, LogRequestResponse, PromptTemplateInput, TemplateMetadataInput, TemplatesClient, TrackClient } from "./api-types.js";
import { LogShipper, type FlushResult, type ShipperStats } from "./logging/log-shipper.js";
import { createFileLogSpool } from "./logging/log-spool.js";
import { loadPromptFiles } from "./prompt-files/load-prompt-files.js";
import { PromptCache, type PromptSelector } from "./registry/prompt-cache.js";
import { isTransientRegistryError, RegistryClient } from "./registry/registry-client.js";
import { normalizeRunParams, type RunParams } from "./run/run-params.js";
import type { RunChunk, RunResult } from "./run/run-result.js";
import { CircuitBreakers, type CircuitBreakerOptions, type CircuitSnapshot } from "./run/circuit-breaker.js";
import { Runner, type CachedPrompt, type ProviderCallOptions } from "./run/runner.js";
import type { TracingOptions } from "./tracing/run-span.js";
import { cachedPromptOf } from "./run/served-version.js";
import { RevisionWatcher, type RevisionWatcherStats } from "./registry/revision-watcher.js";
import { warnOncePerProcess } from "./run/warn-once.js";
import { allowedOrigins, defaultHttpClient, fetchHttpClient, type HttpClient, type ProviderEnv } from "./transport/index.js";

/** A template to use when the registry can't be reached (a cold start with the registry down). */
export interface FallbackPrompt {
  prompt_name: string;
  prompt_template: PromptTemplateInput;
  /** Must hold `model` (provider and name). */
  metadata: TemplateMetadataInput;
  /** Reported as the version in logs; null when unknown. */
  version?: number | null;
}

export interface PromptlineOptions {
  /** Default: `PROMPTLINE_API_KEY`. */
  apiKey?: string;
  /** Default: `PROMPTLINE_BASE_URL`, else `http://localhost:8600`. */
  baseURL?: string;
  /** How long a fetched template is fresh; after that it is served while refreshed in the background. Default 60. 0 refreshes on every call (still served from cache meanwhile). */
  cacheTtlSeconds?: number;
  /**
   * Keep one long poll open to the registry (`GET /api/v1/registry/revision`)
   * so a publish, label move, split, snippet change or deletion reaches this
   * client within about a second, whatever `cacheTtlSeconds` is; warm runs
   * still send nothing. It never keeps the process alive and `close()` ends
   * it; when the registry is unreachable the TTL is the backstop. Default true.
   */
  liveUpdates?: boolean;
  /** The longest `run()` waits for the registry on a cold cache before using a fallback or failing. Default 2000 ms. */
  registryTimeoutMs?: number;
  /** Templates for a cold start with the registry down, by prompt name. */
  fallbackPrompts?: FallbackPrompt[];
  /** Prompt files or folders (YAML or JSON, as `promptline pull` writes them) read on first need as fallbacks; `fallbackPrompts` win for the same name. */
  fallbackPromptFiles?: string | string[];
  /** Missing input variables are an error (default); false renders them empty, as PromptLayer does. */
  strictVariables?: boolean;
  /**
   * Raise (or lower) the limits of local rendering (`RenderLimits`: output
   * size, string and list lengths, steps, wall time…; docs/reliability.md).
   * Going over one makes `run()` throw `TemplateLimitError`.
   */
  renderLimits?: Partial<RenderLimits>;
  /** Provider calls: retries, timeouts. */
  providerOptions?: ProviderCallOptions;
  /**
   * Per provider endpoint: after `failureThreshold` failed attempts in a row
   * (each after its retries; default 5) a run with fallbacks skips it for
   * `cooldownMs` (default 30 000), then lets one probe through. The last
   * entry of a chain is always tried. State: `stats().circuits`.
   */
  circuitBreaker?: CircuitBreakerOptions;
  /** Log shipping: batch size, interval, queue bound, and a spool directory for what `close()` can't deliver. */
  logging?: {
    batchSize?: number;
    flushIntervalMs?: number;
    maxQueueSize?: number;
    retryBaseDelayMs?: number;
    maxRetryDelayMs?: number;
    /**
     * A directory where `close()` writes the records it could not deliver (the
     * registry down, or `timeoutMs` passed) before it resolves; the next client
     * with the same directory ships them on start. For serverless functions and
     * short scripts: nothing queued is lost to an outage. Files are 0600 and hold
     * the requests' inputs and answers.
     */
    spoolDir?: string;
  };
  /** Called with registry and logging failures (a refresh that failed, a batch not delivered yet, a record dropped), which never reach `run()`'s caller. Default: `console.warn`, at most once a minute. */
  onError?: (error: unknown) => void;
  /** Told each warning of each run (also on the result's `warnings` and in the log). Default: `console.warn`, each distinct warning once per process. */
  onWarning?: (warning: string) => void;
  /** Flush pending logs when the process is about to exit. Default true. */
  flushOnExit?: boolean;
  /** Where provider keys and endpoints (and `PROMPTLINE_*` defaults) come from. Default `process.env`. Keys are never passed in code. */
  env?: ProviderEnv;
  /**
   * Origins a template's `metadata.model.base_url` may send provider keys to,
   * besides each provider's official endpoint and the base URLs of `env`
   * (`OPENAI_BASE_URL`, …), e.g. `["https://llm-gateway.internal"]`. Added to
   * `PROMPTLINE_ALLOWED_BASE_URLS` (comma-separated). A template naming any
   * other origin makes `run()` throw `UntrustedBaseURLError` before sending anything.
   */
  allowedBaseURLs?: string[];
  /**
   * OpenTelemetry spans of `run()` (GenAI semantic conventions), made through
   * `@opentelemetry/api` when it is installed and a tracer provider is
   * registered; nothing otherwise. Each log record carries the active trace
   * and span ids. Prompt text and answers stay off spans unless
   * `captureContent` is true. See docs/sdk.md, "Tracing".
   */
  tracing?: TracingOptions;
  /** The `fetch` used for the registry, and for the providers unless `httpClient` is given. Default: the global one. */
  fetch?: typeof fetch;
  /**
   * How provider requests go out (decision 0016). Default: undici's
   * dispatcher, keep-alive connections per origin, shared by the process
   * (`defaultHttpClient()`); when `fetch` is given, that `fetch`.
   *
   * @example
   * import { fetchHttpClient, undiciHttpClient } from "promptline";
   * new Promptline({ httpClient: fetchHttpClient() }); // the global fetch, as before 0016
   * new Promptline({ httpClient: undiciHttpClient({ connectionsPerOrigin: 16 }) });
   */
  httpClient?: HttpClient;
  /** The clock, in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
}

const defaultBaseURL = "http://localhost:8600";

function rateLimitedWarn(): (error: unknown) => void {
  let last = 0;
  return (error) => {
    const now = Date.now();
    if (now - last < 60_000) return;
    last = now;
    console.warn(`[promptline] ${error instanceof Error ? error.message : String(error)}`);
  };
}

/**
 * The Promptline client: runs prompts from your registry against the
 * providers, locally, and logs every request in the background.
 *
 * @example
 * import { Promptline } from "promptline";
 * const client = new Promptline(); // PROMPTLINE_API_KEY, PROMPTLINE_BASE_URL
 * const { request_id, prompt_blueprint } = await client.run({
 *   promptName: "welcome",
 *   promptReleaseLabel: "prod",
 *   inputVariables: { name: "Ada" },
 *   tags: ["onboarding"],
 * });
 * const answer = prompt_blueprint.prompt_template.type === "chat" ? prompt_blueprint.prompt_template.messages.at(-1) : undefined;
 * await client.close();
 */
export class Promptline {
  /**
   * Templates in the registry: `get` (rendered by the server, with
   * `llm_kwargs`), `publish` (a new version), `all` (a page of prompts).
   *
   * @example
   * await client.templates.publish({ prompt_name: "welcome", prompt_template, metadata: { model: { provider: "openai", name: "gpt-4o-mini" } } });
   * const { llm_kwargs } = await client.templates.get("welcome", { input_variables: { name: "Ada" } });
   */
  readonly templates: TemplatesClient;
  /**
   * Annotates a logged request (metadata, score, prompt, group). Works right
   * after `run()`, before the log has reached the registry.
   *
   * @example
   * const { request_id } = await client.run({ promptName: "welcome" });
   * await client.track.score({ request_id, score: 100 });
   */
  readonly track: TrackClient;
  /**
   * @example
   * const groupId = await client.group.create();
   */
  readonly group: GroupClient;

  private readonly registry: RegistryClient;
  private readonly cache: PromptCache<CachedPrompt>;
  private readonly shipper: LogShipper;
  private readonly runner: Runner;
  private readonly watcher: RevisionWatcher | undefined;
  private readonly circuits: CircuitBreakers;
  private readonly exitHook: (() => void) | undefined;
  private closed = false;

  constructor(options: PromptlineOptions = {}) {
    const env = options.env ?? process.env;
    const onError = options.onError ?? rateLimitedWarn();
    const baseURL = (options.baseURL ?? env.PROMPTLINE_BASE_URL ?? defaultBaseURL).replace(/\/+$/, "");
    const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    const now = options.now ?? Date.now;
    this.registry = new RegistryClient({
      baseURL,
      apiKey: (options.apiKey ?? env.PROMPTLINE_API_KEY)?.trim() || undefined,
      fetch: fetchImpl,
      timeoutMs: 30_000,
    });
    const fallbacks = new Map((options.fallbackPrompts ?? []).map((prompt) => [prompt.prompt_name, parseFallback(prompt)]));
    // Read once, when a fallback is first needed (a cold start with the registry down).
    let files: Promise<Map<string, CachedPrompt>> | undefined;
    const fromFiles = () => {
      if (options.fallbackPromptFiles === undefined) return undefined;
      files ??= loadPromptFiles(options.fallbackPromptFiles).then((prompts) => new Map(prompts.map((prompt) => [prompt.prompt_name, parseFallback(prompt)])));
      return files;
    };
    this.cache = new PromptCache<CachedPrompt>({
      load: async (selector, signal) => {
        const found = await this.registry.getVersion(selector.name, selector, signal);
        // Readable (for the dashboard and `promptline pull`), but not to run.
        if (found.prompt.archived_at) throw new PromptArchivedError(found.prompt.name, found.prompt.archived_at);
        return cachedPromptOf(found);
      },
      ttlMs: (options.cacheTtlSeconds ?? 60) * 1000,
      fetchTimeoutMs: options.registryTimeoutMs ?? 2000,
      revisionOf: (prompt) => prompt.registryRevision,
      fallback: async (selector: PromptSelector) => fallbacks.get(selector.name) ?? (await fromFiles())?.get(selector.name),
      now,
      onError,
    });
    if (options.liveUpdates ?? true) {
      this.watcher = new RevisionWatcher({ baseURL, apiKey: this.registry.apiKey, onChange: (revision) => this.cache.refreshTo(revision) });
    }
    this.circuits = new CircuitBreakers(options.circuitBreaker ?? {}, now);
    const { spoolDir, ...logging } = options.logging ?? {};
    this.shipper = new LogShipper({
      sendBatch: (records) => this.registry.sendBatch(records),
      onError,
      ...logging,
      ...(spoolDir !== undefined && { spool: createFileLogSpool(spoolDir, onError) }),
    });
    // What an earlier process spooled goes out first, in the background.
    void this.shipper.restoreSpool();
    this.runner = new Runner({
      getPrompt: (selector) => {
        // Started on the first run, not at construction: a client that only logs or publishes opens nothing.
        this.watcher?.start();
        return this.cache.peek(selector) ?? this.cache.get(selector);
      },
      shipper: this.shipper,
      env,
      fetch: fetchImpl,
      http: options.httpClient ?? (options.fetch ? fetchHttpClient(options.fetch) : defaultHttpClient()),
      now,
      mintRequestId: () => uuidv7(now(), randomIdBytes()),
      strictVariables: options.strictVariables ?? true,
      ...(options.renderLimits && { renderLimits: resolveRenderLimits(options.renderLimits) }),
      provider: options.providerOptions ?? {},
      // Checked now: a typo in the allow list shows at start-up, not at the first run.
      allowedBaseURLs: [...allowedOrigins(env, options.allowedBaseURLs)],
      onWarning: options.onWarning ?? warnOncePerProcess,
      circuits: this.circuits,
      ...(options.tracing && { tracing: options.tracing }),
    });

    this.templates = {
      get: (promptName, params = {}) =>
        this.registry.call("POST", `/prompt-templates/${encodeURIComponent(promptName)}`, {
          answer: templateResponseAnswer,
          route: "POST /prompt-templates/{identifier}",
          body: params,
          notFound: () => new PromptNotFoundError(promptName, notFoundSelector(params)),
        }),
      publish: async (body) => {
        const { release_labels, ...version } = body;
        const result = await this.registry.call("POST", "/rest/prompt-templates", {
          answer: publishTemplateAnswer,
          body: { prompt_template: version, prompt_version: version, release_labels: release_labels ?? undefined },
        });
        this.cache.invalidate(body.prompt_name);
        return result;
      },
      all: async (params = {}) => {
        const query = new URLSearchParams(Object.entries(params).filter(([, value]) => value !== undefined).map(([key, value]) => [key, String(value)]));
        const page = await this.registry.call("GET", `/prompt-templates${query.size ? `?${query}` : ""}`, { answer: templateListPageAnswer });
        return page.items ?? [];
      },
    };

    // track.* follow the request's own log record through the queue, so they work on a request the registry hasn't received yet.
    const track = (requestId: string | number, route: string, body: Record<string, unknown>) =>
      new Promise<boolean>((resolve) => {
        // A closed shipper drops the action without running it: answer now rather than never.
        if (this.closed) {
          resolve(false);
          return;
        }
        this.shipper.enqueueAction(`${route} ${requestId}`, async () => {
          try {
            await this.registry.call("POST", `/api/v1/requests/${encodeURIComponent(String(requestId))}/${route}`, {
              answer: successAnswer,
              route: `POST /api/v1/requests/{request_id}/${route}`,
              body,
            });
            resolve(true);
          } catch (error) {
            if (!isTransientRegistryError(error)) resolve(false);
            throw error;
          }
        }, () => resolve(false));
      });
    this.track = {
      metadata: async ({ request_id, metadata }) => {
        for (const [key, value] of Object.entries(metadata)) {
          if (typeof value !== "string") throw new InvalidRequestError(`track.metadata: the value of "${key}" must be a string.`);
        }
        return track(request_id, "metadata", { metadata });
      },
      score: async ({ request_id, score, name }) => {
        if (!(score >= 0 && score <= 100)) throw new InvalidRequestError(`track.score: score must be between 0 and 100, got ${score}.`);
        return track(request_id, "score", { score, ...(name && { name }) });
      },
      prompt: async ({ request_id, prompt_name, prompt_input_variables, version, label }) =>
        track(request_id, "prompt", { prompt_name, input_variables: prompt_input_variables ?? null, version: version ?? null, label: label ?? null }),
      group: async ({ request_id, group_id }) => track(request_id, "group", { group_id }),
    };
    this.group = {
      create: async () => (await this.registry.call("POST", "/api/v1/groups", { answer: groupIdAnswer, body: {} })).id,
    };

    if (options.flushOnExit ?? true) {
      this.exitHook = () => void this.shipper.flush({ timeoutMs: 5000 });
      process.once("beforeExit", this.exitHook);
    }
  }

  /**
   * Runs a prompt: the template from the cache (fetched once), rendered
   * locally, sent to its provider with the key from the environment, and
   * logged in the background. Resolves to `{ request_id, raw_response,
   * prompt_blueprint }`; with `stream: true`, to an async iterable of chunks
   * of that shape (the last one has `done: true` and the complete blueprint).
   * Leaving the loop early cancels the provider request.
   *
   * @throws MissingVariablesError, PromptNotFoundError, InvalidRequestError,
   *   MissingProviderKeyError, UntrustedBaseURLError (before any provider request); ProviderError
   *   (after logging the request as ERROR); ProviderAbortError (`signal`);
   *   RegistryError (cold cache, registry unreachable, no fallback).
   *
   * @example
   * const { request_id, raw_response, prompt_blueprint } = await client.run({
   *   promptName: "summarise",
   *   inputVariables: { text },
   *   tags: ["batch"],
   * });
   *
   * @example
   * for await (const chunk of await client.run({ promptName: "summarise", inputVariables: { text }, stream: true })) {
   *   if (chunk.done) console.log(chunk.prompt_blueprint); // the whole conversation
   *   else console.log(chunk.raw_response); // one provider event
   * }
   */
  run(params: RunParams & { stream: true }): Promise<AsyncIterable<RunChunk>>;
  run(params: RunParams & { stream?: false }): Promise<RunResult>;
  run(params: RunParams): Promise<RunResult | AsyncIterable<RunChunk>>;
  async run(params: RunParams): Promise<RunResult | AsyncIterable<RunChunk>> {
    // After close() the log could never be shipped: refuse before anything is sent.
    if (this.closed) throw new ClientClosedError("run()");
    // Awaited here: returning the runner's promise from an async function costs two more microtask turns.
    return await this.runner.run(normalizeRunParams(params));
  }

  /**
   * Logs a request made outside `run()` (PromptLayer's `logRequest`). Sent at
   * once, not queued; resolves to the stored request.
   *
   * @example
   * const logged = await client.logRequest({
   *   provider: "openai",
   *   model: "gpt-4o-mini",
   *   input: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] },
   *   output: { type: "chat", messages: [{ role: "assistant", content: [{ type: "text", text: "Hello!" }] }] },
   *   request_start_time: started,
   *   request_end_time: Date.now(),
   *   input_tokens: 3,
   *   output_tokens: 2,
   * });
   */
  logRequest(body: LogRequestBody): Promise<LogRequestResponse> {
    return this.registry.call("POST", "/log-request", { answer: logRequestAnswer, body });
  }

  /**
   * Resolves when every log (and track call) queued before the call has
   * reached the registry, or when `timeoutMs` has passed; says what is still
   * pending. Never throws.
   *
   * @example
   * const { pending, dropped } = await client.flush({ timeoutMs: 5000 });
   * if (pending > 0) console.warn(`${pending} logs not delivered yet`);
   */
  flush(options: { timeoutMs?: number } = {}): Promise<FlushResult> {
    return this.shipper.flush(options);
  }

  /**
   * Flushes, then stops the background work; logs made after it are dropped
   * (and counted). Call it before a short-lived process (a script, a
   * serverless function) ends.
   *
   * @example
   * process.on("SIGTERM", async () => {
   *   await client.close({ timeoutMs: 5000 });
   *   process.exit(0);
   * });
   */
  async close(options: { timeoutMs?: number } = {}): Promise<FlushResult> {
    this.closed = true;
    // A stream not read to its end could never ship its log: cancel it now, so its CANCELLED record goes with the flush.
    this.runner.cancelStreams("The client was closed before the stream was read to its end.");
    this.watcher?.close();
    if (this.exitHook) process.removeListener("beforeExit", this.exitHook);
    return this.shipper.close(options);
  }

  /**
   * Log shipping counters: queued, delivered, dropped; how many template
   * fetches reached the registry; the provider endpoints that failed
   * lately, with their circuit state (`closed` ones have failures below the
   * threshold; an endpoint whose last attempt succeeded is not listed); and
   * the live-update channel's state (null with `liveUpdates: false`).
   */
  stats(): ShipperStats & { templateFetches: number; circuits: CircuitSnapshot[]; liveUpdates: RevisionWatcherStats | null } {
    return {
      ...this.shipper.getStats(),
      templateFetches: this.cache.fetchCount,
      circuits: this.circuits.snapshot(),
      liveUpdates: this.watcher?.stats() ?? null,
    };
  }
}

/** Of `POST /api/v1/groups`, the SDK reads the id only. */
const groupIdAnswer = groupAnswer.pick({ id: true });

/** A fallback prompt, validated now so that a mistake shows at start-up rather than during an outage. */
function parseFallback(prompt: FallbackPrompt): CachedPrompt {
  const template = promptTemplateSchema.safeParse(prompt.prompt_template);
  const metadata = templateMetadataSchema.safeParse(prompt.metadata);
  if (!template.success || !metadata.success) {
    const issues = [...(template.error?.issues ?? []), ...(metadata.error?.issues ?? [])].map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new InvalidTemplateError(`fallback prompt "${prompt.prompt_name}" is not a valid template: ${issues.join("; ")}`);
  }
  if (!metadata.data.model) throw new InvalidTemplateError(`fallback prompt "${prompt.prompt_name}" has no metadata.model (provider and name)`);
  return { name: prompt.prompt_name, version: prompt.version ?? null, template: template.data, metadata: metadata.data };
}

/** The version or label asked for, for the 404 message. */
function notFoundSelector(params: { version?: unknown; label?: unknown }): { version?: number; label?: string } {
  if (typeof params.version === "number") return { version: params.version };
  if (typeof params.label === "string") return { label: params.label };
  return {};
}

export type { LogRecordInput };
