import { InvalidRequestError, PromptlineError, PromptNotFoundError, RegistryError, MissingApiKeyError, UnauthorizedError } from "@promptline/core/errors";
import type { LogRecordInput } from "@promptline/core/schemas";
import { batchAnswer, readAnswer, templateAnswerBody, type BatchAnswer, type TemplateAnswer, type VersionAnswer } from "@promptline/core/wire";
import type { z } from "zod";

export interface RegistryClientOptions {
  baseURL: string;
  apiKey: string | undefined;
  fetch: typeof fetch;
  /** Per-request timeout for registry calls. */
  timeoutMs: number;
  /**
   * How a failure is shown to the caller's user: given the error this client
   * mapped (and, when the server answered, its status, body and message),
   * returns the error to throw. The CLI words failures for a terminal and
   * picks exit codes with it; the SDK throws its own errors unchanged.
   */
  present?: (error: Error, answer: RegistryRefusal | undefined) => Error;
}

/** A non-2xx answer of the registry. */
export interface RegistryRefusal {
  status: number;
  /** The body as JSON, or undefined when it was empty or not JSON. */
  body: unknown;
  /** The server's message (`message`, `error.message`…), or the status line. */
  message: string;
}

type VersionEntry = Pick<VersionAnswer, "id" | "version" | "prompt_template" | "metadata" | "commit_message" | "snippets">;

/**
 * What the SDK reads of `GET /api/v1/prompts/{name}/template` (the wire
 * contract's `TemplateAnswer`, decision 0015): the version, and for a split
 * label its definition and every version it names (decision 0008).
 */
export type RegistryVersion = Pick<TemplateAnswer, "labels" | "registry_revision" | "label"> & {
  prompt: Pick<TemplateAnswer["prompt"], "id" | "name" | "tags" | "archived_at">;
  version: VersionEntry;
  versions?: VersionEntry[];
};

export type BatchResult = BatchAnswer;

/** How one call reads its answer: the wire schema, and the route named when the answer doesn't fit it. */
export interface RegistryCallOptions<Answer extends z.ZodType> {
  /** Omitted for a route that answers nothing to read (204). */
  answer?: Answer;
  /** The documented route, e.g. `GET /api/v1/prompts/{name}/template` (default: the method and path). */
  route?: string;
  body?: unknown;
  notFound?: (body: unknown) => Error;
  signal?: AbortSignal;
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

  /**
   * One call whose answer is read through its wire schema: unknown fields
   * pass, a wrong field is an `UnexpectedResponseError` naming the route.
   */
  async call<Answer extends z.ZodType>(method: string, path: string, options: RegistryCallOptions<Answer>): Promise<z.output<Answer>> {
    const body = await this.send(method, path, options.body, options.notFound, options.signal);
    if (!options.answer) return undefined as z.output<Answer>;
    return readAnswer(options.answer, options.route ?? `${method} ${path.split("?")[0]}`, body);
  }

  private async send(method: string, path: string, body: unknown, notFound: ((body: unknown) => Error) | undefined, signal: AbortSignal | undefined): Promise<unknown> {
    let refusal: RegistryRefusal | undefined;
    try {
      return await this.exchange(method, path, body, notFound, signal, (answer) => (refusal = answer));
    } catch (error) {
      const present = this.options.present;
      throw present && error instanceof Error ? present(error, refusal) : error;
    }
  }

  private async exchange(
    method: string,
    path: string,
    body: unknown,
    notFound: ((body: unknown) => Error) | undefined,
    signal: AbortSignal | undefined,
    refused: (answer: RegistryRefusal) => void,
  ): Promise<unknown> {
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
    if (response.ok) return parsed;
    const message = messageOf(parsed, `${response.status} ${response.statusText}`);
    refused({ status: response.status, body: parsed, message });
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
    return this.call("GET", `/api/v1/prompts/${encodeURIComponent(name)}/template?${query}`, {
      answer: templateAnswerBody,
      route: "GET /api/v1/prompts/{name}/template",
      notFound: (body) =>
        missingSnippet(body, name) ??
        new PromptNotFoundError(
          name,
          selector.version !== undefined
            ? { version: selector.version }
            : selector.label !== undefined
              ? { label: selector.label, ...existingLabelsOf(body) }
              : {},
        ),
      ...(signal && { signal }),
    });
  }

  sendBatch(records: readonly LogRecordInput[]): Promise<BatchResult> {
    return this.call("POST", "/api/v1/requests:batch", { answer: batchAnswer, body: { records } });
  }
}
