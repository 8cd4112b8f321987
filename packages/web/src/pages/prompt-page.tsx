import { useState } from "react";
import { DiffView } from "../components/diff-view.js";
import { ModelView, TemplateView } from "../components/template-view.js";
import { ConfirmDialog, EmptyState, ErrorState, LabelChip, PageHeader, Spinner, Table, Tag, useAction, useAsync } from "../components/ui.js";
import { api, type Label, type LabelMove, type Version } from "../lib/api.js";
import { dateTime, timeAgo } from "../lib/format.js";
import { usePermissions, type Permissions } from "../lib/permissions.js";
import { Link, setQuery, useLocation, useTitle } from "../lib/router.js";
import { templateVariables } from "../lib/variables.js";
import { RolloutTab } from "./rollout-tab.js";

type Tab = "template" | "compare" | "labels" | "rollout";

/** One prompt: versions, a version's template, a diff of two versions, labels and their history. */
export function PromptPage({ name }: { name: string }) {
  useTitle(name);
  const { query } = useLocation();
  const tab = (query.get("tab") as Tab | null) ?? "template";
  const { data, error, reload } = useAsync(() => api.prompt(name), [name]);
  const history = useAsync(() => api.labelHistory(name), [name]);
  const permissions = usePermissions();
  // Which labels only deployers may move; an older server without the route protects none.
  const protectedLabels = useAsync(() => api.protectedLabels().then(({ labels }) => labels, () => [] as string[]), []);

  if (error) return <div className="page"><ErrorState error={error} retry={reload} back={{ to: "/prompts", label: "All prompts" }} /></div>;
  if (!data) return <div className="page"><Spinner /></div>;

  const versions = data.versions;
  const selected = versions.find((version) => version.version === Number(query.get("v"))) ?? versions[0];
  const base = `/prompts/${encodeURIComponent(name)}`;
  const refresh = () => {
    reload();
    history.reload();
  };

  return (
    <div className="page">
      <PageHeader
        crumbs={<><Link to="/prompts">Prompts</Link> <span aria-hidden="true">/</span></>}
        title={name}
        subtitle={
          <>
            {versions.length} {versions.length === 1 ? "version" : "versions"} · updated {timeAgo(data.prompt.updated_at)}
            {data.prompt.tags.length > 0 && <span className="chips inline">{data.prompt.tags.map((tag) => <Tag key={tag}>{tag}</Tag>)}</span>}
          </>
        }
        actions={
          <>
            <Link className="button" to={`/playground?prompt=${encodeURIComponent(name)}${selected ? `&version=${selected.version}` : ""}`}>Open in playground</Link>
            <Link className="button" to={`/requests?prompt=${encodeURIComponent(name)}`}>Requests</Link>
            {permissions.publish && <ArchiveButton name={name} archived={Boolean(data.prompt.archived_at)} onChanged={refresh} />}
            {permissions.publish && !data.prompt.archived_at && (
              <Link className="button button-primary" to={`${base}/edit${selected ? `?from=${selected.version}` : ""}`}>New version</Link>
            )}
          </>
        }
      />
      {data.prompt.archived_at && (
        <div className="callout callout-warning" role="status" data-archived>
          Archived {dateTime(data.prompt.archived_at)}: it can't run and takes no new versions. Its versions, labels and requests are kept; unarchive it to use it again.
        </div>
      )}
      <div className="label-strip" aria-label="Release labels">
        {data.labels.length === 0 ? (
          <span className="muted">No release labels yet: add one in the Labels tab to pin a version for production.</span>
        ) : (
          data.labels.map((label) => <LabelChip key={label.id} name={label.name} {...(!label.split && !label.routing && { version: label.prompt_version_number })} />)
        )}
      </div>
      <div className="tabs" role="tablist" aria-label="Prompt views">
        {(["template", "compare", "labels", "rollout"] as const).map((name) => (
          <button key={name} role="tab" aria-selected={tab === name} className={`tab ${tab === name ? "active" : ""}`} onClick={() => setQuery({ tab: name === "template" ? undefined : name })}>
            {name === "template" ? "Versions" : name === "compare" ? "Compare" : name === "labels" ? "Labels" : "Rollout"}
          </button>
        ))}
      </div>
      {tab === "template" && selected && <VersionsTab versions={versions} selected={selected} labels={data.labels} />}
      {tab === "compare" && <CompareTab versions={versions} labels={data.labels} from={query.get("from")} to={query.get("to")} />}
      {tab === "rollout" && (
        <RolloutTab
          name={name}
          versions={versions}
          history={history.data?.items}
          permissions={permissions}
          protectedLabels={protectedLabels.data ?? []}
          onChanged={refresh}
        />
      )}
      {tab === "labels" && (
        <LabelsTab
          name={name}
          versions={versions}
          labels={data.labels}
          history={history.data?.items}
          onChanged={refresh}
          permissions={permissions}
          protectedLabels={protectedLabels.data ?? []}
        />
      )}
    </div>
  );
}

