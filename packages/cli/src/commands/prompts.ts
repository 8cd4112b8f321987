import type { PromptListItemAnswer } from "@promptline/core/wire";
import { connectRegistry, resolveConnection } from "../registry-connection.js";
import { println, type CliContext } from "../cli-context.js";
import { ExitCode } from "../cli-error.js";
import { formatTable, type Column } from "../output/table.js";

export interface PromptsOptions {
  search?: string;
  tag?: string[];
  label?: string;
  archived?: boolean;
  json?: boolean;
  apiKey?: string;
  baseUrl?: string;
}

/** The fields of a `GET /api/v1/prompts` row the table shows (`latest_version`: the highest; with --label, `version` is the labelled one). */
type PromptRow = Pick<PromptListItemAnswer, "name" | "tags" | "latest_version" | "updated_at" | "labels" | "archived_at">;

/** `2026-12-05T14:03:55.123Z` → `2026-12-05 14:03:55 UTC`: the zone is always said. */
export function utcTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

const columns: Column[] = [{ header: "NAME" }, { header: "LATEST" }, { header: "LABELS" }, { header: "UPDATED" }, { header: "TAGS" }];

/** `promptline prompts`: every prompt with its newest version, its labels and when it last changed. */
export async function promptsCommand(context: CliContext, options: PromptsOptions): Promise<number> {
  const registry = connectRegistry(resolveConnection(options, context.env));
  const rows: PromptRow[] = [];
  for (let page = 1; ; page++) {
    const result = await registry.prompts({
      page,
      per_page: 100,
      ...(options.search && { search: options.search }),
      tag: options.tag ?? [],
      ...(options.label && { label: options.label }),
      ...(options.archived && { archived: "true" as const }),
    });
    rows.push(...result.items);
    if (page >= result.pages || result.items.length === 0) break;
  }
  rows.sort((a, b) => a.name.localeCompare(b.name));
  if (options.json) {
    for (const row of rows) {
      println(
        context,
        JSON.stringify({
          name: row.name,
          latest_version: row.latest_version,
          labels: row.labels.map((label) => ({ name: label.name, version: label.version })),
          updated_at: row.updated_at,
          tags: row.tags,
          ...(options.archived && { archived_at: row.archived_at ?? null }),
        }),
      );
    }
    return ExitCode.ok;
  }
  if (rows.length === 0) {
    println(context, context.colors.dim(options.archived ? "No archived prompts." : "No prompts yet: publish one with `promptline push <file>`."));
    return ExitCode.ok;
  }
  const cells = rows.map((row) => [
    row.name,
    `v${row.latest_version}`,
    row.labels.map((label) => (label.version === null ? label.name : `${label.name}→v${label.version}`)).join(", ") || "–",
    utcTime(row.updated_at),
    row.tags.join(",") || "–",
  ]);
  println(context, formatTable(columns, cells, context.colors.bold));
  return ExitCode.ok;
}

export interface ArchiveOptions {
  apiKey?: string;
  baseUrl?: string;
}

/** `promptline archive <name>` / `promptline unarchive <name>`. */
export async function archiveCommand(context: CliContext, name: string, archived: boolean, options: ArchiveOptions): Promise<number> {
  const { prompt } = await connectRegistry(resolveConnection(options, context.env)).setArchived(name, archived);
  println(
    context,
    prompt.archived_at
      ? `Archived ${prompt.name} (${utcTime(prompt.archived_at)}): it can't run until \`promptline unarchive ${prompt.name}\`.`
      : `${prompt.name} is live again.`,
  );
  return ExitCode.ok;
}
