import { stripAnsi } from "./colors.js";

/** One column of a table: its header, and optionally a fixed width (cells are cut with `…`). */
export interface Column {
  header: string;
  width?: number;
  align?: "left" | "right";
}

function fit(text: string, width: number, align: "left" | "right"): string {
  const visible = stripAnsi(text);
  if (visible.length > width) return `${visible.slice(0, Math.max(0, width - 1))}…`;
  const padding = " ".repeat(width - visible.length);
  return align === "right" ? padding + text : text + padding;
}

/** The widths a table needs: fixed ones as given, others as wide as their widest cell. */
export function columnWidths(columns: readonly Column[], rows: readonly (readonly string[])[]): number[] {
  return columns.map((column, index) => column.width ?? Math.max(column.header.length, ...rows.map((row) => stripAnsi(row[index] ?? "").length)));
}

/** One table line, cells separated by two spaces; trailing spaces trimmed. */
export function formatRow(cells: readonly string[], columns: readonly Column[], widths: readonly number[]): string {
  return columns
    .map((column, index) => fit(cells[index] ?? "", widths[index] ?? 0, column.align ?? "left"))
    .join("  ")
    .trimEnd();
}

/** A plain-text table: a header line, then one line per row. */
export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[], header: (text: string) => string = (text) => text): string {
  const widths = columnWidths(columns, rows);
  const lines = [header(formatRow(columns.map((column) => column.header), columns, widths)), ...rows.map((row) => formatRow(row, columns, widths))];
  return lines.join("\n");
}