function VersionsTab({ versions, selected, labels }: { versions: Version[]; selected: Version; labels: Label[] }) {
  const variables = templateVariables(selected.prompt_template);
  return (
    <div className="split">
      <nav className="card version-list" aria-label="Versions">
        <ol>
          {versions.map((version) => {
            const here = labels.filter((label) => label.prompt_version_number === version.version);
            return (
              <li key={version.id}>
                <button
                  className={`version-item ${version.id === selected.id ? "active" : ""}`}
                  aria-current={version.id === selected.id ? "true" : undefined}
                  onClick={() => setQuery({ v: version.version })}
                >
                  <span className="version-head">
                    <span className="version-number num">v{version.version}</span>
                    {here.map((label) => <LabelChip key={label.id} name={label.name} />)}
                    <span className="muted small push">{timeAgo(version.created_at)}</span>
                  </span>
                  <span className="version-message">{version.commit_message || <span className="muted">No commit message</span>}</span>
                  <span className="muted small">by {version.author_key_id === null ? "unknown" : `key #${version.author_key_id}`}</span>
                </button>
              </li>
            );
          })}
        </ol>
      </nav>
      <section className="version-detail" aria-label={`Version ${selected.version}`}>
        <div className="card">
          <div className="card-head">
            <h2>Version {selected.version}</h2>
            <span className="muted small">{dateTime(selected.created_at)} · {selected.author_key_id === null ? "unknown author" : `key #${selected.author_key_id}`}</span>
          </div>
          {selected.commit_message && <p className="commit">{selected.commit_message}</p>}
          <TemplateView template={selected.prompt_template} />
        </div>
        <div className="side-cards">
          <div className="card">
            <h3>Model</h3>
            <ModelView metadata={selected.metadata} />
          </div>
          <div className="card">
            <h3>Variables</h3>
            {variables.length === 0 ? <p className="muted">This template has no variables.</p> : <div className="chips">{variables.map((name) => <mark key={name} className="var">{name}</mark>)}</div>}
          </div>
        </div>
      </section>
    </div>
  );
}

/** A side of the comparison from the URL: a version number (`3`) or a label name (`prod`). */
function pickSide(versions: Version[], labels: Label[], value: string | null): { version: Version; label?: string } | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value)) {
    const version = versions.find((entry) => entry.version === Number(value));
    return version && { version };
  }
  const label = labels.find((entry) => entry.name === value);
  const version = label && versions.find((entry) => entry.version === label.prompt_version_number);
  return version && { version, label: value };
}

function CompareTab({ versions, labels, from, to }: { versions: Version[]; labels: Label[]; from: string | null; to: string | null }) {
  if (versions.length < 2) {
    return <EmptyState title="Only one version">Publish a second version to compare the two.</EmptyState>;
  }
  const after = pickSide(versions, labels, to) ?? { version: versions[0]! };
  const before = pickSide(versions, labels, from) ?? { version: versions.find((version) => version.version < after.version.version) ?? versions[1]! };
  const picker = (title: string, side: { version: Version; label?: string }, key: "from" | "to") => (
    <label className="field field-inline">
      <span className="field-label">{title}</span>
      <select value={side.label ?? String(side.version.version)} onChange={(event) => setQuery({ [key]: event.target.value }, { replace: true })} name={key}>
        {labels.length > 0 && (
          <optgroup label="Labels">
            {labels.map((label) => (
              <option key={label.id} value={label.name}>{label.name} (v{label.prompt_version_number})</option>
            ))}
          </optgroup>
        )}
        <optgroup label="Versions">
          {versions.map((version) => (
            <option key={version.id} value={String(version.version)}>
              v{version.version} {version.commit_message ? `— ${version.commit_message.slice(0, 40)}` : ""}
            </option>
          ))}
        </optgroup>
      </select>
    </label>
  );
  return (
    <div className="card">
      <div className="compare-pickers">
        {picker("From", before, "from")}
        <span aria-hidden="true" className="muted">→</span>
        {picker("To", after, "to")}
      </div>
      <DiffView before={before} after={after} />
    </div>
  );
}

