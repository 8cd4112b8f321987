import { useState } from "react";
import { InlineFieldForm, Loaded, useAction, useAsync } from "../components/ui.js";
import { api, type Retention } from "../lib/api.js";

const describe = (retention: Retention) =>
  retention.days === null
    ? "Kept forever: nothing is deleted."
    : `Requests and spans older than ${retention.days} day${retention.days === 1 ? "" : "s"} are deleted in the background${retention.source === "server" ? " (the server's default)" : ""}.`;

/** How long the workspace keeps its request log and spans: the server's default, or a number of days of its own (admin). */
export function RetentionCard() {
  const retention = useAsync(() => api.retention(), []);
  const [days, setDays] = useState("");
  const { busy, error, run } = useAction();

  const save = async (value: number | null) => {
    await run(async () => {
      await api.setRetention(value);
      setDays("");
      retention.reload();
    });
  };

  return (
    <section className="card" aria-labelledby="retention-title">
      <div className="card-head">
        <h2 id="retention-title">Retention</h2>
        <span className="muted small">How long this workspace keeps its request log and traces.</span>
      </div>
      <Loaded state={retention}>
        {(data) => (
          <p data-testid="retention-summary">
            {describe(data)}
            {data.source === "workspace" && (
              <span className="muted small">
                {" "}
                Server default: {data.server_days === null ? "forever" : `${data.server_days} days`}.
              </span>
            )}
          </p>
        )}
      </Loaded>
      <InlineFieldForm
        label="Set the retention"
        fieldLabel="Days"
        input={{ name: "retention_days", type: "number", min: 1, max: 36500, step: 1, value: days, placeholder: "30", onChange: (event) => setDays(event.target.value) }}
        submit="Keep for this long"
        disabled={busy || !days.trim()}
        error={error}
        onSubmit={() => {
          if (days.trim()) void save(Number(days));
        }}
      >
        {retention.data?.source === "workspace" && (
          <button className="button button-ghost" type="button" disabled={busy} onClick={() => void save(null)}>
            Use the server's default
          </button>
        )}
      </InlineFieldForm>
    </section>
  );
}
