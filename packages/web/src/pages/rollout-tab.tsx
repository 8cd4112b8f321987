import { useState } from "react";
import { ConfirmDialog, EmptyState, ErrorState, LabelChip, Spinner, Table, useAction, useAsync, type TableColumn } from "../components/ui.js";
import { api, type Label, type LabelMove, type LabelSegment, type SplitEntry, type Version } from "../lib/api.js";
import { cost, dateTime, integer, latency } from "../lib/format.js";
import type { Permissions } from "../lib/permissions.js";

/** The time ranges of the comparison, as offsets from now. */
const ranges = [
  { id: "1h", label: "Last hour", ms: 3_600_000 },
  { id: "24h", label: "Last 24 hours", ms: 86_400_000 },
  { id: "7d", label: "Last 7 days", ms: 7 * 86_400_000 },
  { id: "30d", label: "Last 30 days", ms: 30 * 86_400_000 },
  { id: "all", label: "All time", ms: 0 },
] as const;

/** Each version's share of a split, in percent. */
export function shares(split: readonly SplitEntry[]): { version: number; percent: number }[] {
  const total = split.reduce((sum, entry) => sum + entry.weight, 0);
  return split.map((entry) => ({ version: entry.version, percent: total === 0 ? 0 : (100 * entry.weight) / total }));
}

const percentText = (value: number) => `${Number.isInteger(value) ? value : value.toFixed(1)}%`;

/**
 * Rolling out a prompt (issue 17): what each label serves (a version, or a
 * split with each version's share), a split editor with a sticky key and
 * metadata segments, the versions a label served side by side from the
 * request log over a chosen range, and one-click rollback from the history.
 */
