import {
  InvalidRequestError,
  PromptlineError,
  PromptNotFoundError,
  RegistryError,
  MissingApiKeyError,
  UnauthorizedError,
  type LogRecordInput,
  type PromptTemplate,
  type SnippetUse,
  type TemplateMetadata,
} from "@promptline/core";

export interface RegistryClientOptions {
  baseURL: string;
  apiKey: string | undefined;
  fetch: typeof fetch;
  /** Per-request timeout for registry calls. */
  timeoutMs: number;
}

/** A stored version as our API returns it (`GET /api/v1/prompts/{name}/template`). */
export interface RegistryVersion {
  prompt: { id: number; name: string; tags: string[] };
  version: {
    id: number;
    version: number;
    /** Snippets expanded by the registry (`expand_snippets=true`), as `POST /prompt-templates/{name}` expands them. */
    prompt_template: PromptTemplate;
    metadata: TemplateMetadata;
    commit_message: string | null;
    /** The snippet versions used (decision 0009). */
    snippets?: SnippetUse[];
  };
  labels: string[];
  /** The workspace's registry revision read before the version: the answer is at least this new (decision 0008). */
  registry_revision?: number;
  /** Fetched by a split or segmented label: its definition (decision 0008). */
  label?: { name: string; split: { version: number; weight: number }[]; sticky_by?: string | null; segments?: { metadata: Record<string, string>; version: number }[] | null };
  /** With `label`: every version it names, so `run()` can pick one per run without asking again. */
  versions?: RegistryVersion["version"][];
}

export interface BatchResult {
  results: { request_id: string; id: number; created: boolean }[];
}

function messageOf(body: unknown, fallback: string): string {
  if (typeof body === "object" && body !== null) {
    const record = body as Record<string, unknown>;
    for (const key of ["message", "error", "detail"]) {
      const value = record[key];
      if (typeof value === "string" && value) return value;
      if (typeof value === "object" && value !== null && typeof (value as { message?: unknown }).message === "string") {
        return (value as { message: string }).message;
      }
    }
  }
  return fallback;
}

/** A 404 that names another prompt than the one asked for: a snippet of it is missing; the same error as the server's. */
function missingSnippet(body: unknown, asked: string): PromptNotFoundError | undefined {
  const error = (body as { error?: { code?: unknown; prompt_name?: unknown; version?: unknown; label?: unknown } } | undefined)?.error;
  if (error?.code !== "prompt_not_found" || typeof error.prompt_name !== "string" || error.prompt_name === asked) return undefined;
  return new PromptNotFoundError(error.prompt_name, {
    ...(typeof error.version === "number" && { version: error.version }),
    ...(typeof error.label === "string" && { label: error.label }),
  });
}

/** The labels the server says the prompt has (a 404 for a label it lacks), when it says. */
function existingLabelsOf(body: unknown): { existingLabels?: string[] } {
  const labels = (body as { error?: { existing_labels?: unknown } } | undefined)?.error?.existing_labels;
  return Array.isArray(labels) && labels.every((label) => typeof label === "string") ? { existingLabels: labels } : {};
}

/**
 * Whether a registry failure may pass on its own (network, timeout, 5xx, 429):
 * worth retrying, and a reason to keep serving a stale prompt. A definitive
 * answer (404, 401, another 4xx) is not. Errors from outside our family (a
 * custom `fetch` that throws) count as transient.
 */
export function isTransientRegistryError(error: unknown): boolean {
  if (error instanceof RegistryError) return error.isRetryable;
  return !(error instanceof PromptlineError);
}

/**
 * The one owner of HTTP to the registry: auth header, timeout, JSON, and the
 * mapping of statuses to the error family (404 → PromptNotFoundError,
 * 401 → UnauthorizedError, other 4xx → InvalidRequestError, 5xx/429/network
 * → retryable RegistryError). It never retries: the cache and the log shipper
 * decide that, each with its own budget.
 */
export class RegistryClient {
  constructor(private readonly options: RegistryClientOptions) {}

  get baseURL(): string {
    return this.options.baseURL;
  }

  get apiKey(): string | undefined {
    return this.options.apiKey;
  }

  async request<T>(method: string, path: string, body?: unknown, notFound?: (body: unknown) => Error, signal?: AbortSignal): Promise<T> {
    // Every registry route needs a key: say which setting is missing rather than relay the server's 401.
    if (!this.options.apiKey) throw new MissingApiKeyError();
    const headers: Record<string, string> = { accept: "application/json", "x-api-key": this.options.apiKey };
    if (body !== undefined) headers["content-type"] = "application/json";
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await this.options.fetch(`${this.options.baseURL}${path}`, {
        method,
        headers,
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      // Inside the try: a body cut off or timed out mid-way is as transient as a refused connection.
      text = await response.text();
    } catch (error) {
      const timedOut = timeout.aborted;
      throw new RegistryError(
        timedOut
          ? `The registry at ${this.options.baseURL} did not answer within ${this.options.timeoutMs} ms.`
          : `Cannot reach the registry at ${this.options.baseURL}: is \`promptline serve\` running, and is PROMPTLINE_BASE_URL right?`,
        { isRetryable: true, cause: error },
      );
    }
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (response.ok) return parsed as T;
    const message = messageOf(parsed, `${response.status} ${response.statusText}`);
    if (response.status === 404 && notFound) throw notFound(parsed);
    if (response.status === 401 || response.status === 403) {
      throw new UnauthorizedError(`The registry refused the API key (${message}): set PROMPTLINE_API_KEY or pass apiKey.`);
    }
    if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
      throw new InvalidRequestError(message);
    }
    throw new RegistryError(`The registry answered ${response.status}: ${message}`, { status: response.status });
  }

  /** One version, unrendered: what the prompt cache keeps. */
  getVersion(name: string, selector: { version?: number | undefined; label?: string | undefined }, signal?: AbortSignal): Promise<RegistryVersion> {
    const query = new URLSearchParams();
    if (selector.version !== undefined) query.set("version", String(selector.version));
    if (selector.label !== undefined) query.set("label", selector.label);
    // Snippets expanded by the registry, with the server's resolver: one expansion for both paths (decision 0009).
    query.set("expand_snippets", "true");
    return this.request<RegistryVersion>(
      "GET",
      `/api/v1/prompts/${encodeURIComponent(name)}/template?${query}`,
      undefined,
      (body) =>
        missingSnippet(body, name) ??
        new PromptNotFoundError(
          name,
          selector.version !== undefined
            ? { version: selector.version }
            : selector.label !== undefined
              ? { label: selector.label, ...existingLabelsOf(body) }
              : {},
        ),
      signal,
    );
  }

  sendBatch(records: readonly LogRecordInput[]): Promise<BatchResult> {
    return this.request<BatchResult>("POST", "/api/v1/requests:batch", { records });
  }
}
