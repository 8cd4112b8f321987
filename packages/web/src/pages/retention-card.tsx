import { useState } from "react";
import { ErrorState, Spinner, useAsync } from "../components/ui.js";
import { api, type Retention } from "../lib/api.js";

const describe = (retention: Retention) =>
  retention.days === null
    ? "Kept forever: nothing is deleted."
    : `Requests and spans older than ${retention.days} day${retention.days === 1 ? "" : "s"} are deleted in the background${retention.source === "server" ? " (the server's default)" : ""}.`;

/** How long the workspace keeps its request log and spans: the server's default, or a number of days of its own (admin). */
export function RetentionCard() {
  const retention = useAsync(() => api.retention(), []);
  const [days, setDays] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const save = async (value: number | null) => {
    setBusy(true);
    setError(undefined);
    try {
      await api.setRetention(value);
      setDays("");
      retention.reload();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="retention-title">
      <div className="card-head">
        <h2 id="retention-title">Retention</h2>
        <span className="muted small">How long this workspace keeps its request log and traces.</span>
      </div>
      {retention.error ? (
        <ErrorState error={retention.error} retry={retention.reload} />
      ) : !retention.data ? (
        <Spinner />
      ) : (
        <p data-testid="retention-summary">
          {describe(retention.data)}
          {retention.data.source === "workspace" && (
            <span className="muted small">
              {" "}
              Server default: {retention.data.server_days === null ? "forever" : `${retention.data.server_days} days`}.
            </span>
          )}
        </p>
      )}
      <form
        className="inline-form"
        aria-label="Set the retention"
        onSubmit={(event) => {
          event.preventDefault();
          if (days.trim()) void save(Number(days));
        }}
      >
        <label className="field field-inline">
          <span className="field-label">Days</span>
          <input name="retention_days" type="number" min={1} max={36500} step={1} value={days} placeholder="30" onChange={(event) => setDays(event.target.value)} />
        </label>
        <button className="button" type="submit" disabled={busy || !days.trim()}>Keep for this long</button>
        {retention.data?.source === "workspace" && (
          <button className="button button-ghost" type="button" disabled={busy} onClick={() => void save(null)}>
            Use the server's default
          </button>
        )}
        {error && <span className="field-error" role="alert">{error}</span>}
      </form>
    </section>
  );
}
