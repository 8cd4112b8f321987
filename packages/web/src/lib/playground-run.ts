import type { Usage } from "@promptline/core";
import type { PlaygroundRunBody } from "@promptline/core/wire";
import { reach } from "./api.js";
import { describeFailure } from "./failure.js";
import { readEvents } from "./sse.js";

/** What the playground asks `POST /api/v1/playground/run` for: the wire contract's body. */
export type { PlaygroundRunBody };

/** Tokens, cost and latency of a finished run, as it was logged. */
export interface RunMetrics {
  provider?: string;
  model?: string;
  usage?: Usage | null;
  cost_usd?: number | null;
  latency_ms?: number | null;
}

export type RunState =
  | { status: "idle" }
  | { status: "running"; text: string; requestId?: string }
  | { status: "done"; text: string; requestId: string; metrics: RunMetrics }
  | {
      status: "failed";
      text: string;
      title: string;
      message: string;
      requestId?: string;
      /** For a missing provider key: the variables that would do (the message names the server process). */
      envVars?: string[];
    };

interface EventData {
  text?: string;
  request_id?: string;
  message?: string;
  code?: string;
  error_type?: string;
  env_vars?: string[];
  provider?: string;
  model?: string;
  usage?: Usage | null;
  cost_usd?: number | null;
  latency_ms?: number | null;
}

function failed(text: string, data: EventData): RunState {
  const described = describeFailure(data.error_type ?? null, data.message ?? "The run failed.");
  return {
    status: "failed",
    text,
    title: data.code === "missing_provider_key" ? "No provider key on the server" : described.title === (data.error_type ?? "Error") ? "The run failed." : described.title,
    message: described.detail,
    ...(data.request_id && { requestId: data.request_id }),
    ...(data.env_vars && { envVars: data.env_vars }),
  };
}

/** Runs once, streaming: `onState` gets every step, ending with done or failed. */
export async function runInPlayground(body: PlaygroundRunBody, signal: AbortSignal, onState: (state: RunState) => void): Promise<void> {
  let text = "";
  let requestId: string | undefined;
  onState({ status: "running", text });
  try {
    const response = await reach("/api/v1/playground/run", {
      method: "POST",
      credentials: "same-origin",
      signal,
      headers: { "content-type": "application/json", accept: "text/event-stream", "x-promptline-csrf": "1" },
      body: JSON.stringify(body),
    });
    if (!response.ok || !response.body) {
      const answer = (await response.json().catch(() => ({}))) as { message?: string; error?: EventData };
      onState(failed("", { ...answer.error, message: answer.message ?? answer.error?.message ?? `The server answered ${response.status}.` }));
      return;
    }
    for await (const message of readEvents(response.body)) {
      const data = JSON.parse(message.data) as EventData;
      requestId = data.request_id ?? requestId;
      if (message.event === "delta") {
        text += data.text ?? "";
        onState({ status: "running", text, ...(requestId && { requestId }) });
      } else if (message.event === "done") {
        const { provider, model, usage, cost_usd, latency_ms } = data;
        onState({ status: "done", text: data.text || text, requestId: requestId ?? "", metrics: { provider, model, usage, cost_usd, latency_ms } });
        return;
      } else if (message.event === "error") {
        onState(failed(text, { ...data, ...(requestId && { request_id: requestId }) }));
        return;
      }
    }
    onState(failed(text, { message: "The stream ended before the answer was complete." }));
  } catch (error) {
    if (signal.aborted) onState({ status: "failed", text, title: "Stopped.", message: "You stopped the run.", ...(requestId && { requestId }) });
    else onState(failed(text, { message: error instanceof Error ? error.message : String(error) }));
  }
}
