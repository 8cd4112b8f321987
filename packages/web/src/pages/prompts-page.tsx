import { useEffect, useState } from "react";
import { EmptyState, ErrorState, LabelChip, PageHeader, Spinner, Table, Tag, rightAligned, useAsync } from "../components/ui.js";
import { api } from "../lib/api.js";
import { integer, timeAgo } from "../lib/format.js";
import { usePermissions } from "../lib/permissions.js";
import { Link, setQuery, useLocation, useTitle } from "../lib/router.js";

/** Every prompt: search, latest version, labels, last use, request count. */
export function PromptsPage() {
  useTitle("Prompts");
  const { publish } = usePermissions();
  const { query } = useLocation();
  const search = query.get("search") ?? "";
  const page = Number(query.get("page") ?? 1) || 1;
  const archived = query.get("archived") === "1";
  const [draft, setDraft] = useState(search);
  useEffect(() => setDraft(search), [search]);
  // Search as you type, a moment after the last key.
  useEffect(() => {
    if (draft === search) return;
    const timer = setTimeout(() => setQuery({ search: draft, page: undefined }, { replace: true }), 200);
    return () => clearTimeout(timer);
  }, [draft, search]);

  const { data, error, loading, reload } = useAsync(() => api.prompts({ search: search || undefined, page, per_page: 30, archived }), [search, page, archived]);

  return (
    <div className="page">
      <PageHeader
        title="Prompts"
        subtitle="Templates of your workspace, with their versions and release labels."
        actions={publish && <Link className="button button-primary" to="/prompts/new">New prompt</Link>}
      />
      <div className="toolbar">
        <label className="search">
          <span className="visually-hidden">Search prompts</span>
          <input
            data-search
            type="search"
            placeholder="Search prompts…  (press / )"
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
          />
        </label>
        {data && <span className="muted num">{integer(data.total)} {archived ? "archived " : ""}{data.total === 1 ? "prompt" : "prompts"}</span>}
        <button className="button push" aria-pressed={archived} onClick={() => setQuery({ archived: archived ? undefined : "1", page: undefined })}>
          {archived ? "Show live prompts" : "Show archived"}
        </button>
      </div>
      {error ? (
        <ErrorState error={error} retry={reload} />
      ) : !data ? (
        <Spinner />
      ) : data.items.length === 0 ? (
        archived ? (
          <EmptyState title="No archived prompts">Archive a prompt from its page (or with <code>promptline archive &lt;name&gt;</code>) to retire it without losing its history.</EmptyState>
        ) : search ? (
          <EmptyState title={`No prompt matches “${search}”`} action={<button className="button" onClick={() => setQuery({ search: undefined })}>Clear search</button>}>
            Names are matched anywhere, ignoring case.
          </EmptyState>
        ) : (
          <EmptyState title="No prompts yet" action={publish && <Link className="button button-primary" to="/prompts/new">Create your first prompt</Link>}>
            Create one here, or push prompt files with <code>promptline push prompts/</code>, or publish from code with <code>client.templates.publish()</code>.
          </EmptyState>
        )
      ) : (
        <div className={`card table-card ${loading ? "is-loading" : ""}`}>
          <Table columns={["Name", "Latest", "Labels", "Last used", rightAligned("Requests")]}>
            {data.items.map((prompt) => (
              <tr key={prompt.id}>
                <td>
                  <Link to={`/prompts/${encodeURIComponent(prompt.name)}`} className="row-link strong">{prompt.name}</Link>
                  {prompt.tags.length > 0 && <div className="chips">{prompt.tags.map((tag) => <Tag key={tag}>{tag}</Tag>)}</div>}
                </td>
                <td>
                  <span className="num">v{prompt.latest_version}</span>{" "}
                  <span className="muted truncate">{prompt.version.commit_message}</span>
                  <div className="muted small">{timeAgo(prompt.version.created_at)}</div>
                </td>
                <td>
                  <div className="chips">
                    {prompt.labels.length === 0 ? <span className="muted">—</span> : prompt.labels.map((label) => <LabelChip key={label.id} name={label.name} version={label.version} />)}
                  </div>
                </td>
                <td className="muted">{timeAgo(prompt.last_used_at)}</td>
                <td className="right num">{integer(prompt.request_count)}</td>
              </tr>
            ))}
          </Table>
        </div>
      )}
      {data && data.pages > 1 && (
        <nav className="pager" aria-label="Pages">
          <button className="button" disabled={page <= 1} onClick={() => setQuery({ page: page - 1 })}>← Previous</button>
          <span className="muted num">Page {page} of {data.pages}</span>
          <button className="button" disabled={page >= data.pages} onClick={() => setQuery({ page: page + 1 })}>Next →</button>
        </nav>
      )}
    </div>
  );
}
