import type { MachineInfo } from "./machine.js";

/** One line of a scenario's table: a variant (or a database, a table size, …) and its numbers. */
export interface Row {
  variant: string;
  [metric: string]: string | number | null;
}

/** A target of the issue, and whether this run met it. */
export interface Check {
  target: string;
  measured: string;
  met: boolean;
}

export interface ScenarioResult {
  id: string;
  title: string;
  rows: Row[];
  checks: Check[];
  notes: string[];
}

export interface BenchReport {
  machine: MachineInfo;
  mode: "quick" | "full";
  startedAt: string;
  durationSeconds: number;
  scenarios: ScenarioResult[];
}

/** Milliseconds for display: three significant figures. */
export function ms(value: number): number {
  if (!Number.isFinite(value)) return value;
  return value >= 100 ? Math.round(value) : value >= 10 ? Math.round(value * 10) / 10 : Math.round(value * 1000) / 1000;
}

function cell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "–";
  if (typeof value === "number") return Number.isInteger(value) ? value.toLocaleString("en-US") : String(value);
  return value;
}

/** A Markdown table (readable in a terminal too). */
export function table(rows: readonly Row[]): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cells = rows.map((row) => columns.map((column) => cell(row[column])));
  const widths = columns.map((column, index) => Math.max(column.length, ...cells.map((line) => line[index]!.length)));
  const line = (values: string[]) => `| ${values.map((value, index) => value.padEnd(widths[index]!)).join(" | ")} |`;
  return [line(columns), line(widths.map((width) => "-".repeat(width))), ...cells.map(line)].join("\n");
}

export function formatReport(report: BenchReport): string {
  const { machine } = report;
  const out = [
    `Promptline benchmarks (${report.mode} run, ${report.startedAt}, ${report.durationSeconds} s)`,
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.platform} (Linux ${machine.kernel}), Node ${machine.node}; load average at the end ${machine.loadAverage.join(" / ")}`,
    "",
  ];
  for (const scenario of report.scenarios) {
    out.push(`## ${scenario.title}`, "", table(scenario.rows), "");
    for (const check of scenario.checks) out.push(`${check.met ? "MET   " : "MISSED"}  ${check.target}: ${check.measured}`);
    for (const note of scenario.notes) out.push(`note: ${note}`);
    out.push("");
  }
  return out.join("\n");
}