export function RolloutTab(props: {
  name: string;
  versions: Version[];
  history: LabelMove[] | undefined;
  permissions: Permissions;
  protectedLabels: string[];
  onChanged: () => void;
}) {
  const labels = useAsync(() => api.labels(props.name), [props.name]);
  const [selected, setSelected] = useState<string>();
  const [rollingBack, setRollingBack] = useState<string>();
  const { busy, error, setError, run } = useAction();

  if (labels.error) return <ErrorState error={labels.error} retry={labels.reload} />;
  if (!labels.data) return <Spinner />;
  const items = labels.data.items;
  if (items.length === 0) return <EmptyState title="No release labels">Add a label in the Labels tab, then split it between versions here.</EmptyState>;
  const label = items.find((item) => item.name === selected) ?? items.find((item) => item.name === "prod") ?? items[0]!;
  /** Why this key may not change a label, or undefined when it may. */
  const refusal = (name: string): string | undefined =>
    !props.permissions.moveLabels
      ? `Your key is a ${props.permissions.role}: changing labels needs an editor key.`
      : props.protectedLabels.includes(name) && !props.permissions.moveProtectedLabels
        ? `“${name}” is protected: changing it needs a deployer or admin key.`
        : undefined;
  const refused = refusal(label.name);
  const changed = () => {
    labels.reload();
    props.onChanged();
  };
  const lastMove = (name: string) => [...(props.history ?? [])].reverse().find((move) => move.label_name === name);

  const rollback = async () => {
    if (!rollingBack) return;
    await run(async () => {
      await api.rollbackLabel(props.name, rollingBack);
      setRollingBack(undefined);
      changed();
    });
  };

  return (
    <div className="stack">
      <div className="card">
        <div className="card-head">
          <h2>What each label serves</h2>
          <label className="field field-inline">
            <span className="field-label">Label</span>
            <select name="rollout_label" value={label.name} onChange={(event) => setSelected(event.target.value)}>
              {items.map((item) => <option key={item.id} value={item.name}>{item.name}</option>)}
            </select>
          </label>
        </div>
        <Table label="Label targets" columns={["Label", "Serves", "Last move", ""]}>
          {items.map((item) => {
            const move = lastMove(item.name);
            return (
              <tr key={item.id}>
                <td><LabelChip name={item.name} /></td>
                <td><Shares label={item} /></td>
                <td className="muted small">{move ? `${dateTime(move.created_at)} · ${move.actor_key_id === null ? "unknown" : `key #${move.actor_key_id}`}` : ""}</td>
                <td>
                  {move && move.from_version !== null && (
                    <button className="button" disabled={refusal(item.name) !== undefined} title={refusal(item.name) ?? "Back to where it pointed before its last move"} onClick={() => setRollingBack(item.name)}>
                      Roll back
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </Table>
      </div>
      <SplitEditor key={`${label.name}-${label.updated_at}`} name={props.name} label={label} versions={props.versions} refused={refused} onSaved={changed} />
      <Comparison name={props.name} label={label.name} />
      {rollingBack && (
        <ConfirmDialog
          title={`Roll back “${rollingBack}”?`}
          confirmLabel="Roll back"
          action={{ busy, error, setError }}
          onConfirm={rollback}
          onClose={() => setRollingBack(undefined)}
        >
          <p>The label goes back to where it pointed before its last move (a version or a whole split). Every running client sees it within seconds; the rollback is recorded in the history.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

/** A label's target: `v3`, or each version's share as a bar. */
function Shares({ label }: { label: Label }) {
  if (!label.split || label.split.length === 0) return <strong className="num">v{label.version ?? label.prompt_version_number}</strong>;
  return (
    <div className="shares" aria-label={`${label.name} split`}>
      <div className="share-bar" role="img" aria-label={shares(label.split).map((share) => `v${share.version} ${percentText(share.percent)}`).join(", ")}>
        {shares(label.split).map((share, index) => (
          <span key={share.version} className={`share share-${index % 4}`} style={{ width: `${share.percent}%` }} />
        ))}
      </div>
      <div className="share-legend small">
        {shares(label.split).map((share, index) => (
          <span key={share.version} className="share-key">
            <span className={`share-dot share-${index % 4}`} aria-hidden="true" /> v{share.version} <strong className="num">{percentText(share.percent)}</strong>
          </span>
        ))}
        {label.sticky_by && <span className="muted">sticky by <code>{label.sticky_by}</code></span>}
        {(label.segments ?? []).map((segment, index) => (
          <span key={index} className="muted">
            {Object.entries(segment.metadata).map(([key, value]) => `${key}=${value}`).join(", ")} → v{segment.version}
          </span>
        ))}
      </div>
    </div>
  );
}

interface SegmentRow {
  pairs: string;
  version: number;
}

/** Edits a label's split: versions with weights, the sticky key, metadata segments tried first. */
function SplitEditor(props: { name: string; label: Label; versions: Version[]; refused: string | undefined; onSaved: () => void }) {
  const { label, versions } = props;
  const current = label.version ?? label.prompt_version_number;
  const [rows, setRows] = useState<SplitEntry[]>(
    label.split ?? [
      { version: current, weight: 90 },
      { version: versions.find((version) => version.version !== current)?.version ?? current, weight: 10 },
    ],
  );
  const [stickyBy, setStickyBy] = useState(label.sticky_by ?? "user");
  const [segments, setSegments] = useState<SegmentRow[]>(
    (label.segments ?? []).map((segment) => ({ pairs: Object.entries(segment.metadata).map(([key, value]) => `${key}=${value}`).join(", "), version: segment.version })),
  );
  const [confirming, setConfirming] = useState(false);
  const { busy, error, setError, run } = useAction();

  const parsedSegments = (): LabelSegment[] =>
    segments.map((segment, index) => {
      const metadata: Record<string, string> = {};
      for (const pair of segment.pairs.split(",").map((part) => part.trim()).filter(Boolean)) {
        const equals = pair.indexOf("=");
        if (equals <= 0) throw new Error(`Segment ${index + 1}: write metadata as key=value, got “${pair}”.`);
        metadata[pair.slice(0, equals).trim()] = pair.slice(equals + 1).trim();
      }
      if (Object.keys(metadata).length === 0) throw new Error(`Segment ${index + 1} needs at least one key=value.`);
      return { metadata, version: segment.version };
    });

  const save = async () => {
    await run(async () => {
      await api.setLabelSplit(props.name, label.name, { split: rows, sticky_by: stickyBy.trim() || null, segments: parsedSegments() });
      setConfirming(false);
      props.onSaved();
    });
  };
  const versionSelect = (value: number, onChange: (version: number) => void, name: string) => (
    <select aria-label={name} value={value} disabled={props.refused !== undefined} onChange={(event) => onChange(Number(event.target.value))}>
      {versions.map((version) => <option key={version.id} value={version.version}>v{version.version}</option>)}
    </select>
  );

  return (
    <div className="card">
      <div className="card-head">
        <h2>Split “{label.name}”</h2>
        <span className="muted small">Runs get a version by weight; segments are tried first. The SDK picks locally, with no registry request per run.</span>
      </div>
      {props.refused && <p className="muted small" role="note">{props.refused}</p>}
      <Table className="split-editor" columns={["Version", "Weight", "Share", ""]}>
        {rows.map((row, index) => (
          <tr key={index}>
            <td>{versionSelect(row.version, (version) => setRows(rows.map((other, at) => (at === index ? { ...other, version } : other))), `Split version ${index + 1}`)}</td>
            <td>
              <input
                type="number"
                min={1}
                step={1}
                aria-label={`Weight of split entry ${index + 1}`}
                value={row.weight}
                disabled={props.refused !== undefined}
                onChange={(event) => setRows(rows.map((other, at) => (at === index ? { ...other, weight: Number(event.target.value) } : other)))}
              />
            </td>
            <td className="num">{percentText(shares(rows)[index]?.percent ?? 0)}</td>
            <td>{rows.length > 2 && <button className="button" disabled={props.refused !== undefined} onClick={() => setRows(rows.filter((_, at) => at !== index))}>Remove</button>}</td>
          </tr>
        ))}
      </Table>
      <div className="inline-form">
        <button className="button" disabled={props.refused !== undefined} onClick={() => setRows([...rows, { version: versions[0]?.version ?? 1, weight: 10 }])}>Add version</button>
        <label className="field field-inline">
          <span className="field-label">Sticky by metadata key</span>
          <input name="sticky_by" value={stickyBy} placeholder="user" disabled={props.refused !== undefined} onChange={(event) => setStickyBy(event.target.value)} />
        </label>
      </div>
      <h3>Segments</h3>
      {segments.length === 0 && <p className="muted small">None: every run goes by the weights.</p>}
      {segments.map((segment, index) => (
        <div className="inline-form" key={index}>
          <label className="field field-inline">
            <span className="field-label">When metadata has</span>
            <input aria-label={`Segment ${index + 1} metadata`} value={segment.pairs} placeholder="plan=beta" disabled={props.refused !== undefined} onChange={(event) => setSegments(segments.map((other, at) => (at === index ? { ...other, pairs: event.target.value } : other)))} />
          </label>
          <span className="muted">serve</span>
          {versionSelect(segment.version, (version) => setSegments(segments.map((other, at) => (at === index ? { ...other, version } : other))), `Segment ${index + 1} version`)}
          <button className="button" disabled={props.refused !== undefined} onClick={() => setSegments(segments.filter((_, at) => at !== index))}>Remove</button>
        </div>
      ))}
      <div className="inline-form">
        <button className="button" disabled={props.refused !== undefined} onClick={() => setSegments([...segments, { pairs: "", version: versions[0]?.version ?? 1 }])}>Add segment</button>
        <button className="button button-primary push" disabled={props.refused !== undefined} onClick={() => setConfirming(true)}>Save split</button>
      </div>
      {confirming && (
        <ConfirmDialog title={`Split “${label.name}”?`} confirmLabel="Save split" action={{ busy, error, setError }} onConfirm={save} onClose={() => setConfirming(false)}>
          <p>
            Runs asking for <strong>{label.name}</strong> will get {shares(rows).map((share) => `v${share.version} ${percentText(share.percent)}`).join(", ")}
            {stickyBy.trim() ? `, the same version for the same ${stickyBy.trim()}` : ", at random"}
            {segments.length > 0 ? `; ${segments.length} segment${segments.length === 1 ? "" : "s"} first` : ""}. Recorded in the history; roll back in one click.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

/** A comparison column: figures, in tabular digits. */
const figure = (label: string): TableColumn => ({ label, className: "num" });

/** The versions a label served, side by side, over a chosen range. */
function Comparison({ name, label }: { name: string; label: string }) {
  const [range, setRange] = useState<(typeof ranges)[number]["id"]>("24h");
  const chosen = ranges.find((candidate) => candidate.id === range)!;
  const compared = useAsync(
    () => api.compareLabel(name, label, chosen.ms === 0 ? {} : { from: new Date(Date.now() - chosen.ms).toISOString() }),
    [name, label, range],
  );
  const items = compared.data?.items;
  return (
    <div className="card">
      <div className="card-head">
        <h2>Versions served by “{label}”</h2>
        <label className="field field-inline">
          <span className="field-label">Range</span>
          <select name="compare_range" value={range} onChange={(event) => setRange(event.target.value as typeof range)}>
            {ranges.map((candidate) => <option key={candidate.id} value={candidate.id}>{candidate.label}</option>)}
          </select>
        </label>
      </div>
      {compared.error ? (
        <ErrorState error={compared.error} retry={compared.reload} />
      ) : !items ? (
        <Spinner />
      ) : items.length === 0 ? (
        <p className="muted">No request asked for “{label}” in this range.</p>
      ) : (
        <Table className="comparison" label="Version comparison" columns={["Version", figure("Requests"), figure("Error rate"), figure("p50"), figure("p95"), figure("Tokens in / out"), figure("Cost"), figure("Mean score")]}>
          {items.map((item) => (
            <tr key={item.version}>
              <td><strong className="num">v{item.version}</strong></td>
              <td className="num">{integer(item.requests)}</td>
              <td className={`num ${item.error_rate > 0.05 ? "bad" : ""}`}>{percentText(Math.round(item.error_rate * 1000) / 10)}</td>
              <td className="num">{latency(item.p50_latency_ms)}</td>
              <td className="num">{latency(item.p95_latency_ms)}</td>
              <td className="num">{integer(item.input_tokens)} / {integer(item.output_tokens)}</td>
              <td className="num">{cost(item.cost_usd)}</td>
              <td className="num">{item.mean_score === null ? "—" : item.mean_score.toFixed(1)}</td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
