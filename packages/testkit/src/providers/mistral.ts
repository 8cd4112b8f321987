/**
 * Fake of the Mistral chat API: `POST /v1/chat/completions` in Mistral's own shape (close to
 * OpenAI's, but: tool calls arrive whole in one chunk, usage rides on the last content chunk, and
 * reasoning models answer with a content array of `thinking` and `text` chunks).
 */
import type { AcceptedCall, FakeCall, JsonResponse, ResolvedReply, ResolvedToolCall } from "../internal/fake-call.js";
import { fakeIdSuffix, withToolCallIds } from "../internal/fake-call.js";
import type { SseEvent } from "../internal/sse.js";
import { sseStream } from "../internal/sse.js";
import { openAiStructuredOutput } from "../internal/structured-output.js";
import { messagesPrompt } from "./openai.js";
import type { FakeProvider } from "./provider.js";
import { bearerToken, isRecord, json, keyAccepted } from "./provider.js";

const STATUS_ERRORS: Record<number, { message: string; type: string; code: string | null }> = {
  400: { message: "Invalid request", type: "invalid_request_error", code: null },
  404: { message: "Invalid model", type: "invalid_model", code: "1500" },
  429: { message: "Requests rate limit exceeded", type: "rate_limited", code: "1300" },
  500: { message: "Internal server error", type: "internal_server_error", code: null },
  503: { message: "Service unavailable", type: "service_unavailable", code: null },
};

function requestId(sequence: number): string {
  return `${fakeIdSuffix(sequence)}`.padEnd(32, "0");
}

/** Mistral's gateway answers a bad key with `{ message: "Unauthorized", request_id }`. */
function unauthorized(sequence: number): JsonResponse {
  return json(401, { message: "Unauthorized", request_id: requestId(sequence) });
}

/** Mistral's API error body: `{ object: "error", message, type, param, code }`. */
function mistralError(status: number, message: unknown, type: string, code: string | null = null): JsonResponse {
  return json(status, { object: "error", message, type, param: null, code });
}

function statusError(status: number): JsonResponse {
  if (status === 401) return unauthorized(0);
  const known = STATUS_ERRORS[status] ?? { message: `Request failed with status ${status}`, type: "api_error", code: null };
  return mistralError(status, known.message, known.type, known.code);
}

/** A missing body field, in the FastAPI validation shape Mistral returns with 422. */
function missingField(field: string, body: unknown): JsonResponse {
  return mistralError(
    422,
    { detail: [{ type: "missing", loc: ["body", field], msg: "Field required", input: body }] },
    "invalid_request_error",
  );
}

function accept(call: FakeCall, expectedKey: string | undefined): AcceptedCall | JsonResponse {
  if (!keyAccepted(bearerToken(call.headers), expectedKey)) return unauthorized(call.sequence);
  if (call.path !== "/v1/chat/completions" || call.method !== "POST") {
    return json(404, { detail: "Not Found" });
  }
  const body = call.json;
  if (!isRecord(body)) return mistralError(400, "Invalid JSON body", "invalid_request_error");
  if (typeof body.model !== "string") return missingField("model", body);
  if (!Array.isArray(body.messages)) return missingField("messages", body);
  return {
    kind: "accepted",
    endpoint: "chat",
    model: body.model,
    stream: body.stream === true,
    body,
    ...messagesPrompt(body.messages.filter(isRecord), ""),
    structuredOutput: openAiStructuredOutput(body),
  };
}

function usage(reply: ResolvedReply) {
  return {
    prompt_tokens: reply.usage.input_tokens,
    total_tokens: reply.usage.input_tokens + reply.usage.output_tokens,
    completion_tokens: reply.usage.output_tokens,
  };
}

function finishReason(reply: ResolvedReply, toolCalls: ResolvedToolCall[]): string {
  return reply.finishReason ?? (toolCalls.length > 0 ? "tool_calls" : "stop");
}

function toolCallsOf(toolCalls: ResolvedToolCall[]) {
  return toolCalls.map((call, index) => ({
    id: call.id,
    function: { name: call.name, arguments: JSON.stringify(call.arguments) },
    index,
  }));
}

/** Plain text answers are a string; reasoning models answer with typed chunks. */
function content(thinking: string, text: string): unknown {
  if (thinking === "") return text;
  return [
    { type: "thinking", thinking: [{ type: "text", text: thinking }] },
    ...(text === "" ? [] : [{ type: "text", text }]),
  ];
}

function completion(accepted: AcceptedCall, reply: ResolvedReply, toolCalls: ResolvedToolCall[]) {
  return {
    id: requestId(reply.sequence),
    created: reply.createdSeconds,
    model: accepted.model,
    usage: usage(reply),
    object: "chat.completion",
    choices: [
      {
        index: 0,
        finish_reason: finishReason(reply, toolCalls),
        message: {
          role: "assistant",
          tool_calls: toolCalls.length > 0 ? toolCallsOf(toolCalls) : null,
          content: content(reply.thinking, reply.text),
        },
      },
    ],
  };
}

function chunks(accepted: AcceptedCall, reply: ResolvedReply, toolCalls: ResolvedToolCall[]): SseEvent[] {
  const base = { id: requestId(reply.sequence), object: "chat.completion.chunk", created: reply.createdSeconds, model: accepted.model };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
    data: {
      ...base,
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
      ...(finish !== null ? { usage: usage(reply) } : {}),
    },
  });
  const events: SseEvent[] = [chunk({ role: "assistant", content: "" })];
  for (const thinking of reply.thinkingDeltas) events.push(chunk({ content: content(thinking, "") }));
  for (const text of reply.textDeltas) events.push(chunk({ content: reply.thinking === "" ? text : [{ type: "text", text }] }));
  const finish = finishReason(reply, toolCalls);
  events.push(
    toolCalls.length > 0
      ? chunk({ content: null, tool_calls: toolCallsOf(toolCalls) }, finish)
      : chunk({ content: "" }, finish),
  );
  events.push({ data: "[DONE]" });
  return events;
}

/** Mistral's tool call ids are 9 alphanumeric characters. */
function toolCallId(sequence: number, index: number): string {
  return `fk${sequence.toString(36).padStart(5, "0")}${index.toString(36).padStart(2, "0")}`.slice(-9);
}

/** The Mistral fake. */
export const mistralProvider: FakeProvider = {
  name: "mistral",
  accept,
  errorResponse: (status) => statusError(status),
  respond(accepted, reply) {
    const toolCalls = withToolCallIds(reply.toolCalls, (index) => toolCallId(reply.sequence, index));
    return accepted.stream
      ? sseStream(chunks(accepted, reply, toolCalls))
      : json(200, completion(accepted, reply, toolCalls));
  },
};
