import { CliError, ExitCode } from "./cli-error.js";

/** How a client command reaches the server. */
export interface ServerConnection {
  baseURL: string;
  apiKey: string;
}

export const defaultBaseURL = "http://localhost:8600";

/**
 * The server to talk to: `--base-url`/`--api-key`, else `PROMPTLINE_BASE_URL`
 * (default http://localhost:8600) and `PROMPTLINE_API_KEY`.
 */
export function resolveConnection(options: { baseUrl?: string; apiKey?: string }, env: Record<string, string | undefined>): ServerConnection {
  const baseURL = (options.baseUrl ?? env.PROMPTLINE_BASE_URL ?? defaultBaseURL).trim().replace(/\/+$/, "");
  const apiKey = (options.apiKey ?? env.PROMPTLINE_API_KEY ?? "").trim();
  if (!/^https?:\/\/./.test(baseURL)) {
    throw new CliError(`The server URL "${baseURL}" is not an http(s) URL: fix PROMPTLINE_BASE_URL or --base-url.`, ExitCode.usage);
  }
  if (!apiKey) {
    throw new CliError(
      "No API key: set PROMPTLINE_API_KEY or pass --api-key (`promptline serve` prints an admin key on its first start).",
      ExitCode.usage,
    );
  }
  return { baseURL, apiKey };
}

function serverMessage(body: unknown, fallback: string): string {
  if (typeof body === "object" && body !== null) {
    const record = body as { message?: unknown; error?: { message?: unknown } };
    if (typeof record.message === "string" && record.message) return record.message;
    if (typeof record.error?.message === "string") return record.error.message;
  }
  return fallback;
}

/** The server's refusal of a key's role (`forbidden` with `required_role`), as a CLI user acts on it. */
function roleRefusal(body: unknown): string | undefined {
  const error = (body as { error?: { code?: unknown; required_role?: unknown; role?: unknown } } | undefined)?.error;
  if (error?.code !== "forbidden" || typeof error.required_role !== "string") return undefined;
  const needed = error.required_role;
  const role = typeof error.role === "string" ? `; this key is a ${error.role} key` : "";
  return `This command needs the ${needed} role${role}. Run it with a ${needed} (or higher) key through --api-key or PROMPTLINE_API_KEY; an admin can make one with \`promptline keys create <name> --role ${needed}\`.`;
}

/**
 * The CLI's small HTTP client for `/api/v1` (push, pull, logs, keys): the
 * API key header, JSON, and errors that say what to do, each with its exit code.
 */
export class ApiClient {
  constructor(
    private readonly connection: ServerConnection,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  get baseURL(): string {
    return this.connection.baseURL;
  }

  async request<T>(method: string, path: string, options: { body?: unknown; query?: URLSearchParams; notFound?: () => Error } = {}): Promise<T> {
    const query = options.query && options.query.size > 0 ? `?${options.query}` : "";
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.connection.baseURL}${path}${query}`, {
        method,
        headers: {
          accept: "application/json",
          "x-api-key": this.connection.apiKey,
          ...(options.body !== undefined && { "content-type": "application/json" }),
        },
        ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch {
      throw new CliError(
        `Cannot reach the Promptline server at ${this.connection.baseURL}: start it with \`promptline serve\`, or point PROMPTLINE_BASE_URL (or --base-url) at it.`,
      );
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    if (response.ok) return body as T;
    const message = serverMessage(body, `${response.status} ${response.statusText}`);
    if (response.status === 404 && options.notFound) throw options.notFound();
    if (response.status === 401) {
      throw new CliError(`The server refused the API key (${message}): set PROMPTLINE_API_KEY or --api-key to a key of ${this.connection.baseURL}.`);
    }
    // A valid key whose role may not do this: said in the CLI's terms, not as the HTTP route refused.
    if (response.status === 403) throw new CliError(roleRefusal(body) ?? message);
    if (response.status === 404) throw new CliError(message, ExitCode.notFound);
    if (response.status >= 400 && response.status < 500) throw new CliError(message, ExitCode.usage);
    throw new CliError(`The server at ${this.connection.baseURL} answered ${response.status}: ${message}`);
  }
}
