import type { RequestRowAnswer } from "@promptline/core/wire";
import { connectRegistry, resolveConnection } from "../registry-connection.js";
import { println, type CliContext } from "../cli-context.js";
import { ExitCode } from "../cli-error.js";
import { formatCost, formatLatency } from "../output/run-summary.js";
import { formatUtcTime } from "../output/utc-time.js";
import { columnWidths, formatRow, type Column } from "../output/table.js";

export interface LogsOptions {
  prompt?: string;
  tag?: string[];
  status?: string;
  since?: string;
  limit?: number;
  follow?: boolean;
  json?: boolean;
  /** Poll interval of `--follow`. */
  intervalMs?: number;
  apiKey?: string;
  baseUrl?: string;
}

/** The fields of a `GET /api/v1/requests` row the table shows. */
export type RequestRow = Pick<
  RequestRowAnswer,
  "id" | "request_id" | "created_at" | "prompt_name" | "prompt_version" | "status" | "provider" | "model" | "usage" | "cost_usd" | "latency_ms" | "tags"
>;

const columns: Column[] = [
  { header: "TIME", width: 23 },
  { header: "PROMPT", width: 24 },
  { header: "STATUS", width: 9 },
  { header: "MODEL", width: 28 },
  { header: "TOKENS", width: 11, align: "right" },
  { header: "COST", width: 11, align: "right" },
  { header: "LATENCY", width: 8, align: "right" },
  { header: "TAGS", width: 16 },
  { header: "REQUEST ID" },
];
const widths = columnWidths(columns, []).map((width, index) => (index === columns.length - 1 ? 36 : width));

/** The request log as fixed-width table lines, so `--follow` can append rows under the header. */
export function logTableHeader(): string {
  return formatRow(
    columns.map((column) => column.header),
    columns,
    widths,
  );
}

export function logTableRow(row: RequestRow, colors: CliContext["colors"]): string {
  const time = formatUtcTime(row.created_at);
  const prompt = row.prompt_name ? `${row.prompt_name}${row.prompt_version ? ` v${row.prompt_version}` : ""}` : "–";
  const status = row.status === "SUCCESS" ? colors.green(row.status) : row.status === "ERROR" ? colors.red(row.status) : colors.yellow(row.status);
  const tokens = row.usage ? `${row.usage.input_tokens}/${row.usage.output_tokens}` : "–";
  return formatRow(
    [time, prompt, status, `${row.provider}/${row.model}`, tokens, formatCost(row.cost_usd), formatLatency(row.latency_ms), row.tags.join(","), row.request_id],
    columns,
    widths,
  );
}

/** `promptline logs`: the newest requests, oldest first (like `tail`), then new ones as they come with `--follow`. */
export async function logsCommand(context: CliContext, options: LogsOptions): Promise<number> {
  const registry = connectRegistry(resolveConnection(options, context.env));
  const fetchPage = async (from: string | undefined, limit: number) =>
    (
      await registry.requests({
        ...(options.prompt && { prompt: options.prompt }),
        tag: options.tag ?? [],
        ...(options.status && { status: options.status.toUpperCase() }),
        ...(from && { from }),
        limit,
      })
    ).items;

  const first = await fetchPage(options.since, options.limit ?? 20);
  const seen = new Set(first.map((row) => row.id));
  let newest = first[0]?.created_at ?? options.since ?? new Date(0).toISOString();
  const print = (rows: RequestRow[]) => {
    for (const row of [...rows].reverse()) println(context, options.json ? JSON.stringify(row) : logTableRow(row, context.colors));
  };
  if (!options.json) println(context, context.colors.bold(logTableHeader()));
  print(first);
  if (!options.json && first.length === 0 && !options.follow) println(context, context.colors.dim("No requests match."));
  if (!options.follow) return ExitCode.ok;

  let stopped = false;
  void context.untilStopped().then(() => (stopped = true));
  while (!stopped) {
    await Promise.race([new Promise((resolveWait) => setTimeout(resolveWait, options.intervalMs ?? 1000)), context.untilStopped()]);
    if (stopped) break;
    // `from` is inclusive: rows of the same millisecond come back and are skipped by id.
    const rows = (await fetchPage(newest, 500)).filter((row) => !seen.has(row.id));
    for (const row of rows) seen.add(row.id);
    if (rows[0]) newest = rows[0].created_at;
    print(rows);
  }
  return ExitCode.ok;
}
