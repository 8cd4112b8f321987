import { useCallback, useEffect, useRef, useState, type InputHTMLAttributes, type ReactNode } from "react";
import { ApiError } from "../lib/api.js";
import { Link, navigate, setQuery } from "../lib/router.js";

/** Loads data for a page; `reload` re-runs the loader. A newer load wins over an older one. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): { data?: T; error?: unknown; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const generation = useRef(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const run = useCallback(load, deps);
  const reload = useCallback(() => {
    const current = ++generation.current;
    setState((previous) => ({ ...previous, loading: true }));
    run().then(
      (data) => current === generation.current && setState({ data, loading: false }),
      (error: unknown) => current === generation.current && setState({ error, loading: false }),
    );
  }, [run]);
  useEffect(reload, [reload]);
  return { ...state, reload };
}

/**
 * A user's action (save, sign in, revoke…): `run` marks it busy, clears the last
 * error, and keeps a thrown error's message for the page to show.
 */
export function useAction(): {
  busy: boolean;
  error: string | undefined;
  setError: (message: string | undefined) => void;
  run: (action: () => Promise<void>) => Promise<void>;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

export function Spinner({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

/** A failed load: "not found" for a 404 (with a way back), "signed out" for a 401, else the server's message and a retry. */
export function ErrorState({ error, retry, back }: { error: unknown; retry?: () => void; back?: { to: string; label: string } }) {
  const status = error instanceof ApiError ? error.status : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const title = status === 401 ? "You are signed out." : status === 404 ? "Not found." : status === 0 ? "Can't reach the server." : "Something went wrong.";
  return (
    <div className={`callout ${status === 404 ? "callout-info" : "callout-error"}`} role="alert">
      <strong>{title}</strong>
      <p>{message}</p>
      {status === 401 ? (
        <Link className="button" to="/login">Sign in again</Link>
      ) : status === 404 ? (
        back && <Link className="button" to={back.to}>{back.label}</Link>
      ) : (
        retry && <button className="button" onClick={retry}>Try again</button>
      )}
    </div>
  );
}

/** What a `useAsync` load shows: its error (with a retry, and `back` for a 404), a spinner until data comes, then `children(data)`. */
export function Loaded<T>({ state, back, children }: { state: { data?: T; error?: unknown; reload: () => void }; back?: { to: string; label: string }; children: (data: T) => ReactNode }) {
  if (state.error) return <ErrorState error={state.error} retry={state.reload} {...(back && { back })} />;
  if (!state.data) return <Spinner />;
  return <>{children(state.data)}</>;
}

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty">
      <div className="empty-icon" aria-hidden="true">◌</div>
      <h3>{title}</h3>
      {children && <p>{children}</p>}
      {action}
    </div>
  );
}

export function PageHeader({ title, subtitle, actions, crumbs }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode; crumbs?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        {crumbs && <nav className="crumbs" aria-label="Breadcrumb">{crumbs}</nav>}
        <h1>{title}</h1>
        {subtitle && <p className="subtitle">{subtitle}</p>}
      </div>
      {actions && <div className="actions">{actions}</div>}
    </header>
  );
}

export function StatusBadge({ status }: { status: string }) {
  const tone = status === "SUCCESS" ? "ok" : status === "ERROR" ? "bad" : "muted";
  return <span className={`badge badge-${tone}`}>{status.toLowerCase()}</span>;
}

export function LabelChip({ name, version }: { name: string; version?: number }) {
  return (
    <span className={`chip chip-label ${name === "prod" || name === "production" ? "chip-prod" : ""}`}>
      {name}
      {version !== undefined && <span className="chip-version">v{version}</span>}
    </span>
  );
}

export function Tag({ children }: { children: ReactNode }) {
  return <span className="chip chip-tag">{children}</span>;
}

/** Collapsible pretty JSON. */
export function JsonBlock({ title, value, open = false }: { title: string; value: unknown; open?: boolean }) {
  const text = JSON.stringify(value, null, 2) ?? "null";
  return (
    <details className="json" open={open}>
      <summary>
        {title} <span className="muted">{text.length > 1024 ? `${(text.length / 1024).toFixed(1)} KB` : `${text.length} B`}</span>
      </summary>
      <pre>{text}</pre>
    </details>
  );
}

/**
 * A modal dialog on the native `<dialog>`: focus is trapped, Escape cancels.
 * `action` is the `useAction` the confirmation runs: its busy flag and error
 * show here, and cancelling clears the error before `onClose` closes the dialog.
 */
