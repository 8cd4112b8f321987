import { useMemo } from "react";
import type { Version } from "../lib/api.js";
import { lineDiff } from "../lib/line-diff.js";

/** What a diff compares: the template and model settings, pretty-printed, one field per line. */
export function diffText(version: Version): string {
  return JSON.stringify({ prompt_template: version.prompt_template, metadata: version.metadata }, null, 2);
}

/** Two versions side by side, changed lines marked, unchanged runs folded. */
export function DiffView({ before, after }: { before: Version; after: Version }) {
  const rows = useMemo(() => lineDiff(diffText(before), diffText(after)), [before, after]);
  const changed = rows.filter((row) => row.kind !== "same").length;
  // Fold unchanged lines more than 3 away from a change.
  const near = rows.map((_, index) => rows.slice(Math.max(0, index - 3), index + 4).some((row) => row.kind !== "same"));
  const out: React.ReactNode[] = [];
  let folded = 0;
  rows.forEach((row, index) => {
    if (!near[index]) {
      folded++;
      return;
    }
    if (folded) {
      out.push(
        <tr key={`fold-${index}`} className="diff-fold">
          <td colSpan={4}>{folded} unchanged lines</td>
        </tr>,
      );
      folded = 0;
    }
    out.push(
      <tr key={index} className={`diff-${row.kind}`}>
        <td className="diff-number num">{row.left?.number}</td>
        <td className={`diff-code ${row.left && row.kind !== "same" ? "diff-old" : ""}`}>{row.left?.text}</td>
        <td className="diff-number num">{row.right?.number}</td>
        <td className={`diff-code ${row.right && row.kind !== "same" ? "diff-new" : ""}`}>{row.right?.text}</td>
      </tr>,
    );
  });
  if (folded) {
    out.push(
      <tr key="fold-end" className="diff-fold">
        <td colSpan={4}>{folded} unchanged lines</td>
      </tr>,
    );
  }
  return (
    <div className="diff">
      <p className="muted diff-summary" data-testid="diff-summary">
        {changed === 0 ? "These versions are identical." : `${changed} changed ${changed === 1 ? "line" : "lines"}`}
      </p>
      <div className="diff-scroll">
        <table className="diff-table">
          <colgroup>
            <col className="diff-col-number" />
            <col />
            <col className="diff-col-number" />
            <col />
          </colgroup>
          <thead>
            <tr>
              <th colSpan={2}>v{before.version} <span className="muted">{before.commit_message}</span></th>
              <th colSpan={2}>v{after.version} <span className="muted">{after.commit_message}</span></th>
            </tr>
          </thead>
          <tbody>{out}</tbody>
        </table>
      </div>
    </div>
  );
}
