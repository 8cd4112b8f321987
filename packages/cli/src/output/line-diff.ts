import { diffArrays } from "diff";

/** One line of a diff: kept (` `), removed (`-`) or added (`+`). */
export interface DiffLine {
  kind: " " | "-" | "+";
  text: string;
}

/** A line diff (jsdiff's, the one the dashboard's compare view uses too), removals before additions in each change. */
export function diffLines(before: readonly string[], after: readonly string[]): DiffLine[] {
  return diffArrays([...before], [...after]).flatMap((change) =>
    change.value.map((text): DiffLine => ({ kind: change.added ? "+" : change.removed ? "-" : " ", text })),
  );
}

/**
 * The changed lines with `context` unchanged lines around each change, as
 * `-`/`+`/` ` prefixed lines; `...` marks skipped runs. Empty when equal.
 */
export function formatDiff(lines: readonly DiffLine[], context = 3): string[] {
  if (lines.every((line) => line.kind === " ")) return [];
  const keep = lines.map(() => false);
  lines.forEach((line, index) => {
    if (line.kind === " ") return;
    for (let k = Math.max(0, index - context); k <= Math.min(lines.length - 1, index + context); k++) keep[k] = true;
  });
  const out: string[] = [];
  let skipped = false;
  lines.forEach((line, index) => {
    if (!keep[index]) {
      skipped = true;
      return;
    }
    if (skipped) out.push("  ...");
    skipped = false;
    out.push(`${line.kind} ${line.text}`);
  });
  if (skipped) out.push("  ...");
  return out;
}
