import { resolveRenderLimits, type RenderLimits } from "@promptline/core";
import { checkOperatorKey, checkSessionSecret, maxRetentionDays, startServer, type RunningServer, type StartServerOptions } from "@promptline/server";
import { println, type CliContext } from "../cli-context.js";
import { CliError, ExitCode } from "../cli-error.js";
import { findDashboardDir, sdkPlayground } from "./dashboard-wiring.js";

export interface ServeOptions {
  port?: number;
  host?: string;
  database?: string;
  retentionDays?: number;
}

/** The database URL with any password hidden, for printing. */
export function redactDatabaseUrl(url: string): string {
  return url.replace(/^([a-z][\w+.-]*:\/\/[^:/@]*:)[^@/]*@/i, "$1***@");
}

/** `PROMPTLINE_RENDER_LIMITS`: a JSON object of render limits to change, e.g. `{"maxTimeMs": 5000}`. */
export function renderLimitsFromEnv(value: string | undefined): Partial<RenderLimits> | undefined {
  if (!value?.trim()) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new TypeError("not a JSON object");
    resolveRenderLimits(parsed as Partial<RenderLimits>);
    return parsed as Partial<RenderLimits>;
  } catch (error) {
    throw new CliError(
      `PROMPTLINE_RENDER_LIMITS must be a JSON object of render limits, e.g. {"maxTimeMs": 5000}: ${(error as Error).message}`,
      ExitCode.usage,
    );
  }
}

/** `PROMPTLINE_RETENTION_DAYS`: whole days from 1 to 36,500, as `--retention-days` takes them. */
export function retentionDaysFromEnv(value: string | undefined): number | undefined {
  if (!value?.trim()) return undefined;
  const days = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || days < 1 || days > maxRetentionDays) {
    throw new CliError(`PROMPTLINE_RETENTION_DAYS must be a whole number of days from 1 to ${maxRetentionDays}, got "${value}".`, ExitCode.usage);
  }
  return days;
}

/** `startServer` with the errors a person can act on: a taken port, an unreachable database. */
export async function startServerForCli(options: StartServerOptions): Promise<RunningServer> {
  try {
    return await startServer(options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") {
      throw new CliError(`Port ${options.port} is already in use: stop the other process, or pick another port with --port.`);
    }
    if (code === "EACCES") throw new CliError(`No permission to listen on port ${options.port}: pick a port above 1024 with --port.`);
    const database = redactDatabaseUrl(options.database ?? "");
    throw new CliError(`Cannot open the database ${database}: ${(error as Error).message} (check --database or PROMPTLINE_DATABASE_URL).`);
  }
}

/** `promptline serve`: the registry, the API and the dashboard in one process, until Ctrl-C. */
export async function serveCommand(context: CliContext, options: ServeOptions): Promise<number> {
  // Listen for Ctrl-C before saying "press Ctrl-C": a signal in between would otherwise kill the process uncleanly.
  const stopped = context.untilStopped();
  const database = options.database ?? context.env.PROMPTLINE_DATABASE_URL ?? "sqlite:./promptline.db";
  const port = options.port ?? (context.env.PROMPTLINE_PORT ? Number(context.env.PROMPTLINE_PORT) : 8600);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`PROMPTLINE_PORT must be a port number, got "${context.env.PROMPTLINE_PORT}".`, ExitCode.usage);
  const apiKey = context.env.PROMPTLINE_API_KEY?.trim() || undefined;
  const sessionSecret = context.env.PROMPTLINE_SESSION_SECRET?.trim() || undefined;
  try {
    if (apiKey) checkOperatorKey(apiKey);
    if (sessionSecret) checkSessionSecret(sessionSecret);
  } catch (error) {
    throw new CliError((error as Error).message, ExitCode.usage);
  }
  const renderLimits = renderLimitsFromEnv(context.env.PROMPTLINE_RENDER_LIMITS);
  const retentionDays = options.retentionDays ?? retentionDaysFromEnv(context.env.PROMPTLINE_RETENTION_DAYS);
  const dashboardDir = findDashboardDir();
  const server = await startServerForCli({
    database,
    port,
    ...(options.host && { host: options.host }),
    ...(apiKey && { apiKey }),
    ...(sessionSecret && { sessionSecret }),
    ...(renderLimits && { renderLimits }),
    ...(retentionDays !== undefined && { retentionDays }),
    ...(dashboardDir && { dashboardDir }),
    // The playground runs through the SDK as the signed-in key, with the provider keys of this environment.
    playground: sdkPlayground({ env: context.env }),
  });
  const { colors } = context;
  println(context, `${colors.bold("Promptline")} listening on ${colors.cyan(server.url)}`);
  println(context, `Database:  ${redactDatabaseUrl(database)}`);
  println(
    context,
    retentionDays === undefined
      ? "Retention: kept forever, unless a workspace sets its own (--retention-days N deletes older records)"
      : `Retention: ${retentionDays} days, unless a workspace sets its own; older records are deleted in the background`,
  );
  println(context, dashboardDir ? `Dashboard: ${server.url}/` : `Dashboard: not built (run \`npm run build\`); the API is at ${server.url}`);
  if (server.createdApiKey) {
    println(context, "");
    println(context, `${colors.yellow("Admin API key")} (shown once, store it now): ${colors.bold(server.createdApiKey)}`);
    println(context, `  export PROMPTLINE_API_KEY=${server.createdApiKey} PROMPTLINE_BASE_URL=${server.url}`);
  } else if (apiKey) {
    println(context, "API key:   PROMPTLINE_API_KEY (an admin key of the default workspace)");
  }
  println(context, colors.dim("Press Ctrl-C to stop."));
  await stopped;
  await server.close();
  println(context, "Stopped.");
  return ExitCode.ok;
}
