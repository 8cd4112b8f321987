/**
 * Fake of the Anthropic Messages API: `POST /v1/messages`, JSON or the full named-event stream
 * (message_start, content_block_start/delta/stop for thinking, text and tool_use, ping,
 * message_delta, message_stop). Checks `x-api-key`, `anthropic-version` and the required
 * `model`, `max_tokens` and `messages`.
 */
import type { AcceptedCall, FakeCall, JsonResponse, ResolvedReply, ResolvedToolCall } from "../internal/fake-call.js";
import { fakeIdSuffix, withToolCallIds } from "../internal/fake-call.js";
import type { SseEvent } from "../internal/sse.js";
import { sseStream } from "../internal/sse.js";
import { anthropicStructuredOutput } from "../internal/structured-output.js";
import type { FakeProvider } from "./provider.js";
import { argumentPieces, isRecord, json, keyAccepted, systemAndMessagesText } from "./provider.js";

const STATUS_ERRORS: Record<number, { type: string; message: string }> = {
  400: { type: "invalid_request_error", message: "Invalid request." },
  401: { type: "authentication_error", message: "invalid x-api-key" },
  403: { type: "permission_error", message: "Your API key does not have permission to use the specified resource." },
  404: { type: "not_found_error", message: "The requested resource could not be found." },
  413: { type: "request_too_large", message: "Request exceeds the maximum allowed number of bytes." },
  429: {
    type: "rate_limit_error",
    message: "Number of request tokens has exceeded your per-minute rate limit. Please try again later.",
  },
  500: { type: "api_error", message: "Internal server error" },
  529: { type: "overloaded_error", message: "Overloaded" },
};

/** Anthropic's error body: `{ type: "error", error: { type, message }, request_id }`, with a `request-id` header. */
function anthropicError(status: number, type: string, message: string, sequence = 0): JsonResponse {
  const requestId = `req_${fakeIdSuffix(sequence)}`;
  return json(status, { type: "error", error: { type, message }, request_id: requestId }, { "request-id": requestId });
}

function statusError(status: number): JsonResponse {
  const known = STATUS_ERRORS[status] ?? {
    type: status >= 500 ? "api_error" : "invalid_request_error",
    message: `Request failed with status ${status}.`,
  };
  return anthropicError(status, known.type, known.message);
}

/** Checks the request in the order the real API does: key, version header, JSON, required fields. */
function accept(call: FakeCall, expectedKey: string | undefined): AcceptedCall | JsonResponse {
  const invalid = (message: string) => anthropicError(400, "invalid_request_error", message, call.sequence);
  const key = call.headers["x-api-key"];
  if (key === undefined || key === "") {
    return anthropicError(401, "authentication_error", "x-api-key header is required", call.sequence);
  }
  if (!keyAccepted(key, expectedKey)) return anthropicError(401, "authentication_error", "invalid x-api-key", call.sequence);
  if (call.path !== "/v1/messages" || call.method !== "POST") {
    return anthropicError(404, "not_found_error", `${call.method} ${call.path} not found`, call.sequence);
  }
  if (!call.headers["anthropic-version"]) return invalid("anthropic-version: header is required");
  const body = call.json;
  if (!isRecord(body)) return invalid("There was an error parsing the body of your request as JSON.");
  for (const field of ["model", "max_tokens", "messages"]) {
    if (body[field] === undefined) return invalid(`${field}: Field required`);
  }
  if (typeof body.model !== "string") return invalid("model: Input should be a valid string");
  if (typeof body.max_tokens !== "number" || !Number.isInteger(body.max_tokens) || body.max_tokens < 1) {
    return invalid("max_tokens: Input should be a valid integer greater than or equal to 1");
  }
  if (!Array.isArray(body.messages)) return invalid("messages: Input should be a valid list");
  if (body.messages.length === 0) return invalid("messages: at least one message is required");
  return {
    kind: "accepted",
    endpoint: "messages",
    model: body.model,
    stream: body.stream === true,
    body,
    ...systemAndMessagesText(body.system, body.messages.filter(isRecord)),
    structuredOutput: anthropicStructuredOutput(body),
  };
}

