import { useEffect, useMemo, useState, type FormEvent } from "react";
import type { Message, PromptTemplate, TemplateMetadata } from "@promptline/core";
// The codec registry's list (no codecs bundled): the editor offers what publish accepts.
import { knownProviders as providers } from "@promptline/core/providers";
import { ErrorState, PageHeader, Spinner } from "../components/ui.js";
import { ApiError, api, type Version } from "../lib/api.js";
import { Link, navigate, useLocation, useTitle } from "../lib/router.js";
import { usePermissions } from "../lib/permissions.js";
import { formatOf, templateVariables } from "../lib/variables.js";

const roles = ["system", "developer", "user", "assistant"] as const;

interface DraftMessage {
  role: string;
  text: string;
  /** The original message, so fields the editor doesn't show survive (names, images, tool calls). */
  original?: Message;
}

interface Draft {
  name: string;
  type: "chat" | "completion";
  messages: DraftMessage[];
  completion: string;
  format: "f-string" | "jinja2";
  provider: string;
  model: string;
  parameters: string;
  commitMessage: string;
  labels: string;
}

type Errors = Partial<Record<"name" | "messages" | "model" | "parameters" | "labels" | `message.${number}`, string>>;

const textOf = (content: Message["content"]) => (content ?? []).flatMap((part) => (part.type === "text" ? [part.text] : [])).join("\n");

function draftFrom(version: Version | undefined, name: string): Draft {
  const template = version?.prompt_template;
  const model = version?.metadata.model;
  return {
    name,
    type: template?.type ?? "chat",
    messages:
      template?.type === "chat"
        ? template.messages.map((message) => ({ role: message.role, text: textOf(message.content), original: message }))
        : [
            { role: "system", text: "You are a helpful assistant." },
            { role: "user", text: "" },
          ],
    completion: template?.type === "completion" ? textOf(template.content) : "",
    format: template ? formatOf(template) : "f-string",
    provider: model?.provider ?? "openai",
    model: model?.name ?? "gpt-4o-mini",
    parameters: JSON.stringify(model?.parameters ?? { temperature: 1 }, null, 2),
    commitMessage: "",
    labels: "",
  };
}

