import { randomBytes } from "node:crypto";
import {
  InvalidRequestError,
  PromptNotFoundError,
  uuidv7,
  type LogRecordInput,
  type PromptTemplate,
  type TemplateMetadata,
} from "@promptline/core";
import { LogShipper, type FlushResult, type ShipperStats } from "./logging/log-shipper.js";
import { PromptCache, type PromptSelector } from "./registry/prompt-cache.js";
import { RegistryClient } from "./registry/registry-client.js";
import { normalizeRunParams, type RunParams } from "./run/run-params.js";
import type { RunChunk, RunResult } from "./run/run-result.js";
import { Runner, type CachedPrompt, type ProviderCallOptions } from "./run/runner.js";
import type { ProviderEnv } from "./transport/index.js";

/** A template to use when the registry can't be reached (a cold start with the registry down). */
export interface FallbackPrompt {
  prompt_name: string;
  prompt_template: PromptTemplate;
  metadata: TemplateMetadata;
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
  /** The longest `run()` waits for the registry on a cold cache before using a fallback or failing. Default 2000 ms. */
  registryTimeoutMs?: number;
  /** Templates for a cold start with the registry down, by prompt name. */
  fallbackPrompts?: FallbackPrompt[];
  /** Missing input variables are an error (default); false renders them empty, as PromptLayer does. */
  strictVariables?: boolean;
  /** Provider calls: retries, timeouts. */
  providerOptions?: ProviderCallOptions;
  /** Log shipping: batch size, interval, queue bound. */
  logging?: { batchSize?: number; flushIntervalMs?: number; maxQueueSize?: number; retryBaseDelayMs?: number; maxRetryDelayMs?: number };
  /** Called with registry and logging failures, which never reach `run()`'s caller. Default: `console.warn` once per minute. */
  onError?: (error: unknown) => void;
  /** Flush pending logs when the process is about to exit. Default true. */
  flushOnExit?: boolean;
  /** Where provider keys come from. Default `process.env`. */
  env?: ProviderEnv;
  fetch?: typeof fetch;
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
 * console.log(prompt_blueprint.prompt_template.type === "chat" && prompt_blueprint.prompt_template.messages.at(-1));
 * await client.close();
 */
export class Promptline {
  readonly templates: {
    /** PromptLayer's template fetch, rendered by the server with `llm_kwargs` (contract §3.1). */
    get: (promptName: string, params?: Record<string, unknown>) => Promise<unknown>;
    /** Publishes a version (PromptLayer's body: prompt_name, prompt_template, metadata, tags, commit_message, release_labels). */
    publish: (body: PublishBody) => Promise<unknown>;
    /** PromptLayer's template list: the items of one page. */
    all: (params?: { page?: number; per_page?: number; label?: string }) => Promise<unknown[]>;
  };
  readonly track: {
    metadata: (args: { request_id: string | number; metadata: Record<string, string> }) => Promise<boolean>;
    score: (args: { request_id: string | number; score: number; name?: string }) => Promise<boolean>;
    prompt: (args: { request_id: string | number; prompt_name: string; prompt_input_variables?: Record<string, unknown>; version?: number; label?: string }) => Promise<boolean>;
    group: (args: { request_id: string | number; group_id: number }) => Promise<boolean>;
  };
  readonly group: { create: () => Promise<number> };

  private readonly registry: RegistryClient;
  private readonly cache: PromptCache<CachedPrompt>;
  private readonly shipper: LogShipper;
  private readonly runner: Runner;
  private readonly exitHook: (() => void) | undefined;

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
    const fallbacks = new Map((options.fallbackPrompts ?? []).map((prompt) => [prompt.prompt_name, prompt]));
    this.cache = new PromptCache<CachedPrompt>({
      load: async (selector, signal) => {
        const found = await this.registry.getVersion(selector.name, selector, signal);
        return {
          name: found.prompt.name,
          version: found.version.version,
          template: found.version.prompt_template,
          metadata: found.version.metadata,
        };
      },
      ttlMs: (options.cacheTtlSeconds ?? 60) * 1000,
      fetchTimeoutMs: options.registryTimeoutMs ?? 2000,
      fallback: (selector: PromptSelector) => {
        const prompt = fallbacks.get(selector.name);
        return prompt && { name: prompt.prompt_name, version: prompt.version ?? null, template: prompt.prompt_template, metadata: prompt.metadata };
      },
      now,
      onError,
    });
    this.shipper = new LogShipper({ sendBatch: (records) => this.registry.sendBatch(records), onError, ...options.logging });
    this.runner = new Runner({
      getPrompt: (selector) => this.cache.get(selector),
      shipper: this.shipper,
      env,
      fetch: fetchImpl,
      now,
      mintRequestId: () => uuidv7(now(), randomBytes(10)),
      strictVariables: options.strictVariables ?? true,
      provider: options.providerOptions ?? {},
    });