export function ConfirmDialog(props: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  action: { busy: boolean; error: string | undefined; setError: (message: string | undefined) => void };
  onConfirm: () => void;
  onClose: () => void;
}) {
  const { busy, error } = props.action;
  const cancel = () => {
    props.action.setError(undefined);
    props.onClose();
  };
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog ref={ref} className="dialog" onCancel={(event) => (event.preventDefault(), cancel())} aria-labelledby="dialog-title">
      <h2 id="dialog-title">{props.title}</h2>
      <div className="dialog-body">{props.children}</div>
      {error && <p className="field-error" role="alert">{error}</p>}
      <div className="dialog-actions">
        <button className="button" onClick={cancel}>Cancel</button>
        <button className="button button-primary" onClick={props.onConfirm} disabled={busy} autoFocus>
          {busy ? "Working…" : props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

/** Where a cursor-paged list is: `cursors` are the pages behind this one, `cursor` the one to load now. */
export interface CursorPages {
  cursors: string[];
  cursor: string | undefined;
  onChange: (cursors: string[]) => void;
}

/** The pages of a cursor-paged list, back at the first page whenever `filterKey` changes. */
export function useCursorPages(filterKey: string): CursorPages {
  const [cursors, setCursors] = useState<string[]>([]);
  useEffect(() => setCursors([]), [filterKey]);
  return { cursors, cursor: cursors.at(-1), onChange: setCursors };
}

/** Newer/Older through a cursor-paged list: `next` is the cursor of the page after this one. */
export function CursorPager({ pages, next }: { pages: CursorPages; next: string | null | undefined }) {
  const { cursors, onChange } = pages;
  return (
    <nav className="pager" aria-label="Pages">
      <button className="button" disabled={cursors.length === 0} onClick={() => onChange(cursors.slice(0, -1))}>← Newer</button>
      <span className="muted num">Page {cursors.length + 1}</span>
      <button className="button" disabled={!next} onClick={() => next && onChange([...cursors, next])}>Older →</button>
    </nav>
  );
}

/** A column of a `Table`: its heading, or its heading and its cells' class (`right`, `num`: figures). */
export type TableColumn = string | { label: string; className: string };

/** A column of figures, right-aligned. */
export function rightAligned(label: string): TableColumn {
  return { label, className: "right" };
}

/** A table with one header row (a `false` column is left out; `""` is a column without a heading) and `children` as its rows. */
export function Table({ columns, className, label, children }: { columns: (TableColumn | false)[]; className?: string; label?: string; children: ReactNode }) {
  return (
    <table className={className ? `table ${className}` : "table"} aria-label={label}>
      <thead>
        <tr>
          {columns
            .filter((column) => column !== false)
            .map((column, index) => (typeof column === "string" ? <th key={index}>{column}</th> : <th key={index} className={column.className}>{column.label}</th>))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}

/** A page of a cursor-paged list as a table (dimmed while the next page loads), with Newer/Older under it. */
function CursorPagedTable(props: { className: string; loading: boolean; columns: TableColumn[]; children: ReactNode; pages: CursorPages; next: string | null | undefined }) {
  return (
    <>
      <div className={`card table-card ${props.loading ? "is-loading" : ""}`}>
        <Table className={props.className} columns={props.columns}>{props.children}</Table>
      </div>
      <CursorPager pages={props.pages} next={props.next} />
    </>
  );
}

/**
 * A cursor-paged list as it loads: the load's error or a spinner, then `empty`
 * when the first page has no items, else the page's items as table rows
 * (`children(item)`) with Newer/Older under them.
 */
export function CursorPagedList<Data extends { next_cursor: string | null }, Item>(props: {
  state: { data?: Data; error?: unknown; loading: boolean; reload: () => void };
  pages: CursorPages;
  items: (data: Data) => Item[];
  empty: ReactNode;
  className: string;
  columns: TableColumn[];
  children: (item: Item) => ReactNode;
}) {
  return (
    <Loaded state={props.state}>
      {(data) => {
        const items = props.items(data);
        if (items.length === 0 && props.pages.cursors.length === 0) return props.empty;
        return (
          <CursorPagedTable className={props.className} loading={props.state.loading} pages={props.pages} next={data.next_cursor} columns={props.columns}>
            {items.map(props.children)}
          </CursorPagedTable>
        );
      }}
    </Loaded>
  );
}

/** A row that opens `to` when clicked anywhere but on a link or button of its own. */
export function ClickableRow({ to, children, ...rest }: { to: string; children: ReactNode; [attribute: `data-${string}`]: string }) {
  return (
    <tr className="clickable" {...rest} onClick={(event) => !(event.target as HTMLElement).closest("a,button") && navigate(to)}>
      {children}
    </tr>
  );
}

/** The "Time" filter of a list: choosing a range sets `?range=` in the URL. */
export function TimeRangeField({ ranges, range }: { ranges: Record<string, { label: string }>; range: string }) {
  return (
    <label className="field">
      <span className="field-label">Time</span>
      <select name="range" value={range} onChange={(event) => setQuery({ range: event.target.value })}>
        {Object.entries(ranges).map(([key, value]) => <option key={key} value={key}>{value.label}</option>)}
      </select>
    </label>
  );
}

/** A one-line form: one labelled input, its submit button (then any other `children`), and the action's error. */
export function InlineFieldForm(props: {
  label: string;
  fieldLabel: string;
  input: InputHTMLAttributes<HTMLInputElement>;
  submit: string;
  disabled: boolean;
  error: string | undefined;
  onSubmit: () => void;
  children?: ReactNode;
}) {
  return (
    <form
      className="inline-form"
      aria-label={props.label}
      onSubmit={(event) => {
        event.preventDefault();
        props.onSubmit();
      }}
    >
      <label className="field field-inline">
        <span className="field-label">{props.fieldLabel}</span>
        <input {...props.input} />
      </label>
      <button className="button" type="submit" disabled={props.disabled}>{props.submit}</button>
      {props.children}
      {props.error && <span className="field-error" role="alert">{props.error}</span>}
    </form>
  );
}

export function Stat({ label, value, tone }: { label: string; value: ReactNode; tone?: "bad" | undefined }) {
  return (
    <div className={`stat ${tone === "bad" ? "stat-bad" : ""}`}>
      <div className="stat-label">{label}</div>
      <div className="stat-value num">{value}</div>
    </div>
  );
}