function LabelsTab(props: {
  name: string;
  versions: Version[];
  labels: Label[];
  history: LabelMove[] | undefined;
  onChanged: () => void;
  permissions: Permissions;
  protectedLabels: string[];
}) {
  const { permissions } = props;
  /** Why this key may not move a label, or undefined when it may. */
  const refusal = (label: string): string | undefined =>
    !permissions.moveLabels
      ? `Your key is a ${permissions.role}: moving labels needs an editor key.`
      : props.protectedLabels.includes(label) && !permissions.moveProtectedLabels
        ? `“${label}” is protected: moving it needs a deployer or admin key.`
        : undefined;
  const [moving, setMoving] = useState<{ label: string; from: number | null; to: number }>();
  const { busy, error, setError, run } = useAction();
  const [newLabel, setNewLabel] = useState("");
  const [newLabelError, setNewLabelError] = useState<string>();
  const latest = props.versions[0]?.version ?? 1;

  const confirm = async () => {
    if (!moving) return;
    await run(async () => {
      await api.setLabel(props.name, moving.label, moving.to);
      setMoving(undefined);
      props.onChanged();
    });
  };

  return (
    <div className="stack">
      <div className="card">
        <div className="card-head">
          <h2>Release labels</h2>
          <span className="muted small">Code that runs a label (<code>promptReleaseLabel: "prod"</code>) gets the version it points at.</span>
        </div>
        {props.labels.length === 0 ? (
          <p className="muted">No labels yet.</p>
        ) : (
          <Table columns={["Label", "Version", "Since", permissions.moveLabels && "Move to"]}>
            {props.labels.map((label) => (
              <LabelRow
                key={`${label.id}-${label.prompt_version_number}`}
                label={label}
                versions={props.versions}
                isProtected={props.protectedLabels.includes(label.name)}
                showMove={permissions.moveLabels}
                refusal={refusal(label.name)}
                onMove={(to) => setMoving({ label: label.name, from: label.prompt_version_number, to })}
              />
            ))}
          </Table>
        )}
        {!permissions.moveLabels ? (
          <p className="muted small read-only-note" role="note">Your key is a {permissions.role}: it can read labels, not move them.</p>
        ) : (
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            const name = newLabel.trim();
            const refused = refusal(name);
            if (refused) {
              setNewLabelError(refused);
              return;
            }
            if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) {
              setNewLabelError("Use letters, digits, dot, dash or underscore (at most 64).");
              return;
            }
            if (props.labels.some((label) => label.name === name)) {
              setNewLabelError(`“${name}” exists: move it above.`);
              return;
            }
            setNewLabelError(undefined);
            setMoving({ label: name, from: null, to: latest });
          }}
        >
          <label className="field field-inline">
            <span className="field-label">New label</span>
            <input name="new_label" value={newLabel} placeholder="staging" onChange={(event) => setNewLabel(event.target.value)} aria-invalid={newLabelError ? true : undefined} />
          </label>
          <button className="button" type="submit">Add on v{latest}</button>
          {newLabelError && <span className="field-error" role="alert">{newLabelError}</span>}
        </form>
        )}
      </div>
      <div className="card">
        <h2>History</h2>
        {!props.history ? (
          <Spinner />
        ) : props.history.length === 0 ? (
          <p className="muted">No label has moved yet.</p>
        ) : (
          <ol className="timeline">
            {[...props.history].reverse().map((move) => (
              <li key={move.id}>
                <LabelChip name={move.label_name} />{" "}
                {move.from_version === null ? (
                  <>created on <strong className="num">v{move.to_version}</strong></>
                ) : move.to_version === null ? (
                  <>deleted (was v{move.from_version})</>
                ) : (
                  <>
                    moved <span className="num">v{move.from_version}</span> → <strong className="num">v{move.to_version}</strong>
                    {move.to_version < move.from_version && <span className="badge badge-warn">rollback</span>}
                  </>
                )}
                <span className="muted small"> · {move.actor_key_id === null ? "unknown" : (move.actor_key_name ?? `key #${move.actor_key_id}`)} · {dateTime(move.created_at)}</span>
              </li>
            ))}
          </ol>
        )}
      </div>
      {moving && (
        <ConfirmDialog
          title={moving.from === null ? `Create label “${moving.label}”?` : `Move “${moving.label}” to v${moving.to}?`}
          confirmLabel={moving.from === null ? "Create label" : moving.to < moving.from ? "Roll back" : "Promote"}
          action={{ busy, error, setError }}
          onConfirm={confirm}
          onClose={() => setMoving(undefined)}
        >
          {moving.from === null ? (
            <p>The label will point at version {moving.to}.</p>
          ) : (
            <p>
              Every <code>run()</code> that asks for <strong>{moving.label}</strong> will get version <strong>{moving.to}</strong> instead of version {moving.from}
              {moving.to < moving.from ? " (a rollback)" : ""}. The move is recorded in the history and can be undone by moving it back.
            </p>
          )}
        </ConfirmDialog>
      )}
    </div>
  );
}