    this.templates = {
      get: (promptName, params = {}) =>
        this.registry.request("POST", `/prompt-templates/${encodeURIComponent(promptName)}`, params, () => new PromptNotFoundError(promptName)),
      publish: async (body) => {
        const { release_labels, ...version } = body;
        const result = await this.registry.request("POST", "/rest/prompt-templates", {
          prompt_template: version,
          prompt_version: version,
          release_labels: release_labels ?? undefined,
        });
        this.cache.invalidate(body.prompt_name);
        return result;
      },
      all: async (params = {}) => {
        const query = new URLSearchParams(Object.entries(params).filter(([, value]) => value !== undefined).map(([key, value]) => [key, String(value)]));
        const page = await this.registry.request<{ items?: unknown[] }>("GET", `/prompt-templates${query.size ? `?${query}` : ""}`);
        return page.items ?? [];
      },
    };

    // track.* follow the request's own log record through the queue, so they work on a request the registry hasn't received yet.
    const track = (requestId: string | number, route: string, body: Record<string, unknown>) =>
      new Promise<boolean>((resolve) => {
        this.shipper.enqueueAction(`${route} ${requestId}`, async () => {
          try {
            await this.registry.request("POST", `/api/v1/requests/${encodeURIComponent(String(requestId))}/${route}`, body);
            resolve(true);
          } catch (error) {
            if (!(error instanceof Error && "isRetryable" in error && error.isRetryable)) resolve(false);
            throw error;
          }
        });
      });
    this.track = {
      metadata: ({ request_id, metadata }) => {
        for (const [key, value] of Object.entries(metadata)) {
          if (typeof value !== "string") throw new InvalidRequestError(`track.metadata: the value of "${key}" must be a string.`);
        }
        return track(request_id, "metadata", { metadata });
      },
      score: ({ request_id, score, name }) => {
        if (!(score >= 0 && score <= 100)) throw new InvalidRequestError(`track.score: score must be between 0 and 100, got ${score}.`);
        return track(request_id, "score", { score, ...(name && { name }) });
      },
      prompt: ({ request_id, prompt_name, prompt_input_variables, version, label }) =>
        track(request_id, "prompt", { prompt_name, input_variables: prompt_input_variables ?? null, version: version ?? null, label: label ?? null }),
      group: ({ request_id, group_id }) => track(request_id, "group", { group_id }),
    };
    this.group = {
      create: async () => (await this.registry.request<{ id: number }>("POST", "/api/v1/groups", {})).id,
    };

    if (options.flushOnExit ?? true) {
      this.exitHook = () => void this.shipper.flush({ timeoutMs: 5000 });
      process.once("beforeExit", this.exitHook);
    }
  }

  /**
   * Runs a prompt: the template from the cache (fetched once), rendered
   * locally, sent to its provider with the key from the environment, and
   * logged in the background.
   *
   * @example
   * const result = await client.run({ promptName: "summarise", inputVariables: { text } });
   * for await (const chunk of await client.run({ promptName: "summarise", inputVariables: { text }, stream: true })) {
   *   process.stdout.write(chunk.raw_response ? "" : "");
   * }
   */
  run(params: RunParams & { stream: true }): Promise<AsyncIterable<RunChunk>>;
  run(params: RunParams & { stream?: false }): Promise<RunResult>;
  run(params: RunParams): Promise<RunResult | AsyncIterable<RunChunk>>;
  async run(params: RunParams): Promise<RunResult | AsyncIterable<RunChunk>> {
    return this.runner.run(normalizeRunParams(params));
  }

  /** Logs a request made outside `run()` (PromptLayer's `logRequest`, contract §9). */
  logRequest(body: Record<string, unknown>): Promise<unknown> {
    return this.registry.request("POST", "/log-request", body);
  }

  /** Resolves when every log queued before the call has reached the registry (or `timeoutMs` passed); says what is still pending. */
  flush(options: { timeoutMs?: number } = {}): Promise<FlushResult> {
    return this.shipper.flush(options);
  }

  /** Flushes and stops the background work. */
  async close(options: { timeoutMs?: number } = {}): Promise<FlushResult> {
    if (this.exitHook) process.removeListener("beforeExit", this.exitHook);
    return this.shipper.close(options);
  }

  /** Log shipping counters: queued, delivered, dropped. */
  stats(): ShipperStats & { templateFetches: number } {
    return { ...this.shipper.getStats(), templateFetches: this.cache.fetchCount };
  }
}

export interface PublishBody {
  prompt_name: string;
  prompt_template: PromptTemplate;
  metadata?: TemplateMetadata;
  tags?: string[];
  commit_message?: string;
  release_labels?: string[];
  [key: string]: unknown;
}

export type { LogRecordInput };
