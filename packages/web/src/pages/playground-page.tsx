import { useEffect, useRef, useState, type FormEvent } from "react";
import { ModelView, TemplateView } from "../components/template-view.js";
import { EmptyState, ErrorState, PageHeader, Spinner, useAsync } from "../components/ui.js";
import { ApiError, api, type Version } from "../lib/api.js";
import { Link, setQuery, useLocation, useTitle } from "../lib/router.js";
import { readEvents } from "../lib/sse.js";
import { templateVariables } from "../lib/variables.js";
import { knownProviders } from "@promptline/core/providers";

type RunState =
  | { status: "idle" }
  | { status: "running"; text: string; requestId?: string }
  | { status: "done"; text: string; requestId: string }
  | { status: "failed"; text: string; message: string; requestId?: string };

/** Pick a prompt and version or label, fill its variables, run it, watch the answer stream. */
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
      <PageHeader title="Playground" subtitle="Runs are logged like any other request, tagged “playground”." />
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
            {detail.data?.labels.map((entry) => <option key={entry.id} value={`label:${entry.name}`}>label {entry.name} (v{entry.prompt_version_number})</option>)}
            {detail.data?.versions.map((entry) => <option key={entry.id} value={`version:${entry.version}`}>v{entry.version}{entry.commit_message ? ` — ${entry.commit_message.slice(0, 40)}` : ""}</option>)}
          </select>
        </label>
      </div>
      {version.error ? <ErrorState error={version.error} retry={version.reload} /> : !version.data ? <Spinner /> : <Runner key={`${version.data.id}`} version={version.data} label={label || undefined} />}
    </div>
  );
}

