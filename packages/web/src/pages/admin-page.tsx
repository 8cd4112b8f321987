import { useState, type FormEvent } from "react";
import { ConfirmDialog, EmptyState, InlineFieldForm, LabelChip, Loaded, PageHeader, useAction, useAsync } from "../components/ui.js";
import { api, type ApiKey, type KeyRole } from "../lib/api.js";
import { dateTime, timeAgo } from "../lib/format.js";
import { keyRoles, roleDescriptions, usePermissions } from "../lib/permissions.js";
import { useTitle } from "../lib/router.js";
import { RetentionCard } from "./retention-card.js";

/** Access: the workspace's API keys (create with a role, revoke) and its protected labels. Admin keys only. */
export function AdminPage() {
  useTitle("Access");
  const { admin, role } = usePermissions();
  if (!admin) {
    return (
      <div className="page">
        <PageHeader title="Access" />
        <div className="callout" role="note">
          <strong>This page needs an admin key.</strong>
          <p>
            You are signed in with a <strong>{role}</strong> key. API keys and label protection are managed by admins: ask one, or sign in with an
            admin key.
          </p>
        </div>
      </div>
    );
  }
  return (
    <div className="page">
      <PageHeader title="Access" subtitle="Who may do what in this workspace: API keys and their roles, and the labels only deployers may move." />
      <div className="stack">
        <KeysCard />
        <ProtectedLabelsCard />
        <RetentionCard />
      </div>
    </div>
  );
}

