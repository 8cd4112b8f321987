import { codecFor, costUsd, type PromptBlueprint, type Usage } from "@promptline/core";
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

/** The text of a blueprint's last message (the assistant's answer, or a stream delta). */
export function answerText(blueprint: PromptBlueprint | null | undefined): string {
  const template = blueprint?.prompt_template;
  if (!template) return "";
  const content = template.type === "chat" ? template.messages.at(-1)?.content : template.content;
  if (!Array.isArray(content)) return typeof content === "string" ? content : "";
  return content
    .map((part) => (typeof part === "object" && part !== null && (part as { type?: unknown }).type === "text" ? String((part as { text?: unknown }).text ?? "") : ""))
    .join("");
}

/** Usage and cost read from the provider's response with the same codec the SDK used. */
export function summarizeRun(result: { request_id: string; raw_response: unknown; prompt_blueprint: PromptBlueprint }, latencyMs: number): RunSummary {
  const model = result.prompt_blueprint.metadata?.model;
  let usage: Usage | null = null;
  if (model) {
    try {
      usage = codecFor({ provider: model.provider, apiType: model.api_type, templateType: "chat", modelName: model.name }).usage(result.raw_response);
    } catch {
      usage = null;
    }
  }
  return {
    request_id: result.request_id,
    provider: model?.provider ?? null,
    model: model?.name ?? null,
    usage,
    cost_usd: model ? costUsd(model.provider, model.name, usage) : null,
    latency_ms: Math.round(latencyMs),
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