function usage(reply: ResolvedReply, outputTokens: number) {
  return {
    input_tokens: reply.usage.input_tokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: outputTokens,
    service_tier: "standard",
  };
}

/** A signature for a thinking block; real ones are opaque base64. */
function signature(reply: ResolvedReply): string {
  return Buffer.from(`fake-signature-${fakeIdSuffix(reply.sequence)}`).toString("base64");
}

function stopReason(reply: ResolvedReply, toolCalls: ResolvedToolCall[]): string {
  return reply.finishReason ?? (toolCalls.length > 0 ? "tool_use" : "end_turn");
}

/** A Messages API answer; also the body of Claude on Bedrock InvokeModel. */
export function anthropicMessage(accepted: AcceptedCall, reply: ResolvedReply, toolCalls: ResolvedToolCall[]) {
  const content: unknown[] = [];
  if (reply.thinking !== "") content.push({ type: "thinking", thinking: reply.thinking, signature: signature(reply) });
  if (reply.text !== "") content.push({ type: "text", text: reply.text });
  for (const call of toolCalls) content.push({ type: "tool_use", id: call.id, name: call.name, input: call.arguments });
  return {
    model: accepted.model,
    id: `msg_${fakeIdSuffix(reply.sequence)}`,
    type: "message",
    role: "assistant",
    content,
    stop_reason: stopReason(reply, toolCalls),
    stop_sequence: null,
    usage: usage(reply, reply.usage.output_tokens),
  };
}

/** The Messages API stream events; Bedrock InvokeModelWithResponseStream wraps the same events. */
export function anthropicStreamEvents(accepted: AcceptedCall, reply: ResolvedReply, toolCalls: ResolvedToolCall[]): SseEvent[] {
  const events: SseEvent[] = [];
  const emit = (type: string, fields: Record<string, unknown> = {}) => events.push({ event: type, data: { type, ...fields } });
  const whole = anthropicMessage(accepted, reply, toolCalls);
  emit("message_start", { message: { ...whole, content: [], stop_reason: null, usage: usage(reply, 1) } });
  let index = 0;
  // The live API sends a ping right after the first block opens.
  const open = (contentBlock: Record<string, unknown>) => {
    emit("content_block_start", { index, content_block: contentBlock });
    if (index === 0) emit("ping");
  };
  if (reply.thinking !== "") {
    open({ type: "thinking", thinking: "", signature: "" });
    for (const thinking of reply.thinkingDeltas) emit("content_block_delta", { index, delta: { type: "thinking_delta", thinking } });
    emit("content_block_delta", { index, delta: { type: "signature_delta", signature: signature(reply) } });
    emit("content_block_stop", { index });
    index++;
  }
  if (reply.text !== "") {
    open({ type: "text", text: "" });
    for (const text of reply.textDeltas) emit("content_block_delta", { index, delta: { type: "text_delta", text } });
    emit("content_block_stop", { index });
    index++;
  }
  for (const call of toolCalls) {
    open({ type: "tool_use", id: call.id, name: call.name, input: {} });
    // Like the live API, the arguments start with an empty partial and arrive as JSON text pieces.
    for (const partial of ["", ...argumentPieces(JSON.stringify(call.arguments))]) {
      emit("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: partial } });
    }
    emit("content_block_stop", { index });
    index++;
  }
  emit("message_delta", {
    delta: { stop_reason: stopReason(reply, toolCalls), stop_sequence: null },
    usage: {
      input_tokens: reply.usage.input_tokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: reply.usage.output_tokens,
    },
  });
  emit("message_stop");
  return events;
}

/** The Anthropic fake. */
export const anthropicProvider: FakeProvider = {
  name: "anthropic",
  accept,
  errorResponse: (status) => statusError(status),
  respond(accepted, reply, call) {
    const toolCalls = withToolCallIds(reply.toolCalls, (index) => `toolu_${fakeIdSuffix(reply.sequence, index)}`);
    const headers = { "request-id": `req_${fakeIdSuffix(call.sequence)}`, "anthropic-organization-id": "fake-organization" };
    return accepted.stream
      ? sseStream(anthropicStreamEvents(accepted, reply, toolCalls), { headers })
      : json(200, anthropicMessage(accepted, reply, toolCalls), headers);
  },
};