function KeysCard() {
  const keys = useAsync(() => api.keys(), []);
  const [name, setName] = useState("");
  const [role, setRole] = useState<KeyRole>("runner");
  const creation = useAction();
  const revocation = useAction();
  // One busy flag for the card: creating and revoking disable each other's buttons.
  const busy = creation.busy || revocation.busy;
  const [created, setCreated] = useState<ApiKey & { key: string }>();
  const [copied, setCopied] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey>();

  const create = async (event: FormEvent) => {
    event.preventDefault();
    await creation.run(async () => {
      const key = await api.createKey({ ...(name.trim() && { name: name.trim() }), role });
      setCreated(key);
      setCopied(false);
      setName("");
      keys.reload();
    });
  };

  const revoke = async () => {
    if (!revoking) return;
    await revocation.run(async () => {
      await api.revokeKey(revoking.id);
      setRevoking(undefined);
      keys.reload();
    });
  };

  const live = keys.data?.items.filter((key) => key.revoked_at === null) ?? [];
  const revoked = keys.data?.items.filter((key) => key.revoked_at !== null) ?? [];

  return (
    <section className="card" aria-labelledby="keys-title">
      <div className="card-head">
        <h2 id="keys-title">API keys</h2>
        <span className="muted small">An application's key should be a <strong>runner</strong>: it can run prompts and log, but not change them.</span>
      </div>
      <form className="inline-form key-form" onSubmit={create} aria-label="Create an API key">
        <label className="field field-inline">
          <span className="field-label">Name</span>
          <input name="key_name" value={name} placeholder="checkout-service" maxLength={256} onChange={(event) => setName(event.target.value)} />
        </label>
        <label className="field field-inline">
          <span className="field-label">Role</span>
          <select name="key_role" value={role} onChange={(event) => setRole(event.target.value as KeyRole)}>
            {keyRoles.map((each) => (
              <option key={each} value={each}>{each}</option>
            ))}
          </select>
        </label>
        <button className="button button-primary" type="submit" disabled={busy}>Create key</button>
        <span className="muted small">{roleDescriptions[role]}</span>
        {creation.error && <span className="field-error" role="alert">{creation.error}</span>}
      </form>
      {created && (
        <div className="callout callout-ok new-key" role="status" aria-label="New API key">
          <strong>
            Key {created.name ? `“${created.name}”` : `#${created.id}`} created ({created.role ?? (created.admin ? "admin" : "deployer")}). Copy it now: it is shown only once.
          </strong>
          <div className="inline-form">
            <code className="secret" data-testid="new-key">{created.key}</code>
            <button
              className="button"
              type="button"
              onClick={() => {
                void navigator.clipboard?.writeText(created.key).then(() => setCopied(true), () => undefined);
              }}
            >
              {copied ? "Copied" : "Copy"}
            </button>
            <button className="button button-ghost" type="button" onClick={() => setCreated(undefined)}>Done</button>
          </div>
        </div>
      )}
      <Loaded state={keys}>
        {() => (
          <table className="table" aria-label="API keys">
            <thead>
              <tr>
                <th>Name</th>
                <th>Key</th>
                <th>Role</th>
                <th>Created</th>
                <th>Last used</th>
                <th><span className="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {[...live, ...revoked].map((key) => (
                <tr key={key.id} className={key.revoked_at ? "row-muted" : undefined} data-key-id={key.id}>
                  <td>{key.name ?? <span className="muted">#{key.id}</span>}</td>
                  <td><code>{key.prefix}…</code></td>
                  <td><span className={`badge badge-role role-${key.role ?? (key.admin ? "admin" : "deployer")}`}>{key.role ?? (key.admin ? "admin" : "deployer")}</span></td>
                  <td className="muted" title={dateTime(key.created_at)}>{timeAgo(key.created_at)}</td>
                  <td className="muted">{key.last_used_at ? <span title={dateTime(key.last_used_at)}>{timeAgo(key.last_used_at)}</span> : key.last_used_at === null ? "never" : "—"}</td>
                  <td>
                    {key.revoked_at ? (
                      <span className="muted small">revoked {timeAgo(key.revoked_at)}</span>
                    ) : (
                      <button className="button button-danger" type="button" onClick={() => setRevoking(key)} aria-label={`Revoke ${key.name ?? `key #${key.id}`}`}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
      {revoking && (
        <ConfirmDialog
          title={`Revoke ${revoking.name ? `“${revoking.name}”` : `key #${revoking.id}`}?`}
          confirmLabel="Revoke key"
          // The card's one busy flag: a key being created disables this too.
          action={{ ...revocation, busy }}
          onConfirm={revoke}
          onClose={() => setRevoking(undefined)}
        >
          <p>
            Every request with <code>{revoking.prefix}…</code> is refused from now on, and its dashboard sessions end. This cannot be undone: create
            a new key instead.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function ProtectedLabelsCard() {
  const labels = useAsync(() => api.protectedLabels(), []);
  const [label, setLabel] = useState("");
  const { busy, error, run } = useAction();

  const change = async (action: () => Promise<unknown>) => {
    await run(async () => {
      await action();
      labels.reload();
    });
  };

  return (
    <section className="card" aria-labelledby="protected-title">
      <div className="card-head">
        <h2 id="protected-title">Protected labels</h2>
        <span className="muted small">Moving, deleting or publishing onto these labels, in every prompt, needs a deployer or admin key.</span>
      </div>
      <Loaded state={labels}>
        {(data) => data.labels.length === 0 ? (
          <EmptyState title="No label is protected">Any editor may move every label, prod included.</EmptyState>
        ) : (
          <ul className="protected-list" aria-label="Protected labels">
            {data.labels.map((name) => (
              <li key={name}>
                <LabelChip name={name} />
                <button className="button button-ghost" type="button" disabled={busy} onClick={() => change(() => api.unprotectLabel(name))} aria-label={`Unprotect ${name}`}>
                  Unprotect
                </button>
              </li>
            ))}
          </ul>
        )}
      </Loaded>
      <InlineFieldForm
        label="Protect a label"
        fieldLabel="Label"
        input={{ name: "protect_label", value: label, placeholder: "staging", maxLength: 256, onChange: (event) => setLabel(event.target.value) }}
        submit="Protect"
        disabled={busy || !label.trim()}
        error={error}
        onSubmit={() => {
          const name = label.trim();
          if (!name) return;
          void change(() => api.protectLabel(name)).then(() => setLabel(""));
        }}
      />
    </section>
  );
}
