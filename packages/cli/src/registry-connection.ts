import { InvalidRequestError, RegistryError, UnauthorizedError } from "@promptline/core";
import { RegistryApi, type RegistryRefusal } from "promptline";
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

/** The server's refusal of a key's role (`forbidden` with `required_role`), as a CLI user acts on it. */
function roleRefusal(body: unknown): string | undefined {
  const error = (body as { error?: { code?: unknown; required_role?: unknown; role?: unknown } } | undefined)?.error;
  if (error?.code !== "forbidden" || typeof error.required_role !== "string") return undefined;
  const needed = error.required_role;
  const role = typeof error.role === "string" ? `; this key is a ${error.role} key` : "";
  return `This command needs the ${needed} role${role}. Run it with a ${needed} (or higher) key through --api-key or PROMPTLINE_API_KEY; an admin can make one with \`promptline keys create <name> --role ${needed}\`.`;
}

/**
 * The SDK's error for a failed call, worded for a terminal with the CLI's
 * exit codes (the SDK maps statuses to errors; this only says them the CLI's
 * way). A command's own not-found errors and answers that don't fit the wire
 * contract (`UnexpectedResponseError`) pass through.
 */
export function cliErrorOf(error: Error, answer: RegistryRefusal | undefined, baseURL: string): Error {
  if (error instanceof CliError) return error;
  if (!answer) {
    if (error instanceof RegistryError) {
      return new CliError(`Cannot reach the Promptline server at ${baseURL}: start it with \`promptline serve\`, or point PROMPTLINE_BASE_URL (or --base-url) at it.`);
    }
    return error;
  }
  const { status, message } = answer;
  if (status === 404 && !(error instanceof InvalidRequestError)) return error; // the command's own not-found error
  if (error instanceof UnauthorizedError && status === 401) {
    return new CliError(`The server refused the API key (${message}): set PROMPTLINE_API_KEY or --api-key to a key of ${baseURL}.`);
  }
  // A valid key whose role may not do this: said in the CLI's terms, not as the HTTP route refused.
  if (status === 403) return new CliError(roleRefusal(answer.body) ?? message);
  if (status === 404) return new CliError(message, ExitCode.notFound);
  if (status >= 400 && status < 500) return new CliError(message, ExitCode.usage);
  return new CliError(`The server at ${baseURL} answered ${status}: ${message}`);
}

/** The registry's `/api/v1` as the CLI's commands use it: the SDK's client, failures in the CLI's words. */
export function connectRegistry(connection: ServerConnection, fetchImpl: typeof fetch = fetch): RegistryApi {
  return new RegistryApi({
    baseURL: connection.baseURL,
    apiKey: connection.apiKey,
    fetch: fetchImpl,
    timeoutMs: 30_000,
    present: (error, answer) => cliErrorOf(error, answer, connection.baseURL),
  });
}
