/**
 * Fake of OpenRouter's API: `POST /api/v1/chat/completions`, OpenAI's Chat Completions wire format
 * with OpenRouter's differences: `gen-…` ids and a `provider` field naming the upstream, a
 * `: OPENROUTER PROCESSING` SSE comment before the first chunk, and errors shaped
 * `{ error: { code: <status>, message, metadata? } }`.
 */
import type { FakeCall, JsonResponse, ProviderResponse } from "../internal/fake-call.js";
import { fakeIdSuffix } from "../internal/fake-call.js";
import { acceptOpenAiBody, renderOpenAi } from "./openai.js";
import type { FakeProvider } from "./provider.js";
import { bearerToken, isRecord, json, keyAccepted } from "./provider.js";

const STATUS_MESSAGES: Record<number, string> = {
  400: "Invalid request",
  401: "No auth credentials found",
  402: "Insufficient credits",
  403: "Input was flagged by moderation",
  404: "No endpoints found for this model",
  408: "Request timed out",
  429: "Rate limit exceeded: too many requests",
  500: "Internal Server Error",
  502: "Provider returned error",
  503: "No available model provider that meets your routing requirements",
};

function openRouterError(status: number, message = STATUS_MESSAGES[status] ?? `Request failed with status ${status}`): JsonResponse {
  return json(status, { error: { code: status, message, ...(status === 502 ? { metadata: { provider_name: "OpenAI", raw: "upstream error" } } : {}) } });
}

const encoder = new TextEncoder();

/** The upstream a model id names: `anthropic/claude-…` → `Anthropic`. */
function upstreamOf(model: string): string {
  const vendor = model.split("/")[0] ?? "";
  return { openai: "OpenAI", anthropic: "Anthropic", google: "Google", mistralai: "Mistral" }[vendor] ?? "Together";
}

function withOpenRouterShape(response: ProviderResponse, call: FakeCall, model: string): ProviderResponse {
  const id = `gen-${fakeIdSuffix(call.sequence)}`;
  const provider = upstreamOf(model);
  if (response.kind === "json") {
    return isRecord(response.body) ? { ...response, body: { ...response.body, id, provider } } : response;
  }
  const decoder = new TextDecoder();
  const frames = response.frames.map((frame, index) => {
    let text = decoder.decode(frame).replace(/^data: (\{.*\})$/mu, (_line, data: string) => `data: ${JSON.stringify({ ...(JSON.parse(data) as object), id, provider })}`);
    // OpenRouter keeps the connection warm with SSE comments while the upstream thinks.
    if (index === 0) text = `: OPENROUTER PROCESSING\n\n${text}`;
    return encoder.encode(text);
  });
  return { ...response, frames };
}

export const openRouterProvider: FakeProvider = {
  name: "openrouter",
  accept(call, expectedKey) {
    if (!keyAccepted(bearerToken(call.headers), expectedKey)) return openRouterError(401);
    if (call.path.replace(/\/+$/u, "") !== "/api/v1/chat/completions" || call.method !== "POST") {
      return openRouterError(404, `Not Found (${call.method} ${call.path})`);
    }
    const accepted = acceptOpenAiBody(call, "chat");
    if (accepted.kind === "json") return openRouterError(accepted.status, isRecord(accepted.body) && isRecord(accepted.body.error) ? String(accepted.body.error.message) : undefined);
    return accepted;
  },
  errorResponse: (status) => openRouterError(status),
  respond: (accepted, reply, call) => withOpenRouterShape(renderOpenAi(accepted, reply, {}), call, accepted.model),
};
