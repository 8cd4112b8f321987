import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { knownProviders } from "@promptline/core/providers";
import { EmptyState, ErrorState, Loaded, PageHeader, Spinner, useAction, useAsync } from "../components/ui.js";
import { api, type Label, type Version } from "../lib/api.js";
import { cost, integer, latency } from "../lib/format.js";
import { usePermissions } from "../lib/permissions.js";
import { buildDraft, draftOf, editableRoles, isEditable, isModified, type Draft } from "../lib/playground-draft.js";
import { runInPlayground, type PlaygroundRunBody, type RunState } from "../lib/playground-run.js";
import { Link, setQuery, useLocation, useTitle } from "../lib/router.js";
import { variablesOf } from "../lib/variables.js";

/**
 * Pick a prompt and a version or label, edit its messages and parameters,
 * fill its variables, run the draft (or the stored version), and optionally
 * run another version or model beside it. Runs are logged; a draft is logged
 * without a version number. Saving the draft publishes a new version.
 */
export function PlaygroundPage() {
  useTitle("Playground");
  const { query } = useLocation();
  const promptName = query.get("prompt") ?? "";
  const label = query.get("label") ?? "";
  const versionNumber = Number(query.get("version")) || undefined;

  const prompts = useAsync(() => api.prompts({ per_page: 100 }), []);
  const detail = useAsync(async () => (promptName ? api.prompt(promptName) : undefined), [promptName]);
  const selector = label ? { label } : versionNumber ? { version: versionNumber } : {};
  const version = useAsync(async () => (promptName ? (await api.template(promptName, selector)).version : undefined), [promptName, label, versionNumber]);

  useEffect(() => {
    if (!promptName && prompts.data?.items[0]) setQuery({ prompt: prompts.data.items[0].name }, { replace: true });
  }, [promptName, prompts.data]);

  if (prompts.error) return <div className="page"><ErrorState error={prompts.error} retry={prompts.reload} /></div>;
  if (!prompts.data) return <div className="page"><Spinner /></div>;
  if (prompts.data.items.length === 0) {
    return (
      <div className="page">
        <PageHeader title="Playground" />
        <EmptyState title="Nothing to run yet" action={<Link className="button button-primary" to="/prompts/new">Create a prompt</Link>}>
          The playground runs prompts from your registry. Create one first.
        </EmptyState>
      </div>
    );
  }

  const selectValue = label ? `label:${label}` : versionNumber ? `version:${versionNumber}` : "latest";
  return (
    <div className="page page-wide">
      <PageHeader title="Playground" subtitle="Edit, run and compare without publishing. Runs are logged like any other request, tagged “playground”." />
      <div className="card pick-row">
        <label className="field">
          <span className="field-label">Prompt</span>
          <select name="prompt" value={promptName} onChange={(event) => setQuery({ prompt: event.target.value, label: undefined, version: undefined })}>
            {prompts.data.items.map((prompt) => <option key={prompt.id} value={prompt.name}>{prompt.name}</option>)}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Version or label</span>
          <select
            name="selector"
            value={selectValue}
            onChange={(event) => {
              const [kind, value] = event.target.value.split(":");
              setQuery({ label: kind === "label" ? value : undefined, version: kind === "version" ? value : undefined });
            }}
          >
            <option value="latest">latest</option>
            <SourceOptions labels={detail.data?.labels} versions={detail.data?.versions} />
          </select>
        </label>
      </div>
      <Loaded state={version} back={{ to: "/prompts", label: "All prompts" }}>
        {(data) => (
          <Workbench key={`${data.id}`} version={data} label={label || undefined} labels={detail.data?.labels ?? []} versions={detail.data?.versions ?? []} />
        )}
      </Loaded>
    </div>
  );
}

function SourceOptions({ labels, versions }: { labels: Label[] | undefined; versions: Version[] | undefined }) {
  return (
    <>
      {labels?.map((entry) => <option key={entry.id} value={`label:${entry.name}`}>label {entry.name} (v{entry.prompt_version_number})</option>)}
      {versions?.map((entry) => <option key={entry.id} value={`version:${entry.version}`}>v{entry.version}{entry.commit_message ? ` — ${entry.commit_message.slice(0, 40)}` : ""}</option>)}
    </>
  );
}

/** The second column of a side-by-side run: the draft or another version/label, on its own provider and model if given. */
interface Companion {
  source: string;
  provider: string;
  model: string;
}