function Runner({ version, label }: { version: Version; label: string | undefined }) {
  const variables = templateVariables(version.prompt_template);
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(variables.map((name) => [name, ""])));
  const [missing, setMissing] = useState<string[]>([]);
  const [provider, setProvider] = useState("");
  const [model, setModel] = useState("");
  const [parameters, setParameters] = useState("");
  const [parametersError, setParametersError] = useState<string>();
  const [run, setRun] = useState<RunState>({ status: "idle" });
  const abort = useRef<AbortController>(undefined);
  useEffect(() => () => abort.current?.abort(), []);

  const start = async (event?: FormEvent) => {
    event?.preventDefault();
    const empty = variables.filter((name) => !values[name]?.trim());
    setMissing(empty);
    let overrides: Record<string, unknown> | undefined;
    setParametersError(undefined);
    if (parameters.trim()) {
      try {
        overrides = JSON.parse(parameters) as Record<string, unknown>;
        if (typeof overrides !== "object" || overrides === null || Array.isArray(overrides)) throw new Error("expected a JSON object");
      } catch (error) {
        setParametersError(`Parameters must be a JSON object: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
    }
    if (empty.length > 0) return;
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setRun({ status: "running", text: "" });
    try {
      const response = await fetch("/api/v1/playground/run", {
        method: "POST",
        credentials: "same-origin",
        signal: controller.signal,
        headers: { "content-type": "application/json", accept: "text/event-stream", "x-promptline-csrf": "1" },
        body: JSON.stringify({
          prompt_name: version.prompt_name,
          ...(label ? { label } : { version: version.version }),
          input_variables: values,
          ...(provider && { provider }),
          ...(model.trim() && { model: model.trim() }),
          ...(overrides && { parameters: overrides }),
        }),
      });
      if (!response.ok || !response.body) {
        const body = (await response.json().catch(() => ({}))) as { message?: string };
        throw new ApiError(response.status, body.message ?? `The server answered ${response.status}.`);
      }
      let text = "";
      let requestId: string | undefined;
      for await (const message of readEvents(response.body)) {
        const data = JSON.parse(message.data) as { text?: string; request_id?: string; message?: string };
        requestId = data.request_id ?? requestId;
        if (message.event === "delta") {
          text += data.text ?? "";
          setRun({ status: "running", text, ...(requestId && { requestId }) });
        } else if (message.event === "done") {
          setRun({ status: "done", text: data.text || text, requestId: requestId ?? "" });
          return;
        } else if (message.event === "error") {
          setRun({ status: "failed", text, message: data.message ?? "The run failed.", ...(requestId && { requestId }) });
          return;
        }
      }
      setRun({ status: "failed", text, message: "The stream ended before the answer was complete." });
    } catch (error) {
      if (controller.signal.aborted) setRun((previous) => ({ status: "failed", text: "text" in previous ? previous.text : "", message: "Stopped." }));
      else setRun({ status: "failed", text: "", message: error instanceof Error ? error.message : String(error) });
    }
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
        <h2>Variables</h2>
        {variables.length === 0 && <p className="muted">This template has no variables: just run it.</p>}
        {variables.map((name) => (
          <label key={name} className="field">
            <span className="field-label"><mark className="var">{name}</mark></span>
            <textarea
              name={`var-${name}`}
              rows={2}
              value={values[name] ?? ""}
              onChange={(event) => setValues({ ...values, [name]: event.target.value })}
              aria-invalid={missing.includes(name) ? true : undefined}
            />
            {missing.includes(name) && <span className="field-error" role="alert">Fill in {name}.</span>}
          </label>
        ))}
        <details className="overrides">
          <summary>Provider, model and parameters</summary>
          <label className="field">
            <span className="field-label">Provider</span>
            <select name="provider" value={provider} onChange={(event) => setProvider(event.target.value)}>
              <option value="">as in the template ({version.metadata.model?.provider ?? "none"})</option>
              {knownProviders.map((name) => <option key={name}>{name}</option>)}
            </select>
          </label>
          <label className="field">
            <span className="field-label">Model</span>
            <input name="model" value={model} placeholder={version.metadata.model?.name ?? ""} onChange={(event) => setModel(event.target.value)} />
          </label>
          <label className="field">
            <span className="field-label">Parameters (JSON, merged over the template's)</span>
            <textarea name="parameters" className="code" rows={3} placeholder='{ "temperature": 0 }' value={parameters} onChange={(event) => setParameters(event.target.value)} aria-invalid={parametersError ? true : undefined} />
            {parametersError && <span className="field-error" role="alert">{parametersError}</span>}
          </label>
        </details>
        <div className="form-actions">
          {run.status === "running" ? (
            <button type="button" className="button" onClick={() => abort.current?.abort()}>Stop</button>
          ) : null}
          <button type="submit" className="button button-primary" disabled={run.status === "running"}>
            {run.status === "running" ? "Running…" : "Run"} <kbd>Ctrl ↵</kbd>
          </button>
        </div>
      </form>
      <section className="card playground-output" aria-label="Answer">
        <div className="card-head">
          <h2>Answer</h2>
          {(run.status === "done" || run.status === "failed") && run.requestId && (
            <Link to={`/requests/${run.requestId}`} className="button">View logged request →</Link>
          )}
        </div>
        {run.status === "idle" ? (
          <p className="muted">Fill the variables and press Run. The answer streams here.</p>
        ) : run.status === "failed" && !run.text ? null : (
          <div className="bubbles">
            <div className="message message-bubble role-assistant" data-testid="answer" aria-live="polite" aria-busy={run.status === "running"}>
              <div className="message-role">assistant {run.status === "running" && <span className="typing" aria-label="streaming">●●●</span>}</div>
              <div className="message-content"><div className="block-text">{run.text}</div></div>
            </div>
          </div>
        )}
        {run.status === "failed" && (
          <div className="callout callout-error" role="alert">
            <strong>The run failed.</strong>
            <p className="field-error">{run.message}</p>
          </div>
        )}
        <details className="template-peek">
          <summary>Template v{version.version}</summary>
          <TemplateView template={version.prompt_template} />
          <ModelView metadata={version.metadata} />
        </details>
      </section>
    </div>
  );
}
