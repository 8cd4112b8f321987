import { useState } from "react";
import type { StatsBucket } from "../lib/api.js";
import { cost, integer, latency } from "../lib/format.js";

type Metric = "requests" | "latency" | "cost";

const bucketMs = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/**
 * Requests (errors stacked in red), average latency or cost per bucket, as
 * inline SVG. Empty buckets are drawn as gaps so the time axis is true.
 */
export function TrafficChart({ buckets, bucket, from, to }: { buckets: StatsBucket[]; bucket: keyof typeof bucketMs; from: number; to: number }) {
  const [metric, setMetric] = useState<Metric>("requests");
  const step = bucketMs[bucket];
  const start = Math.floor(from / step) * step;
  const count = Math.max(1, Math.min(400, Math.ceil((to - start) / step)));
  const byStart = new Map(buckets.map((entry) => [Date.parse(entry.start), entry]));
  const series = Array.from({ length: count }, (_, index) => ({ at: start + index * step, entry: byStart.get(start + index * step) }));
  const valueOf = (entry: StatsBucket | undefined) =>
    !entry ? 0 : metric === "requests" ? entry.count : metric === "latency" ? (entry.avg_latency_ms ?? 0) : entry.cost_usd;
  const max = Math.max(...series.map((point) => valueOf(point.entry)), metric === "requests" ? 1 : 0.000001);
  const width = 800;
  const height = 140;
  const barWidth = width / count;
  const label = (value: number) => (metric === "requests" ? integer(Math.round(value)) : metric === "latency" ? latency(value) : cost(value));
  const tickFormat = (at: number) =>
    new Date(at).toLocaleString(undefined, bucket === "day" ? { month: "short", day: "numeric" } : { hour: "2-digit", minute: "2-digit" });
  const ticks = [0, Math.floor(count / 2), count - 1];

  return (
    <section className="card chart" aria-label="Traffic over time">
      <div className="chart-head">
        <div className="segmented" role="tablist" aria-label="Metric">
          {(["requests", "latency", "cost"] as const).map((name) => (
            <button key={name} role="tab" aria-selected={metric === name} className={metric === name ? "active" : ""} onClick={() => setMetric(name)}>
              {name === "requests" ? "Requests & errors" : name === "latency" ? "Avg latency" : "Cost"}
            </button>
          ))}
        </div>
        {buckets.some((entry) => valueOf(entry) > 0) ? (
          <span className="muted num">max {label(max)} per {bucket}</span>
        ) : (
          <span className="muted" data-testid="chart-empty">No requests in this time range</span>
        )}
      </div>
      <svg viewBox={`0 0 ${width} ${height + 18}`} className="chart-svg" role="img" aria-label={`${metric} per ${bucket}`}>
        <line x1="0" x2={width} y1={height} y2={height} className="chart-axis" />
        {series.map(({ at, entry }, index) => {
          const value = valueOf(entry);
          if (!entry || value === 0) return null;
          const barHeight = Math.max(1.5, (value / max) * (height - 8));
          const errorHeight = metric === "requests" && entry.errors ? Math.max(1.5, (entry.errors / max) * (height - 8)) : 0;
          const x = index * barWidth + barWidth * 0.12;
          const w = Math.max(1, barWidth * 0.76);
          return (
            <g key={at}>
              <title>{`${new Date(at).toLocaleString()}: ${label(value)}${metric === "requests" ? `, ${entry.errors} errors` : ""}`}</title>
              <rect x={x} y={height - barHeight} width={w} height={barHeight} className={`chart-bar chart-${metric}`} rx="1.5" />
              {errorHeight > 0 && <rect x={x} y={height - errorHeight} width={w} height={errorHeight} className="chart-bar chart-errors" rx="1.5" />}
            </g>
          );
        })}
        {ticks.map((index, position) => (
          <text
            key={index}
            x={position === 0 ? 0 : position === ticks.length - 1 ? width : index * barWidth + barWidth / 2}
            textAnchor={position === 0 ? "start" : position === ticks.length - 1 ? "end" : "middle"}
            y={height + 14}
            className="chart-tick"
          >
            {tickFormat(start + index * step)}
          </text>
        ))}
      </svg>
    </section>
  );
}
