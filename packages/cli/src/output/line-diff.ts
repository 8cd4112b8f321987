/** One line of a diff: kept (` `), removed (`-`) or added (`+`). */
export interface DiffLine {
  kind: " " | "-" | "+";
  text: string;
}

/**
 * A line diff by longest common subsequence (inputs are prompt files: a few
 * hundred lines at most, so the quadratic table is fine).
 */
export function diffLines(before: readonly string[], after: readonly string[]): DiffLine[] {
  const n = before.length;
  const m = after.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = before[i] === after[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (before[i] === after[j]) {
      out.push({ kind: " ", text: before[i]! });
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) {
      out.push({ kind: "-", text: before[i++]! });
    } else {
      out.push({ kind: "+", text: after[j++]! });
    }
  }
  while (i < n) out.push({ kind: "-", text: before[i++]! });
  while (j < m) out.push({ kind: "+", text: after[j++]! });
  return out;
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
