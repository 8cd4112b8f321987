import { useEffect, useMemo, useState, type FormEvent } from "react";
import { ClickableRow, CursorPagedList, EmptyState, PageHeader, TimeRangeField, rightAligned, useAsync, useCursorPages } from "../components/ui.js";
import { api } from "../lib/api.js";
import { integer, latency, shortTime } from "../lib/format.js";
import { Link, setQuery, useLocation, useTitle } from "../lib/router.js";

const ranges = {
  "1h": { label: "Last hour", ms: 3_600_000 },
  "24h": { label: "Last 24 hours", ms: 86_400_000 },
  "7d": { label: "Last 7 days", ms: 7 * 86_400_000 },
  "30d": { label: "Last 30 days", ms: 30 * 86_400_000 },
  all: { label: "All time", ms: null },
} as const;
type Range = keyof typeof ranges;
const pageSize = 50;

/** The workspace's traces, newest first, each linking to its waterfall (`/traces/{id}`). */
export function TracesPage() {
  useTitle("Traces");
  const { query } = useLocation();
  const range: Range = query.get("range") && query.get("range")! in ranges ? (query.get("range") as Range) : "24h";
  const name = query.get("name") ?? "";
  const filterKey = JSON.stringify([range, name]);
  // The window is fixed when the filters change, so paging doesn't shift under the reader.
  const since = useMemo(() => {
    const ms = ranges[range].ms;
    return ms === null ? undefined : new Date(Date.now() - ms).toISOString();
  }, [filterKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const pages = useCursorPages(filterKey);
  const { cursor } = pages;
  const page = useAsync(() => api.traces({ ...(since && { since }), ...(name && { name }), limit: pageSize, ...(cursor && { cursor }) }), [filterKey, cursor, since]);

  const [draft, setDraft] = useState(name);
  useEffect(() => setDraft(name), [name]);
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setQuery({ name: draft.trim() });
  };

  return (
    <div className="page page-wide">
      <PageHeader title="Traces" subtitle="OpenTelemetry traces sent to /v1/traces or /spans-bulk, newest first." />
      <form className="filters card" onSubmit={apply} aria-label="Filters">
        <label className="field">
          <span className="field-label">Span name</span>
          <input name="name" value={draft} placeholder="any" data-search onChange={(event) => setDraft(event.target.value)} />
        </label>
        <TimeRangeField ranges={ranges} range={range} />
        <button className="button button-primary" type="submit">Apply</button>
      </form>
      <CursorPagedList
        state={page}
        pages={pages}
        items={(data) => data.traces}
        className="table-traces"
        columns={["Started", "Root span", rightAligned("Duration"), rightAligned("Spans"), rightAligned("Requests"), "Trace id"]}
        empty={
          <EmptyState title={name ? "No trace has a span with this name" : "No traces in this time range"}>
            Traces appear here when an OpenTelemetry exporter sends spans to <code>/v1/traces</code>, or PromptLayer's SDK to <code>/spans-bulk</code>. Try a wider time range.
          </EmptyState>
        }
      >
        {(trace) => (
          <ClickableRow key={trace.trace_id} to={`/traces/${trace.trace_id}`} data-trace-id={trace.trace_id}>
            <td className="nowrap">
              <Link to={`/traces/${trace.trace_id}`} className="row-link num" title={trace.start_time}>{shortTime(trace.start_time)}</Link>
            </td>
            <td><Link to={`/traces/${trace.trace_id}`} className="strong">{trace.root_span_name || "(unnamed)"}</Link></td>
            <td className="right num">{latency(Number(BigInt(trace.end_time_unix_nano) - BigInt(trace.start_time_unix_nano)) / 1e6)}</td>
            <td className="right num">{integer(trace.span_count)}</td>
            <td className="right num">{integer(trace.request_count)}</td>
            <td><code className="small">{trace.trace_id}</code></td>
          </ClickableRow>
        )}
      </CursorPagedList>
    </div>
  );
}