/** The template and metadata the draft describes, or the problems that stop it. */
function build(draft: Draft, previous: Version | undefined, isNew: boolean): { errors: Errors; template?: PromptTemplate; metadata?: TemplateMetadata } {
  const errors: Errors = {};
  if (isNew && !draft.name.trim()) errors.name = "Give the prompt a name.";
  else if (isNew && draft.name.trim().length > 512) errors.name = "At most 512 characters.";
  let parameters: Record<string, unknown> = {};
  try {
    const parsed: unknown = draft.parameters.trim() ? JSON.parse(draft.parameters) : {};
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) errors.parameters = "Parameters must be a JSON object, like { \"temperature\": 0.2 }.";
    else parameters = parsed as Record<string, unknown>;
  } catch (error) {
    errors.parameters = `Not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (draft.provider && !draft.model.trim()) errors.model = "Name the model to call, e.g. gpt-4o-mini.";
  if (draft.labels.split(",").some((label) => label.trim() && !/^[A-Za-z0-9._-]{1,64}$/.test(label.trim()))) {
    errors.labels = "Labels use letters, digits, dot, dash or underscore, separated by commas.";
  }
  let template: PromptTemplate;
  if (draft.type === "chat") {
    if (draft.messages.length === 0) errors.messages = "Add at least one message.";
    draft.messages.forEach((message, index) => {
      if (!message.text.trim() && !(message.original?.content ?? []).some((part) => part.type !== "text")) errors[`message.${index}`] = "This message is empty.";
    });
    const messages = draft.messages.map((message) => {
      const others = (message.original?.content ?? []).filter((part) => part.type !== "text");
      const keep = message.original && message.original.role === message.role ? message.original : {};
      return { ...keep, role: message.role, content: [{ type: "text", text: message.text }, ...others], template_format: draft.format } as Message;
    });
    const previousChat = previous?.prompt_template.type === "chat" ? previous.prompt_template : undefined;
    template = { ...previousChat, type: "chat", messages, input_variables: [] } as PromptTemplate;
  } else {
    if (!draft.completion.trim()) errors.messages = "The prompt is empty.";
    template = { type: "completion", content: [{ type: "text", text: draft.completion }], template_format: draft.format, input_variables: [] };
  }
  template.input_variables = templateVariables(template);
  const metadata: TemplateMetadata = {
    ...previous?.metadata,
    ...(draft.provider ? { model: { ...previous?.metadata.model, provider: draft.provider, name: draft.model.trim(), parameters } } : {}),
  };
  return Object.keys(errors).length > 0 ? { errors } : { errors, template, metadata };
}

/** Publish a new prompt, or a new version of one, starting from an existing version. */
export function PromptEditorPage({ name }: { name?: string }) {
  useTitle(name ? `New version of ${name}` : "New prompt");
  const { query } = useLocation();
  const from = Number(query.get("from")) || undefined;
  const [source, setSource] = useState<{ version?: Version; error?: unknown; loading: boolean }>({ loading: Boolean(name) });
  const [draft, setDraft] = useState<Draft>(() => draftFrom(undefined, name ?? ""));
  const [submitted, setSubmitted] = useState(false);
  const [serverError, setServerError] = useState<{ message: string; issues: string[] }>();
  const [busy, setBusy] = useState(false);
  const permissions = usePermissions();

  useEffect(() => {
    if (!name) return;
    api.template(name, from ? { version: from } : {}).then(
      ({ version }) => {
        setSource({ version, loading: false });
        setDraft(draftFrom(version, name));
      },
      (error: unknown) => setSource({ error, loading: false }),
    );
  }, [name, from]);

  const variables = useMemo(() => {
    const { template } = build({ ...draft, parameters: "{}", name: "x", model: "x" }, undefined, false);
    return template ? templateVariables(template) : [];
  }, [draft]);

  // After a first attempt, problems update as they are fixed.
  const errors: Errors = submitted ? build(draft, source.version, !name).errors : {};

  if (!permissions.publish) {
    return (
      <div className="page">
        <PageHeader title={name ? "New version" : "New prompt"} />
        <div className="callout" role="note">
          <strong>Your key can't publish.</strong>
          <p>
            You are signed in with a <strong>{permissions.role}</strong> key, which runs prompts but doesn't change them. Publishing needs an editor,
            deployer or admin key.
          </p>
          <Link className="button" to={name ? `/prompts/${encodeURIComponent(name)}` : "/prompts"}>Back</Link>
        </div>
      </div>
    );
  }
  if (source.loading) return <div className="page"><Spinner /></div>;
  if (source.error) return <div className="page"><ErrorState error={source.error} back={{ to: "/prompts", label: "All prompts" }} /></div>;

  const update = (changes: Partial<Draft>) => setDraft((previous) => ({ ...previous, ...changes }));
  const updateMessage = (index: number, changes: Partial<DraftMessage>) =>
    update({ messages: draft.messages.map((message, at) => (at === index ? { ...message, ...changes } : message)) });
  const moveMessage = (index: number, by: number) => {
    const messages = [...draft.messages];
    const [moved] = messages.splice(index, 1);
    if (moved) messages.splice(index + by, 0, moved);
    update({ messages });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = build(draft, source.version, !name);
    setSubmitted(true);
    setServerError(undefined);
    if (!result.template || !result.metadata) {
      setTimeout(() => document.querySelector<HTMLElement>("[aria-invalid='true']")?.focus());
      return;
    }
    setBusy(true);
    try {
      const promptName = name ?? draft.name.trim();
      const labels = draft.labels.split(",").map((label) => label.trim()).filter(Boolean);
      const published = await api.publish({
        prompt_name: promptName,
        prompt_template: result.template,
        metadata: result.metadata,
        ...(draft.commitMessage.trim() && { commit_message: draft.commitMessage.trim() }),
        ...(labels.length > 0 && { release_labels: labels }),
      });
      navigate(`/prompts/${encodeURIComponent(promptName)}?v=${published.version.version}`);
    } catch (error) {
      setServerError({ message: error instanceof Error ? error.message : String(error), issues: error instanceof ApiError ? error.issues : [] });
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (key: keyof Errors, id: string) =>
    errors[key] ? (
      <p className="field-error" id={id} role="alert">
        {errors[key]}
      </p>
    ) : null;

  return (
    <div className="page">
      <PageHeader
        crumbs={
          <>
            <Link to="/prompts">Prompts</Link> <span aria-hidden="true">/</span>{" "}
            {name && (
              <>
                <Link to={`/prompts/${encodeURIComponent(name)}`}>{name}</Link> <span aria-hidden="true">/</span>
              </>
            )}
          </>
        }
        title={name ? "New version" : "New prompt"}
        subtitle={source.version ? `Starting from version ${source.version.version}. Publishing adds a new version; existing versions never change.` : "Write the messages, pick a model, publish."}
      />
      <form className="editor" onSubmit={submit} noValidate>
        {serverError && (
          <div className="callout callout-error" role="alert">
            <strong>The server refused this version.</strong>
            <p>{serverError.message}</p>
            {serverError.issues.length > 0 && <ul>{serverError.issues.map((issue) => <li key={issue}><code>{issue}</code></li>)}</ul>}
          </div>
        )}
        <div className="editor-main">
          {!name && (
            <label className="field">
              <span className="field-label">Prompt name</span>
              <input
                name="prompt_name"
                value={draft.name}
                placeholder="support-answer"
                onChange={(event) => update({ name: event.target.value })}
                aria-invalid={errors.name ? true : undefined}
                aria-describedby="name-error"
                autoFocus
              />
              {fieldError("name", "name-error")}
            </label>
          )}
          <div className="card">
            <div className="card-head">
              <h2>{draft.type === "chat" ? "Messages" : "Prompt"}</h2>
              <label className="field field-inline">
                <span className="field-label">Variables</span>
                <select value={draft.format} onChange={(event) => update({ format: event.target.value as Draft["format"] })} name="template_format">
                  <option value="f-string">{"{name}"} f-string</option>
                  <option value="jinja2">{"{{ name }}"} jinja2</option>
                </select>
              </label>
            </div>
            {draft.type === "completion" ? (
              <textarea className="code" rows={10} value={draft.completion} onChange={(event) => update({ completion: event.target.value })} aria-label="Prompt text" />
            ) : (
              <ol className="message-editor">
                {draft.messages.map((message, index) => (
                  <li key={index} className={`message-edit role-${message.role}`}>
                    <div className="message-edit-head">
                      <select aria-label={`Role of message ${index + 1}`} value={message.role} onChange={(event) => updateMessage(index, { role: event.target.value })} name={`role-${index}`}>
                        {roles.map((role) => <option key={role}>{role}</option>)}
                        {!roles.includes(message.role as (typeof roles)[number]) && <option>{message.role}</option>}
                      </select>
                      <span className="push" />
                      <button type="button" className="icon-button" onClick={() => moveMessage(index, -1)} disabled={index === 0} aria-label={`Move message ${index + 1} up`}>↑</button>
                      <button type="button" className="icon-button" onClick={() => moveMessage(index, 1)} disabled={index === draft.messages.length - 1} aria-label={`Move message ${index + 1} down`}>↓</button>
                      <button type="button" className="icon-button" onClick={() => update({ messages: draft.messages.filter((_, at) => at !== index) })} aria-label={`Remove message ${index + 1}`}>✕</button>
                    </div>
                    <textarea
                      name={`message-${index}`}
                      aria-label={`Message ${index + 1} (${message.role})`}
                      rows={Math.min(14, Math.max(3, message.text.split("\n").length + 1))}
                      value={message.text}
                      placeholder={message.role === "user" ? "Write about {topic}" : ""}
                      onChange={(event) => updateMessage(index, { text: event.target.value })}
                      aria-invalid={errors[`message.${index}`] ? true : undefined}
                    />
                    {fieldError(`message.${index}`, `message-${index}-error`)}
                  </li>
                ))}
              </ol>
            )}
            {fieldError("messages", "messages-error")}
            {draft.type === "chat" && (
              <button type="button" className="button" onClick={() => update({ messages: [...draft.messages, { role: draft.messages.at(-1)?.role === "user" ? "assistant" : "user", text: "" }] })}>
                + Add message
              </button>
            )}
          </div>
        </div>
        <aside className="editor-side">
          <div className="card">
            <h2>Model</h2>
            <label className="field">
              <span className="field-label">Provider</span>
              <select name="provider" value={draft.provider} onChange={(event) => update({ provider: event.target.value })}>
                {providers.map((provider) => <option key={provider}>{provider}</option>)}
              </select>
            </label>
            <label className="field">
              <span className="field-label">Model</span>
              <input name="model" value={draft.model} onChange={(event) => update({ model: event.target.value })} aria-invalid={errors.model ? true : undefined} />
              {fieldError("model", "model-error")}
            </label>
            <label className="field">
              <span className="field-label">Parameters (JSON)</span>
              <textarea
                name="parameters"
                className="code"
                rows={5}
                value={draft.parameters}
                onChange={(event) => update({ parameters: event.target.value })}
                aria-invalid={errors.parameters ? true : undefined}
                spellCheck={false}
              />
              {fieldError("parameters", "parameters-error")}
            </label>
          </div>
          <div className="card">
            <h2>Variables</h2>
            {variables.length === 0 ? (
              <p className="muted small">None yet. Write <code>{draft.format === "jinja2" ? "{{ name }}" : "{name}"}</code> in a message to add one.</p>
            ) : (
              <div className="chips">{variables.map((variable) => <mark key={variable} className="var">{variable}</mark>)}</div>
            )}
          </div>
          <div className="card">
            <label className="field">
              <span className="field-label">Commit message</span>
              <input name="commit_message" value={draft.commitMessage} placeholder="What changed and why" onChange={(event) => update({ commitMessage: event.target.value })} />
            </label>
            <label className="field">
              <span className="field-label">Release labels <span className="muted">(optional)</span></span>
              <input name="release_labels" value={draft.labels} placeholder="staging, prod" onChange={(event) => update({ labels: event.target.value })} aria-invalid={errors.labels ? true : undefined} />
              {fieldError("labels", "labels-error")}
            </label>
            <div className="form-actions">
              <Link className="button" to={name ? `/prompts/${encodeURIComponent(name)}` : "/prompts"}>Cancel</Link>
              <button className="button button-primary" type="submit" disabled={busy}>
                {busy ? "Publishing…" : "Publish"}
              </button>
            </div>
          </div>
        </aside>
      </form>
    </div>
  );
}
