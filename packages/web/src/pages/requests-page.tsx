import { useEffect, useMemo, useState, type FormEvent } from "react";
import { TrafficChart } from "../components/chart.js";
import { ClickableRow, CursorPagedList, EmptyState, ErrorState, PageHeader, Stat, StatusBadge, Tag, TimeRangeField, rightAligned, useAsync, useCursorPages } from "../components/ui.js";
import { api, type RequestFilters } from "../lib/api.js";
import { cost, integer, latency, shortTime } from "../lib/format.js";
import { Link, navigate, setQuery, useLocation, useTitle } from "../lib/router.js";
import { knownProviders } from "@promptline/core/providers";

const ranges = {
  "1h": { label: "Last hour", ms: 3_600_000, bucket: "minute" },
  "24h": { label: "Last 24 hours", ms: 86_400_000, bucket: "hour" },
  "7d": { label: "Last 7 days", ms: 7 * 86_400_000, bucket: "hour" },
  "30d": { label: "Last 30 days", ms: 30 * 86_400_000, bucket: "day" },
} as const;
type Range = keyof typeof ranges;

const filterKeys = ["prompt", "label", "tag", "metadata", "status", "provider"] as const;
const pageSize = 50;

/** The request log: filters, a chart over time, and a table paged by cursor (fast at any depth). */
export function RequestsPage() {
  useTitle("Requests");
  const { query } = useLocation();
  const range: Range = (query.get("range") as Range | null) && query.get("range")! in ranges ? (query.get("range") as Range) : "24h";
  const values = Object.fromEntries(filterKeys.map((key) => [key, query.get(key) ?? ""])) as Record<(typeof filterKeys)[number], string>;
  const filterKey = JSON.stringify([values, range]);
  // The window is fixed when the filters change, so paging doesn't shift under the reader.
  const window = useMemo(() => ({ to: Date.now() + 60_000, from: Date.now() - ranges[range].ms }), [filterKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const filters: RequestFilters = {
    ...Object.fromEntries(Object.entries(values).filter(([, value]) => value)),
    from: new Date(window.from).toISOString(),
    to: new Date(window.to).toISOString(),
  };
  const pages = useCursorPages(filterKey);
  const { cursor } = pages;

  const page = useAsync(() => api.requests({ ...filters, limit: pageSize, ...(cursor && { cursor }) }), [filterKey, cursor, window]);
  const stats = useAsync(() => api.stats({ ...filters, bucket: ranges[range].bucket }), [filterKey, window]);
  const totals = useMemo(() => {
    const buckets = stats.data?.buckets ?? [];
    const count = buckets.reduce((sum, entry) => sum + entry.count, 0);
    const errors = buckets.reduce((sum, entry) => sum + entry.errors, 0);
    const latencySum = buckets.reduce((sum, entry) => sum + (entry.avg_latency_ms ?? 0) * entry.count, 0);
    const withLatency = buckets.reduce((sum, entry) => sum + (entry.avg_latency_ms === null ? 0 : entry.count), 0);
    return { count, errors, latency: withLatency ? latencySum / withLatency : null, cost: buckets.reduce((sum, entry) => sum + entry.cost_usd, 0) };
  }, [stats.data]);
  const active = filterKeys.filter((key) => values[key]);

  return (
    <div className="page page-wide">
      <PageHeader title="Requests" subtitle="Every run and tracked request of the workspace." actions={<><RequestIdSearch /><Link className="button" to="/playground">Run in playground</Link></>} />
      <FilterBar values={values} range={range} />
      {active.length > 0 && (
        <div className="chips active-filters" aria-label="Active filters">
          {active.map((key) => (
            <button key={key} className="chip chip-filter" onClick={() => setQuery({ [key]: undefined })} aria-label={`Remove filter ${key}`}>
              {key}: {values[key]} <span aria-hidden="true">✕</span>
            </button>
          ))}
          <button className="link-button" onClick={() => navigate(`/requests?range=${range}`)}>Clear all</button>
        </div>
      )}
      <div className="stats-row">
        <Stat label="Requests" value={stats.data ? integer(totals.count) : "…"} />
        <Stat label="Errors" value={stats.data ? `${integer(totals.errors)}${totals.count ? ` · ${((totals.errors / totals.count) * 100).toFixed(1)}%` : ""}` : "…"} tone={totals.errors ? "bad" : undefined} />
        <Stat label="Avg latency" value={stats.data ? latency(totals.latency) : "…"} />
        <Stat label="Cost" value={stats.data ? cost(totals.cost) : "…"} />
      </div>
      {stats.error ? <ErrorState error={stats.error} retry={stats.reload} /> : stats.data && <TrafficChart buckets={stats.data.buckets} bucket={ranges[range].bucket} from={window.from} to={window.to} />}
      <CursorPagedList
        state={page}
        pages={pages}
        items={(data) => data.items}
        className="table-requests"
        columns={["Time", "Prompt", "Provider", "Model", "Status", rightAligned("Latency"), rightAligned("Tokens"), rightAligned("Cost"), "Tags"]}
        empty={
          active.length > 0 ? (
            <EmptyState title="No request matches these filters" action={<button className="button" onClick={() => navigate(`/requests?range=${range}`)}>Clear filters</button>}>
              Try a wider time range or fewer filters.
            </EmptyState>
          ) : (
            <EmptyState title="No requests in this time range" action={<Link className="button button-primary" to="/playground">Run a prompt</Link>}>
              Requests appear here when your code calls <code>client.run()</code>, when PromptLayer's SDK tracks one, or when you run a prompt in the playground.
            </EmptyState>
          )
        }
      >
        {(row) => (
          <ClickableRow key={row.id} to={`/requests/${row.request_id}`}>
            <td className="nowrap">
              <Link to={`/requests/${row.request_id}`} className="row-link num" title={row.created_at}>{shortTime(row.created_at)}</Link>
            </td>
            <td>
              {row.prompt_name ? (
                <>
                  <span className="strong">{row.prompt_name}</span> {row.prompt_version !== null && <span className="muted num">v{row.prompt_version}</span>}
                  {row.prompt_label && <span className="muted"> · {row.prompt_label}</span>}
                </>
              ) : (
                <span className="muted">—</span>
              )}
            </td>
            <td>{row.provider}</td>
            <td><code className="small">{row.model}</code></td>
            <td><StatusBadge status={row.status} /></td>
            <td className="right num">{latency(row.latency_ms)}</td>
            <td className="right num" title={row.usage ? `${row.usage.input_tokens} in, ${row.usage.output_tokens} out` : undefined}>
              {row.usage ? `${integer(row.usage.input_tokens)} → ${integer(row.usage.output_tokens)}` : "—"}
            </td>
            <td className="right num">{cost(row.cost_usd)}</td>
            <td>
              <div className="chips">
                {row.tags.slice(0, 3).map((tag) => <Tag key={tag}>{tag}</Tag>)}
                {row.tags.length > 3 && <span className="muted small">+{row.tags.length - 3}</span>}
              </div>
            </td>
          </ClickableRow>
        )}
      </CursorPagedList>
    </div>
  );
}

/** How long typing pauses before a text filter applies (Enter applies at once). */
const typingPauseMs = 350;

function FilterBar({ values, range }: { values: Record<(typeof filterKeys)[number], string>; range: Range }) {
  const [draft, setDraft] = useState(values);
  useEffect(() => setDraft(values), [JSON.stringify(values)]); // eslint-disable-line react-hooks/exhaustive-deps
  const changes = () => Object.fromEntries(filterKeys.map((key) => [key, draft[key].trim()]));
  const pending = filterKeys.some((key) => draft[key].trim() !== values[key]);
  // Filters apply as you type, once typing pauses; the URL is replaced, not pushed, so Back skips the keystrokes.
  useEffect(() => {
    if (!pending) return;
    const timer = setTimeout(() => setQuery(changes(), { replace: true }), typingPauseMs);
    return () => clearTimeout(timer);
  }, [JSON.stringify(draft), pending]); // eslint-disable-line react-hooks/exhaustive-deps
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setQuery(changes());
  };
  const text = (key: (typeof filterKeys)[number], label: string, placeholder: string, extra: Record<string, unknown> = {}) => (
    <label className="field">
      <span className="field-label">{label}</span>
      <input name={key} value={draft[key]} placeholder={placeholder} onChange={(event) => setDraft({ ...draft, [key]: event.target.value })} {...extra} />
    </label>
  );
  return (
    // Enter in a text field applies the filters at once (the form has no button to submit it by).
    <form className="filters card" onSubmit={apply} onKeyDown={(event) => event.key === "Enter" && (event.target as HTMLElement).tagName === "INPUT" && apply(event)} aria-label="Filters">
      {text("prompt", "Prompt", "any", { "data-search": true })}
      {text("label", "Label", "any")}
      {text("tag", "Tag", "any")}
      {text("metadata", "Metadata", "key:value")}
      <label className="field">
        <span className="field-label">Status</span>
        <select name="status" value={draft.status} onChange={(event) => setQuery({ status: event.target.value })}>
          <option value="">any</option>
          <option value="SUCCESS">success</option>
          <option value="ERROR">error</option>
          <option value="CANCELLED">cancelled</option>
        </select>
      </label>
      <label className="field">
        <span className="field-label">Provider</span>
        <select name="provider" value={draft.provider} onChange={(event) => setQuery({ provider: event.target.value })}>
          <option value="">any</option>
          {knownProviders.map((provider) => <option key={provider}>{provider}</option>)}
        </select>
      </label>
      <TimeRangeField ranges={ranges} range={range} />
    </form>
  );
}

/** Opens a request by its id (as `run()` returns it, or an error message prints it). */
function RequestIdSearch() {
  const [id, setId] = useState("");
  return (
    <form
      className="inline-form request-id-search"
      role="search"
      aria-label="Find a request by id"
      onSubmit={(event) => {
        event.preventDefault();
        const wanted = id.trim();
        if (wanted) navigate(`/requests/${encodeURIComponent(wanted)}`);
      }}
    >
      <input name="request_id" type="search" value={id} placeholder="Request id" aria-label="Request id" onChange={(event) => setId(event.target.value)} />
      <button className="button" type="submit">Open</button>
    </form>
  );
}
