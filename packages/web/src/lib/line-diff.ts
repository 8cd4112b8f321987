/** One row of a side-by-side diff: a line on the left, the right, or both. */
export interface DiffRow {
  kind: "same" | "removed" | "added" | "changed";
  left?: { number: number; text: string };
  right?: { number: number; text: string };
}

/**
 * A line diff by longest common subsequence (templates are small: a few
 * hundred lines at most), paired into side-by-side rows: a run of removals
 * followed by additions becomes "changed" rows.
 */
export function lineDiff(before: string, after: string): DiffRow[] {
  const a = before.split("\n");
  const b = after.split("\n");
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const rows: DiffRow[] = [];
  let removed: DiffRow[] = [];
  let added: DiffRow[] = [];
  const flush = () => {
    const pairs = Math.max(removed.length, added.length);
    for (let k = 0; k < pairs; k++) {
      const left = removed[k]?.left;
      const right = added[k]?.right;
      rows.push({ kind: left && right ? "changed" : left ? "removed" : "added", ...(left && { left }), ...(right && { right }) });
    }
    removed = [];
    added = [];
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      flush();
      rows.push({ kind: "same", left: { number: i + 1, text: a[i]! }, right: { number: j + 1, text: b[j]! } });
      i++;
      j++;
    } else if (j < b.length && (i >= a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      added.push({ kind: "added", right: { number: j + 1, text: b[j]! } });
      j++;
    } else {
      removed.push({ kind: "removed", left: { number: i + 1, text: a[i]! } });
      i++;
    }
  }
  flush();
  return rows;
}
