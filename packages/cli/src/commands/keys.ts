import { ApiClient, resolveConnection } from "../api-client.js";
import { eprintln, println, type CliContext } from "../cli-context.js";
import { CliError, ExitCode } from "../cli-error.js";
import { formatTable } from "../output/table.js";

export interface KeysOptions {
  apiKey?: string;
  baseUrl?: string;
  json?: boolean;
}

interface ApiKey {
  id: number;
  name: string | null;
  prefix: string;
  admin: boolean;
  created_at: string;
  revoked_at: string | null;
}

/** `promptline keys create`: prints the new key once. */
export async function keysCreateCommand(context: CliContext, options: KeysOptions & { name?: string; admin?: boolean }): Promise<number> {
  const api = new ApiClient(resolveConnection(options, context.env));
  const created = await api.request<ApiKey & { key: string }>("POST", "/api/v1/keys", { body: { name: options.name ?? null, admin: options.admin ?? false } });
  if (options.json) {
    println(context, JSON.stringify(created, null, 2));
    return ExitCode.ok;
  }
  println(context, created.key);
  eprintln(context, context.errColors.dim(`Key ${created.id}${created.name ? ` "${created.name}"` : ""}${created.admin ? " (admin)" : ""} created. It is shown only this once: store it now.`));
  return ExitCode.ok;
}

/** `promptline keys list`. */
export async function keysListCommand(context: CliContext, options: KeysOptions): Promise<number> {
  const api = new ApiClient(resolveConnection(options, context.env));
  const { items } = await api.request<{ items: ApiKey[] }>("GET", "/api/v1/keys");
  if (options.json) {
    println(context, JSON.stringify(items, null, 2));
    return ExitCode.ok;
  }
  const rows = items.map((key) => [
    String(key.id),
    key.name ?? "",
    `${key.prefix}…`,
    key.admin ? "yes" : "no",
    key.created_at.replace("T", " ").slice(0, 19),
    key.revoked_at ? context.colors.red(`revoked ${key.revoked_at.replace("T", " ").slice(0, 19)}`) : context.colors.green("active"),
  ]);
  println(context, formatTable([{ header: "ID", align: "right" }, { header: "NAME" }, { header: "PREFIX" }, { header: "ADMIN" }, { header: "CREATED" }, { header: "STATUS" }], rows, context.colors.bold));
  return ExitCode.ok;
}

/** `promptline keys revoke <id>`: takes effect at once. */
export async function keysRevokeCommand(context: CliContext, id: number, options: KeysOptions): Promise<number> {
  const api = new ApiClient(resolveConnection(options, context.env));
  const { items } = await api.request<{ items: ApiKey[] }>("GET", "/api/v1/keys");
  const key = items.find((candidate) => candidate.id === id && candidate.revoked_at === null);
  if (!key) throw new CliError(`No active API key with id ${id}: see \`promptline keys list\`.`, ExitCode.notFound);
  await api.request("DELETE", `/api/v1/keys/${id}`);
  println(context, `Revoked key ${id}${key.name ? ` "${key.name}"` : ""} (${key.prefix}…).`);
  return ExitCode.ok;
}