function Workbench({ version, label, labels, versions }: { version: Version; label: string | undefined; labels: Label[]; versions: Version[] }) {
  const permissions = usePermissions();
  const [draft, setDraft] = useState<Draft>(() => draftOf(version.prompt_template, version.metadata));
  const built = useMemo(() => buildDraft(version, draft), [version, draft]);
  const modified = isModified(version, built);
  const variables = useMemo(() => variablesOf("error" in built ? version.prompt_template : built.template), [built, version]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [missing, setMissing] = useState<string[]>([]);
  const [companion, setCompanion] = useState<Companion | undefined>();
  const [runs, setRuns] = useState<[RunState, RunState]>([{ status: "idle" }, { status: "idle" }]);
  const aborts = useRef<AbortController[]>([]);
  useEffect(() => () => aborts.current.forEach((controller) => controller.abort()), []);
  const running = runs.some((run) => run.status === "running");

  const setMessage = (index: number, change: Partial<Draft["messages"][number]>) =>
    setDraft({ ...draft, messages: draft.messages.map((message, at) => (at === index ? { ...message, ...change } : message)) });

  /** What to run for the main column: the draft when edited, else the stored version or label as picked. */
  const mainBody = (): PlaygroundRunBody | undefined => {
    if ("error" in built) return undefined;
    const base = { prompt_name: version.prompt_name, input_variables: values };
    return modified ? { ...base, version: version.version, draft: { prompt_template: built.template, metadata: built.metadata } } : { ...base, ...(label ? { label } : { version: version.version }) };
  };
  const companionBody = (): PlaygroundRunBody | undefined => {
    if (!companion) return undefined;
    const [kind, value] = companion.source.split(":");
    const source = kind === "draft" ? mainBody() : { prompt_name: version.prompt_name, input_variables: values, ...(kind === "label" ? { label: value! } : { version: Number(value) }) };
    if (!source) return undefined;
    return { ...source, ...(companion.provider && { provider: companion.provider }), ...(companion.model.trim() && { model: companion.model.trim() }) };
  };

  const start = async (event?: FormEvent) => {
    event?.preventDefault();
    const empty = variables.names.filter((name) => !values[name]?.trim());
    setMissing(empty);
    if (empty.length > 0 || variables.error || "error" in built) return;
    aborts.current.forEach((controller) => controller.abort());
    const bodies = [mainBody(), companionBody()];
    aborts.current = bodies.map(() => new AbortController());
    setRuns([{ status: "idle" }, { status: "idle" }]);
    await Promise.all(
      bodies.map((body, lane) =>
        body ? runInPlayground(body, aborts.current[lane]!.signal, (state) => setRuns((previous) => (lane === 0 ? [state, previous[1]] : [previous[0], state]))) : undefined,
      ),
    );
  };

  return (
    <div className="playground">
      <form
        className="card playground-form"
        onSubmit={start}
        onKeyDown={(event) => {
          if (event.key === "Enter" && (event.metaKey || event.ctrlKey)) void start();
        }}
        noValidate
      >
        <div className="card-head">
          <h2>Messages</h2>
          {modified ? <span className="badge badge-warn" data-testid="draft-badge">draft: edited from v{version.version}</span> : <span className="muted small">v{version.version}</span>}
        </div>
        <ol className="draft-messages">
          {draft.messages.map((message, index) => (
            <li key={index} className="draft-message">
              {version.prompt_template.type === "completion" ? (
                <span className="field-label">Completion</span>
              ) : isEditable(message.role) ? (
                <div className="draft-message-head">
                  <select aria-label={`Role of message ${index + 1}`} value={message.role} onChange={(event) => setMessage(index, { role: event.target.value as Draft["messages"][number]["role"] })}>
                    {editableRoles.map((role) => <option key={role}>{role}</option>)}
                  </select>
                  <button type="button" className="link-button" aria-label={`Remove message ${index + 1}`} onClick={() => setDraft({ ...draft, messages: draft.messages.filter((_, at) => at !== index) })}>Remove</button>
                </div>
              ) : (
                <span className="field-label">{message.role}{message.original?.role === "placeholder" ? ` {${message.original.name}}` : ""} <span className="muted">(kept as is)</span></span>
              )}
              {(isEditable(message.role) || version.prompt_template.type === "completion") && (
                <textarea name={`draft-message-${index}`} aria-label={`Message ${index + 1} (${message.role})`} rows={Math.min(8, Math.max(2, message.text.split("\n").length + 1))} value={message.text} onChange={(event) => setMessage(index, { text: event.target.value })} />
              )}
            </li>
          ))}
        </ol>
        {version.prompt_template.type === "chat" && (
          <button type="button" className="button" onClick={() => setDraft({ ...draft, messages: [...draft.messages, { role: "user", text: "" }] })}>Add message</button>
        )}

        <h2>Model</h2>
        <div className="field-row">
          <label className="field">
            <span className="field-label">Provider</span>
            <select name="draft-provider" value={draft.provider} onChange={(event) => setDraft({ ...draft, provider: event.target.value })}>
              {!draft.provider && <option value="">none</option>}
              {knownProviders.map((name) => <option key={name}>{name}</option>)}
            </select>
          </label>
          <label className="field">
            <span className="field-label">Model</span>
            <input name="draft-model" value={draft.model} onChange={(event) => setDraft({ ...draft, model: event.target.value })} />
          </label>
        </div>
        <label className="field">
          <span className="field-label">Parameters (JSON)</span>
          <textarea name="parameters" className="code" rows={4} value={draft.parameters} onChange={(event) => setDraft({ ...draft, parameters: event.target.value })} aria-invalid={"error" in built ? true : undefined} />
          {"error" in built && <span className="field-error" role="alert">{built.error}</span>}
        </label>

        <h2>Variables</h2>
        {variables.error && (
          <div className="callout callout-error" role="alert">
            <strong>This template can't be read.</strong>
            <p>{variables.error}</p>
          </div>
        )}
        {!variables.error && variables.names.length === 0 && <p className="muted">This template has no variables: just run it.</p>}
        {variables.names.map((name) => (
          <label key={name} className="field">
            <span className="field-label"><mark className="var">{name}</mark></span>
            <textarea name={`var-${name}`} rows={2} value={values[name] ?? ""} onChange={(event) => setValues({ ...values, [name]: event.target.value })} aria-invalid={missing.includes(name) ? true : undefined} />
            {missing.includes(name) && <span className="field-error" role="alert">Fill in {name}.</span>}
          </label>
        ))}

        <label className="checkbox">
          <input type="checkbox" name="side-by-side" checked={companion !== undefined} onChange={(event) => setCompanion(event.target.checked ? { source: modified ? `version:${version.version}` : "draft", provider: "", model: "" } : undefined)} />
          Run side by side with another version or model
        </label>
        {companion && (
          <fieldset className="companion" aria-label="Side by side">
            <label className="field">
              <span className="field-label">Run beside it</span>
              <select name="companion-source" value={companion.source} onChange={(event) => setCompanion({ ...companion, source: event.target.value })}>
                <option value="draft">{modified ? "the draft" : `v${version.version} (as on the left)`}</option>
                <SourceOptions labels={labels} versions={versions} />
              </select>
            </label>
            <div className="field-row">
              <label className="field">
                <span className="field-label">on provider</span>
                <select name="companion-provider" value={companion.provider} onChange={(event) => setCompanion({ ...companion, provider: event.target.value })}>
                  <option value="">its own</option>
                  {knownProviders.map((name) => <option key={name}>{name}</option>)}
                </select>
              </label>
              <label className="field">
                <span className="field-label">model</span>
                <input name="companion-model" value={companion.model} placeholder="its own" onChange={(event) => setCompanion({ ...companion, model: event.target.value })} />
              </label>
            </div>
          </fieldset>
        )}

        <div className="form-actions">
          {running && <button type="button" className="button" onClick={() => aborts.current.forEach((controller) => controller.abort())}>Stop</button>}
          <button type="submit" className="button button-primary" disabled={running}>
            {running ? "Running…" : companion ? "Run both" : modified ? "Run draft" : "Run"} <kbd>Ctrl ↵</kbd>
          </button>
        </div>
        {modified && <SaveDraft version={version} built={built} canPublish={permissions.publish} role={permissions.role} onSaved={(saved) => setQuery({ version: saved, label: undefined })} />}
      </form>
      <div className={`playground-lanes ${companion ? "two-lanes" : ""}`}>
        <Lane title={modified ? `Draft (from v${version.version})` : label ? `${label} (v${version.version})` : `v${version.version}`} run={runs[0]} main version={version} />
        {companion && <Lane title={companionTitle(companion, modified, version)} run={runs[1]} version={version} />}
      </div>
    </div>
  );
}

function companionTitle(companion: Companion, modified: boolean, version: Version): string {
  const [kind, value] = companion.source.split(":");
  const source = kind === "draft" ? (modified ? "Draft" : `v${version.version}`) : kind === "label" ? value! : `v${value}`;
  return companion.model.trim() ? `${source} on ${companion.provider ? `${companion.provider} · ` : ""}${companion.model.trim()}` : source;
}

/** Publishes the draft as the prompt's next version (editors and up; the server checks it too). */
function SaveDraft({ version, built, canPublish, role, onSaved }: { version: Version; built: ReturnType<typeof buildDraft>; canPublish: boolean; role: string; onSaved: (version: number) => void }) {
  const [message, setMessage] = useState("");
  const { busy, error, run } = useAction();
  if (!canPublish) return <p className="muted small" role="note">Your key is a {role}: it can run drafts, not save them. Saving a version needs an editor key.</p>;
  const save = async () => {
    if ("error" in built) return;
    await run(async () => {
      const saved = await api.publish({ prompt_name: version.prompt_name, prompt_template: built.template, metadata: built.metadata, ...(message.trim() && { commit_message: message.trim() }) });
      onSaved(saved.version.version);
    });
  };
  return (
    <div className="save-draft">
      <label className="field">
        <span className="field-label">Commit message</span>
        <input name="commit_message" value={message} placeholder="What changed" onChange={(event) => setMessage(event.target.value)} />
      </label>
      <button type="button" className="button" disabled={busy || "error" in built} onClick={save}>{busy ? "Saving…" : "Save as new version"}</button>
      {error && <p className="field-error" role="alert">{error}</p>}
    </div>
  );
}

/** One answer column: the streamed text, then tokens, cost and latency, or what went wrong and what to do. */
function Lane({ title, run, main = false, version }: { title: string; run: RunState; main?: boolean; version: Version }) {
  return (
    <section className="card playground-output" aria-label={main ? "Answer" : "Side-by-side answer"}>
      <div className="card-head">
        <h2>{title}</h2>
        {(run.status === "done" || run.status === "failed") && run.requestId && <Link to={`/requests/${run.requestId}`} className="button">View logged request →</Link>}
      </div>
      {run.status === "idle" ? (
        <p className="muted">{main ? "Fill the variables and press Run. The answer streams here." : "Runs with the same variables when you press Run both."}</p>
      ) : run.status === "failed" && !run.text ? null : (
        <div className="bubbles">
          <div className="message message-bubble role-assistant" data-testid={main ? "answer" : "answer-side"} aria-live="polite" aria-busy={run.status === "running"}>
            <div className="message-role">assistant {run.status === "running" && <span className="typing" aria-label="streaming">●●●</span>}</div>
            <div className="message-content"><div className="block-text">{run.text}</div></div>
          </div>
        </div>
      )}
      {run.status === "done" && (
        <dl className="run-metrics" data-testid={main ? "metrics" : "metrics-side"}>
          <div><dt>Model</dt><dd>{run.metrics.provider ?? "—"} · <code>{run.metrics.model ?? "—"}</code></dd></div>
          <div><dt>Tokens in → out</dt><dd className="num">{run.metrics.usage ? `${integer(run.metrics.usage.input_tokens)} → ${integer(run.metrics.usage.output_tokens)}` : "—"}</dd></div>
          <div><dt>Cost</dt><dd className="num">{run.metrics.cost_usd === null || run.metrics.cost_usd === undefined ? <span title="No price is known for this model">unpriced</span> : cost(run.metrics.cost_usd)}</dd></div>
          <div><dt>Latency</dt><dd className="num">{latency(run.metrics.latency_ms)}</dd></div>
        </dl>
      )}
      {run.status === "failed" && (
        <div className="callout callout-error" role="alert">
          <strong>{run.title}</strong>
          <p className="field-error">{run.message}</p>
          {run.envVars && run.envVars[0] && (
            <p>
              For example: <code>{run.envVars[0]}=… promptline serve</code>
            </p>
          )}
        </div>
      )}
      {main && run.status === "idle" && <p className="muted small">Template v{version.version}, {version.metadata.model ? `${version.metadata.model.provider} · ${version.metadata.model.name}` : "no model set"}.</p>}
    </section>
  );
}
