import type { Usage } from "@promptline/core";
import type { RunResult } from "promptline";
import type { Colors } from "./colors.js";

/** What the CLI reports about one run. */
export interface RunSummary {
  request_id: string;
  provider: string | null;
  model: string | null;
  usage: Usage | null;
  /** Null when no price is known for the model (unpriced is not free). */
  cost_usd: number | null;
  latency_ms: number;
}

/** What the CLI prints under an answer: the result's own usage, cost and model. */
export function summarizeRun(result: RunResult): RunSummary {
  return {
    request_id: result.request_id,
    provider: result.provider,
    model: result.model,
    usage: result.usage,
    cost_usd: result.cost_usd,
    latency_ms: Math.round(result.latency_ms),
  };
}

/** `$0.000123`, or `unpriced` when the price table doesn't know the model. */
export function formatCost(cost: number | null | undefined): string {
  if (cost === null || cost === undefined) return "unpriced";
  if (cost === 0) return "$0";
  return cost >= 0.01 ? `$${cost.toFixed(4)}` : `$${cost.toPrecision(3)}`;
}

export function formatTokens(usage: Usage | null | undefined): string {
  return usage ? `${usage.input_tokens} in / ${usage.output_tokens} out` : "–";
}

export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "–";
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** `request 0199… · openai/gpt-4o-mini · 12 in / 8 out tokens · $0.0000042 · 312 ms` */
export function formatSummaryLine(summary: RunSummary, colors: Colors): string {
  const parts = [
    `request ${colors.cyan(summary.request_id)}`,
    summary.provider && summary.model ? `${summary.provider}/${summary.model}` : null,
    summary.usage ? `${formatTokens(summary.usage)} tokens` : "tokens unknown",
    formatCost(summary.cost_usd),
    formatLatency(summary.latency_ms),
  ].filter((part): part is string => part !== null);
  return colors.dim(parts.join(" · "));
}
