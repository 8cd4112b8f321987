import { useState } from "react";
import { ErrorState, JsonBlock, PageHeader, Spinner, StatusBadge, useAsync } from "../components/ui.js";
import { api, type TraceSpan } from "../lib/api.js";
import { dateTime, latency } from "../lib/format.js";
import { Link, useLocation, useTitle } from "../lib/router.js";

interface Row {
  span: TraceSpan;
  depth: number;
}

/** Parents before their children, siblings by start; a span whose parent never arrived is shown as a root. */
function treeOrder(spans: TraceSpan[]): Row[] {
  const ids = new Set(spans.map((span) => span.span_id));
  const children = new Map<string | null, TraceSpan[]>();
  for (const span of spans) {
    const parent = span.parent_span_id && ids.has(span.parent_span_id) ? span.parent_span_id : null;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const rows: Row[] = [];
  const visit = (parent: string | null, depth: number) => {
    for (const span of children.get(parent) ?? []) {
      rows.push({ span, depth });
      visit(span.span_id, depth + 1);
    }
  };
  visit(null, 0);
  return rows;
}

const statusLabel = (code: TraceSpan["status"]["code"]) => (code === "ERROR" ? "ERROR" : code === "OK" ? "OK" : "UNSET");

/** A trace as a waterfall: each span a bar on the trace's time line, its attributes on click, the LLM requests in it linked. */
export function TracePage({ traceId }: { traceId: string }) {
  useTitle("Trace");
  const { query } = useLocation();
  const { data: trace, error, reload } = useAsync(() => api.trace(traceId), [traceId]);
  const [selected, setSelected] = useState<string | null>(query.get("span"));
  if (error) return <div className="page"><ErrorState error={error} retry={reload} back={{ to: "/traces", label: "All traces" }} /></div>;
  if (!trace) return <div className="page"><Spinner /></div>;

  const rows = treeOrder(trace.spans);
  const start = trace.spans.reduce((min, span) => (BigInt(span.start_time_unix_nano) < min ? BigInt(span.start_time_unix_nano) : min), BigInt(trace.spans[0]!.start_time_unix_nano));
  const end = trace.spans.reduce((max, span) => (BigInt(span.end_time_unix_nano) > max ? BigInt(span.end_time_unix_nano) : max), start);
  const total = Number(end - start) || 1;
  const percent = (nanos: string) => (Number(BigInt(nanos) - start) / total) * 100;
  const requestBySpan = new Map(trace.requests.flatMap((request) => (request.span_id ? [[request.span_id, request] as const] : [])));
  const chosen = trace.spans.find((span) => span.span_id === selected);

  return (
    <div className="page">
      <PageHeader
        crumbs={<><Link to="/requests">Requests</Link> <span aria-hidden="true">/</span></>}
        title={rows[0]?.span.name ?? "Trace"}
        subtitle={<><code className="small">{trace.trace_id}</code> · {dateTime(trace.spans[0]!.start_time)} · {trace.spans.length} spans · {latency(total / 1e6)}</>}
      />
      <section className="card" aria-label="Waterfall">
        <h2>Waterfall</h2>
        <div className="waterfall" role="list">
          {rows.map(({ span, depth }) => {
            const request = requestBySpan.get(span.span_id);
            const left = percent(span.start_time_unix_nano);
            const width = Math.max(percent(span.end_time_unix_nano) - left, 0.4);
            return (
              <div
                key={span.span_id}
                role="listitem"
                className={`waterfall-row${span.span_id === selected ? " is-selected" : ""}`}
                data-span-id={span.span_id}
                onClick={() => setSelected(span.span_id)}
              >
                <div className="waterfall-name" style={{ paddingLeft: `${depth * 16}px` }}>
                  <button type="button" className="link-button" onClick={() => setSelected(span.span_id)}>{span.name || "(unnamed)"}</button>
                  {request && <Link className="chip chip-tag" to={`/requests/${request.id}`}>request #{request.id}</Link>}
                </div>
                <div className="waterfall-track" aria-hidden="true">
                  <div className={`waterfall-bar status-${span.status.code.toLowerCase()}`} style={{ left: `${left}%`, width: `${width}%` }} />
                </div>
                <div className="waterfall-duration num">{latency(span.duration_ms)}</div>
              </div>
            );
          })}
        </div>
      </section>
      {chosen && (
        <section className="card" aria-label="Span">
          <h2>{chosen.name} <StatusBadge status={statusLabel(chosen.status.code)} /></h2>
          <dl className="props">
            <dt>Kind</dt>
            <dd>{chosen.kind}</dd>
            <dt>Span</dt>
            <dd><code className="small">{chosen.span_id}</code></dd>
            <dt>Started</dt>
            <dd className="num">{dateTime(chosen.start_time)}</dd>
            <dt>Duration</dt>
            <dd className="num">{latency(chosen.duration_ms)}</dd>
            {chosen.status.message && (
              <>
                <dt>Status</dt>
                <dd>{chosen.status.message}</dd>
              </>
            )}
          </dl>
          <h3>Attributes</h3>
          {Object.keys(chosen.attributes).length === 0 ? (
            <p className="muted">None.</p>
          ) : (
            <dl className="props span-attributes">
              {Object.entries(chosen.attributes).map(([key, value]) => (
                <div key={key} className="prop-row">
                  <dt>{key}</dt>
                  <dd>{typeof value === "string" ? value : JSON.stringify(value)}</dd>
                </div>
              ))}
            </dl>
          )}
          {chosen.events.length > 0 && <JsonBlock title="Events" value={chosen.events} />}
          {Object.keys(chosen.resource).length > 0 && <JsonBlock title="Resource" value={chosen.resource} />}
        </section>
      )}
    </div>
  );
}
