import type { ApiKeyAnswer, KeyRole } from "@promptline/core/wire";
import { connectRegistry, resolveConnection } from "../registry-connection.js";
import { eprintln, println, type CliContext } from "../cli-context.js";
import { CliError, ExitCode } from "../cli-error.js";
import { formatTable } from "../output/table.js";
import { formatUtcTime } from "../output/utc-time.js";

export interface KeysOptions {
  apiKey?: string;
  baseUrl?: string;
  json?: boolean;
}

/** `role` is absent from servers older than roles, whose keys are admin or deployer. */
const roleOf = (key: Pick<ApiKeyAnswer, "role" | "admin">): KeyRole => key.role ?? (key.admin ? "admin" : "deployer");

/** `promptline keys create [name] --role <role>`: prints the new key once. */
export async function keysCreateCommand(context: CliContext, options: KeysOptions & { name?: string; role?: KeyRole; admin?: boolean }): Promise<number> {
  if (options.admin && options.role !== undefined && options.role !== "admin") {
    throw new CliError(`--admin is --role admin: pass one of them, not --admin with --role ${options.role}.`, ExitCode.usage);
  }
  const registry = connectRegistry(resolveConnection(options, context.env));
  const role = options.role ?? (options.admin ? "admin" : undefined);
  const created = await registry.createKey({ name: options.name ?? null, ...(role && { role }) });
  if (options.json) {
    println(context, JSON.stringify(created, null, 2));
    return ExitCode.ok;
  }
  println(context, created.key);
  eprintln(context, context.errColors.dim(`Key ${created.id}${created.name ? ` "${created.name}"` : ""} (${roleOf(created)}) created. It is shown only this once: store it now.`));
  return ExitCode.ok;
}

/** `promptline keys list`. */
export async function keysListCommand(context: CliContext, options: KeysOptions): Promise<number> {
  const registry = connectRegistry(resolveConnection(options, context.env));
  const items = await registry.keys();
  if (options.json) {
    println(context, JSON.stringify(items, null, 2));
    return ExitCode.ok;
  }
  const rows = items.map((key) => [
    String(key.id),
    key.name ?? "",
    `${key.prefix}…`,
    roleOf(key),
    formatUtcTime(key.created_at),
    key.revoked_at ? context.colors.red(`revoked ${formatUtcTime(key.revoked_at)}`) : context.colors.green("active"),
  ]);
  println(context, formatTable([{ header: "ID", align: "right" }, { header: "NAME" }, { header: "PREFIX" }, { header: "ROLE" }, { header: "CREATED" }, { header: "STATUS" }], rows, context.colors.bold));
  return ExitCode.ok;
}

/** `promptline keys revoke <id>`: takes effect at once. */
export async function keysRevokeCommand(context: CliContext, id: number, options: KeysOptions): Promise<number> {
  const registry = connectRegistry(resolveConnection(options, context.env));
  const items = await registry.keys();
  const key = items.find((candidate) => candidate.id === id && candidate.revoked_at === null);
  if (!key) throw new CliError(`No active API key with id ${id}: see \`promptline keys list\`.`, ExitCode.notFound);
  await registry.revokeKey(id);
  println(context, `Revoked key ${id}${key.name ? ` "${key.name}"` : ""} (${key.prefix}…).`);
  return ExitCode.ok;
}