function LabelRow(props: { label: Label; versions: Version[]; isProtected: boolean; showMove: boolean; refusal: string | undefined; onMove: (to: number) => void }) {
  const { label, versions, onMove } = props;
  const [target, setTarget] = useState(versions.find((version) => version.version !== label.prompt_version_number)?.version ?? label.prompt_version_number);
  return (
    <tr>
      <td>
        <LabelChip name={label.name} />
        {props.isProtected && <span className="badge badge-muted lock" title="Only deployer and admin keys may move it">protected</span>}
      </td>
      <td className="num">v{label.prompt_version_number}</td>
      <td className="muted">{timeAgo(label.updated_at)}</td>
      {props.showMove && (
        <td>
          <div className="inline-form">
            <select aria-label={`Move ${label.name} to version`} value={target} disabled={props.refusal !== undefined} onChange={(event) => setTarget(Number(event.target.value))}>
              {versions.map((version) => (
                <option key={version.id} value={version.version}>v{version.version}</option>
              ))}
            </select>
            <button className="button" disabled={target === label.prompt_version_number || props.refusal !== undefined} title={props.refusal} onClick={() => onMove(target)}>
              Move
            </button>
            {props.refusal && <span className="muted small">{props.refusal}</span>}
          </div>
        </td>
      )}
    </tr>
  );
}

/** Archive (with a confirmation: runs of it start failing) or unarchive the prompt. */
function ArchiveButton({ name, archived, onChanged }: { name: string; archived: boolean; onChanged: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const { busy, error, setError, run } = useAction();
  const change = async (to: boolean) => {
    await run(async () => {
      await api.setArchived(name, to);
      setConfirming(false);
      onChanged();
    });
  };
  if (archived) {
    return (
      <button className="button" disabled={busy} onClick={() => void change(false)} title={error}>
        {busy ? "Working…" : "Unarchive"}
      </button>
    );
  }
  return (
    <>
      <button className="button" onClick={() => setConfirming(true)}>Archive</button>
      {confirming && (
        <ConfirmDialog
          title={`Archive “${name}”?`}
          confirmLabel="Archive"
          action={{ busy, error, setError }}
          onConfirm={() => void change(true)}
          onClose={() => setConfirming(false)}
        >
          <p>Every run of it fails from now on (clients hear of it within seconds), and it leaves the prompt list. Its versions, labels and logged requests stay, and you can unarchive it at any time.</p>
        </ConfirmDialog>
      )}
    </>
  );
}
