import { useMemo } from "react";
import type { Version } from "../lib/api.js";
import { diffPrompt, type MessageChange, type WordChange } from "../lib/prompt-diff.js";

/** How a side of the comparison is named in headings: `v3`, or `prod (v3)` when picked by label. */
export interface DiffSide {
  version: Version;
  label?: string | undefined;
}

const sideName = (side: DiffSide) => (side.label ? `${side.label} (v${side.version.version})` : `v${side.version.version}`);

function Words({ words }: { words: WordChange[] }) {
  return (
    <>
      {words.map((word, index) =>
        word.kind === "added" ? (
          <ins key={index} className="word-added">{word.text}</ins>
        ) : word.kind === "removed" ? (
          <del key={index} className="word-removed">{word.text}</del>
        ) : (
          <span key={index}>{word.text}</span>
        ),
      )}
    </>
  );
}

function MessageRow({ change }: { change: MessageChange }) {
  const role = change.after?.role ?? change.before?.role ?? "";
  const where =
    change.kind === "added" ? `added as message ${change.after!.index}` : change.kind === "removed" ? `removed (was message ${change.before!.index})` : change.before!.index === change.after!.index ? `message ${change.after!.index}` : `message ${change.before!.index} → ${change.after!.index}`;
  return (
    <li className={`diff-message diff-message-${change.kind}`} data-kind={change.kind}>
      <div className="diff-message-head">
        <span className="message-role">{role}</span>
        <span className="muted small">{where}</span>
        {change.kind !== "same" && <span className={`badge ${change.kind === "removed" ? "badge-bad" : change.kind === "added" ? "badge-ok" : "badge-warn"}`}>{change.kind}</span>}
      </div>
      <div className="diff-message-text">
        {change.kind === "changed" ? <Words words={change.words ?? []} /> : change.kind === "added" ? change.after!.text : change.before!.text}
      </div>
    </li>
  );
}

/** Two versions compared as a prompt: messages (words inside a changed one), then model and parameters as a table. */
export function DiffView({ before, after }: { before: DiffSide; after: DiffSide }) {
  const diff = useMemo(() => diffPrompt(before.version, after.version), [before.version, after.version]);
  const settingsChanged = diff.settings.filter((row) => row.changed).length;
  const messagesChanged = diff.changes - settingsChanged;
  return (
    <div className="diff">
      <p className="muted diff-summary" data-testid="diff-summary">
        {diff.changes === 0
          ? "These versions are identical."
          : [
              messagesChanged > 0 && `${messagesChanged} ${messagesChanged === 1 ? "message" : "messages"} changed`,
              settingsChanged > 0 && `${settingsChanged} ${settingsChanged === 1 ? "setting" : "settings"} changed`,
            ]
              .filter(Boolean)
              .join(" · ")}
      </p>
      <section aria-label="Messages">
        <h3>Messages <span className="muted small">{sideName(before)} → {sideName(after)}</span></h3>
        <ol className="diff-messages">
          {diff.messages.map((change, index) => <MessageRow key={index} change={change} />)}
        </ol>
      </section>
      <section aria-label="Model and parameters">
        <h3>Model and parameters</h3>
        <table className="table diff-settings">
          <thead>
            <tr>
              <th>Setting</th>
              <th>{sideName(before)}</th>
              <th>{sideName(after)}</th>
            </tr>
          </thead>
          <tbody>
            {diff.settings.map((row) => (
              <tr key={row.name} className={row.changed ? "diff-setting-changed" : ""} data-changed={row.changed || undefined}>
                <td><code>{row.name}</code></td>
                <td className={row.changed ? "diff-old" : ""}>{row.before ?? <span className="muted">—</span>}</td>
                <td className={row.changed ? "diff-new" : ""}>{row.after ?? <span className="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
