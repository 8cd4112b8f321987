import type { Message } from "@promptline/core";
import { MessageView } from "../components/template-view.js";
import { ErrorState, JsonBlock, PageHeader, Spinner, Stat, StatusBadge, Tag, useAsync } from "../components/ui.js";
import { api } from "../lib/api.js";
import { describeFailure } from "../lib/failure.js";
import { cost, dateTime, integer, latency } from "../lib/format.js";
import { Link, useTitle } from "../lib/router.js";

/** One request: the conversation, its inputs and labels, timings, tokens, cost, and the raw exchange. */
export function RequestPage({ id }: { id: string }) {
  useTitle("Request");
  const { data: row, error, reload } = useAsync(() => api.requestDetail(id), [id]);
  if (error) return <div className="page"><ErrorState error={error} retry={reload} back={{ to: "/requests", label: "All requests" }} /></div>;
  if (!row) return <div className="page"><Spinner /></div>;

  const template = row.prompt_blueprint?.prompt_template;
  const messages: Message[] =
    template?.type === "chat" ? template.messages : template?.type === "completion" ? [{ role: "user", content: template.content }] : [];
  const variables = Object.entries(row.input_variables);
  const metadata = Object.entries(row.metadata);
  const scores = Object.entries(row.scores);
  const failure = describeFailure(row.error_type, row.error_message);

  return (
    <div className="page">
      <PageHeader
        crumbs={<><Link to="/requests">Requests</Link> <span aria-hidden="true">/</span></>}
        title={
          <span className="title-with-badge">
            {row.prompt_name ?? "Request"} {row.prompt_version !== null && <span className="muted num">v{row.prompt_version}</span>} <StatusBadge status={row.status} />
          </span>
        }
        subtitle={<><code className="small">{row.request_id}</code> · {dateTime(row.created_at)}</>}
        actions={
          (row.prompt_name || row.trace_id) && (
            <>
              {row.trace_id && <Link className="button" to={`/traces/${row.trace_id}?span=${row.span_id ?? ""}`}>View trace</Link>}
              {row.prompt_name && (
                <>
                  <Link className="button" to={`/prompts/${encodeURIComponent(row.prompt_name)}${row.prompt_version ? `?v=${row.prompt_version}` : ""}`}>View prompt</Link>
                  <Link className="button" to={`/playground?prompt=${encodeURIComponent(row.prompt_name)}${row.prompt_version ? `&version=${row.prompt_version}` : ""}`}>Open in playground</Link>
                </>
              )}
            </>
          )
        }
      />
      <div className="stats-row">
        <Stat label="Model" value={<span className="stat-text">{row.provider} · {row.model}</span>} />
        <Stat label="Latency" value={latency(row.latency_ms)} />
        <Stat label="Tokens in → out" value={row.usage ? `${integer(row.usage.input_tokens)} → ${integer(row.usage.output_tokens)}` : "—"} />
        <Stat label="Cost" value={row.cost_usd === null ? <span title="No price is known for this model">unpriced</span> : cost(row.cost_usd)} />
      </div>
      {row.status === "ERROR" && (
        <div className="callout callout-error" role="alert">
          <strong>{failure.title}</strong>
          <p>{failure.detail}</p>
        </div>
      )}
      {row.warnings && row.warnings.length > 0 && (
        <div className="callout callout-warning" role="note" aria-label="Warnings">
          <strong>{row.warnings.length === 1 ? "1 warning" : `${row.warnings.length} warnings`}</strong>
          <ul>
            {row.warnings.map((warning, index) => <li key={index}>{warning}</li>)}
          </ul>
        </div>
      )}
      {row.attempts && row.attempts.length > 1 && (
        <section className="card" aria-label="Attempts">
          <h2>Attempts</h2>
          <p className="muted small">The template's model failed, so its fallbacks were tried in order; the one that answered (or failed last) is the model above.</p>
          <table className="table table-attempts">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Provider · model</th>
                <th scope="col">Outcome</th>
                <th scope="col">Error</th>
                <th scope="col" className="num">Latency</th>
              </tr>
            </thead>
            <tbody>
              {row.attempts.map((attempt, index) => (
                <tr key={index}>
                  <td className="num">{index + 1}</td>
                  <td>{attempt.provider} · {attempt.model}</td>
                  <td><StatusBadge status={attempt.status} /></td>
                  <td>{attempt.error_type === "CIRCUIT_OPEN" ? <span title="Skipped: this endpoint failed repeatedly and its circuit was open">circuit open</span> : (attempt.error_type ?? "—")}</td>
                  <td className="num">{latency(attempt.latency_ms)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <div className="split split-request">
        <section className="card conversation" aria-label="Conversation">
          <h2>Conversation</h2>
          {messages.length === 0 ? (
            <p className="muted">No conversation was recorded for this request (a tracked request without a blueprint).</p>
          ) : (
            <div className="bubbles">
              {messages.map((message, index) => <MessageView key={index} message={message} format="f-string" variant="bubble" />)}
            </div>
          )}
        </section>
        <aside className="side-cards">
          <div className="card">
            <h3>Input variables</h3>
            {variables.length === 0 ? (
              <p className="muted">None.</p>
            ) : (
              <dl className="props">
                {variables.map(([key, value]) => (
                  <div key={key} className="prop-row">
                    <dt><mark className="var">{key}</mark></dt>
                    <dd>{typeof value === "string" ? value : JSON.stringify(value)}</dd>
                  </div>
                ))}
              </dl>
            )}
          </div>
          <div className="card">
            <h3>Tags</h3>
            {row.tags.length === 0 ? <p className="muted">None.</p> : <div className="chips">{row.tags.map((tag) => <Link key={tag} to={`/requests?tag=${encodeURIComponent(tag)}`} className="chip chip-tag">{tag}</Link>)}</div>}
            <h3>Metadata</h3>
            {metadata.length === 0 ? (
              <p className="muted">None.</p>
            ) : (
              <dl className="props">
                {metadata.map(([key, value]) => (
                  <div key={key} className="prop-row">
                    <dt>{key}</dt>
                    <dd>{value}</dd>
                  </div>
                ))}
              </dl>
            )}
          </div>
          <div className="card">
            <dl className="props">
              <dt>Label</dt>
              <dd>{row.prompt_label ? <Tag>{row.prompt_label}</Tag> : "—"}</dd>
              <dt>Group</dt>
              <dd className="num">{row.group_id === null ? "—" : `#${row.group_id}`}</dd>
              <dt>Scores</dt>
              <dd>{scores.length === 0 ? "—" : scores.map(([name, score]) => <span key={name} className="score num">{name}: {score}</span>)}</dd>
              <dt>Started</dt>
              <dd className="num">{dateTime(row.request_start_time)}</dd>
              <dt>Ended</dt>
              <dd className="num">{dateTime(row.request_end_time)}</dd>
              <dt>Logged</dt>
              <dd className="num">{dateTime(row.created_at)}</dd>
            </dl>
          </div>
        </aside>
      </div>
      <section className="card" aria-label="Raw exchange">
        <h2>Raw</h2>
        <JsonBlock title="Request" value={row.request} />
        <JsonBlock title="Response" value={row.response} />
        {row.prompt_blueprint && <JsonBlock title="Prompt blueprint" value={row.prompt_blueprint} />}
      </section>
    </div>
  );
}
