/**
 * Fake of the Amazon Bedrock runtime's Converse API: `POST /model/{modelId}/converse` (JSON) and
 * `/model/{modelId}/converse-stream` (AWS event-stream binary framing); and of InvokeModel for
 * Claude (`/model/{modelId}/invoke`, `/invoke-with-response-stream`): Anthropic's Messages body with
 * `anthropic_version: "bedrock-2023-05-31"` and no `model`, answered with a Messages response, or
 * with `chunk` events whose `bytes` are the base64 JSON of each Messages stream event. Any
 * `Authorization: AWS4-HMAC-SHA256 …` header passes (signatures are not verified; with a key set,
 * the access key id in `Credential=` must match), as does a Bedrock API key (`Bearer …`).
 */
import type { AcceptedCall, FakeCall, JsonResponse, ResolvedReply, ResolvedToolCall, StreamResponse } from "../internal/fake-call.js";
import { fakeIdSuffix, withToolCallIds } from "../internal/fake-call.js";
import { encodeEventStreamMessage } from "../internal/event-stream.js";
import { anthropicStructuredOutput, converseStructuredOutput } from "../internal/structured-output.js";
import { anthropicMessage, anthropicStreamEvents } from "./anthropic.js";
import type { FakeProvider } from "./provider.js";
import { argumentPieces, bearerToken, isRecord, json, keyAccepted, systemAndMessagesText } from "./provider.js";

const EXCEPTIONS: Record<number, { type: string; message: string }> = {
  400: { type: "ValidationException", message: "The provided request is not valid" },
  403: { type: "AccessDeniedException", message: "You don't have access to the model with the specified model ID." },
  404: { type: "ResourceNotFoundException", message: "Could not resolve the foundation model from the provided model identifier." },
  408: { type: "ModelTimeoutException", message: "Model has timed out in processing the request." },
  424: { type: "ModelErrorException", message: "The model returned an error." },
  429: { type: "ThrottlingException", message: "Too many requests, please wait before trying again." },
  500: { type: "InternalServerException", message: "The server encountered an internal error." },
  503: { type: "ServiceUnavailableException", message: "Bedrock is unable to process your request." },
};

/** Bedrock's error: `{ message }` with the exception named in `x-amzn-errortype`. */
function bedrockError(status: number, type: string, message: string): JsonResponse {
  return json(status, { message }, { "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` });
}

function statusError(status: number): JsonResponse {
  const known = EXCEPTIONS[status] ?? { type: status >= 500 ? "InternalServerException" : "ValidationException", message: `Request failed with status ${status}.` };
  return bedrockError(status, known.type, known.message);
}

/** The access key id of a SigV4 header, or the Bedrock API key of a Bearer header. */
function presentedKey(headers: Record<string, string>): string | undefined {
  const authorization = headers.authorization ?? "";
  if (authorization.startsWith("AWS4-HMAC-SHA256 ")) return /Credential=([^/,\s]+)/u.exec(authorization)?.[1] ?? "";
  return bearerToken(headers);
}

function accept(call: FakeCall, expectedKey: string | undefined): AcceptedCall | JsonResponse {
  if (!call.headers.authorization) {
    return json(403, { message: "Missing Authentication Token" }, { "x-amzn-errortype": "MissingAuthenticationTokenException" });
  }
  if (!keyAccepted(presentedKey(call.headers), expectedKey)) {
    return bedrockError(403, "UnrecognizedClientException", "The security token included in the request is invalid.");
  }
  const route = /^\/model\/([^/]+)\/(converse|converse-stream|invoke|invoke-with-response-stream)$/u.exec(call.path);
  if (route?.[1] === undefined || call.method !== "POST") {
    return bedrockError(404, "UnknownOperationException", `Unknown operation ${call.method} ${call.path}`);
  }
  const body = call.json;
  if (!isRecord(body)) return bedrockError(400, "SerializationException", "Unable to parse request body as JSON.");
  if (route[2] === "invoke" || route[2] === "invoke-with-response-stream") return acceptInvoke(route[2], decodeURIComponent(route[1]), body);
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return bedrockError(400, "ValidationException", "A conversation must start with a user message. Try again with a conversation that starts with a user message.");
  }
  return {
    kind: "accepted",
    endpoint: route[2] ?? "converse",
    model: decodeURIComponent(route[1]),
    stream: route[2] === "converse-stream",
    body,
    ...systemAndMessagesText(body.system, body.messages.filter(isRecord)),
    structuredOutput: converseStructuredOutput(body),
  };
}

/** InvokeModel with Anthropic's Messages body, validated as Bedrock does for Claude. */
function acceptInvoke(endpoint: string, model: string, body: Record<string, unknown>): AcceptedCall | JsonResponse {
  const invalid = (message: string) => bedrockError(400, "ValidationException", message);
  if (body.anthropic_version !== "bedrock-2023-05-31") return invalid("Malformed input request: #: required key [anthropic_version] not found, please reformat your input and try again.");
  for (const key of ["model", "stream"]) if (key in body) return invalid(`Malformed input request: #: extraneous key [${key}] is not permitted, please reformat your input and try again.`);
  if (typeof body.max_tokens !== "number" || !Number.isInteger(body.max_tokens) || body.max_tokens < 1) {
    return invalid("Malformed input request: #: required key [max_tokens] not found, please reformat your input and try again.");
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) return invalid("messages: at least one message is required");
  return {
    kind: "accepted",
    endpoint,
    model,
    stream: endpoint === "invoke-with-response-stream",
    body,
    ...systemAndMessagesText(body.system, body.messages.filter(isRecord)),
    structuredOutput: anthropicStructuredOutput(body),
  };
}

/** Bedrock's model id without its region and vendor: `us.anthropic.claude-3-5-haiku-20241022-v1:0` → `claude-3-5-haiku-20241022`. */
function claudeModelName(modelId: string): string {
  return modelId.replace(/^(?:us|eu|apac|global|jp|au|ca)\./u, "").replace(/^anthropic\./u, "").replace(/-v\d+(?::\d+)?$/u, "");
}

/** Claude's stream on InvokeModelWithResponseStream: each Messages event base64-encoded in a `chunk` event's `bytes`. */
function invokeStream(accepted: AcceptedCall, reply: ResolvedReply, toolCalls: ResolvedToolCall[], requestId: string): StreamResponse {
  const events = anthropicStreamEvents({ ...accepted, model: claudeModelName(accepted.model) }, reply, toolCalls).filter((event) => event.event !== "ping");
  const chunks: [string, Record<string, unknown>][] = events.map((event) => {
    const data = event.data as Record<string, unknown>;
    // Bedrock adds its own metrics to the last event.
    const withMetrics =
      data.type === "message_stop"
        ? { ...data, "amazon-bedrock-invocationMetrics": { inputTokenCount: reply.usage.input_tokens, outputTokenCount: reply.usage.output_tokens, invocationLatency: 1, firstByteLatency: 1 } }
        : data;
    return ["chunk", { bytes: Buffer.from(JSON.stringify(withMetrics)).toString("base64") }];
  });
  return eventStream(chunks, requestId);
}

function stopReason(reply: ResolvedReply, toolCalls: ResolvedToolCall[]): string {
  return reply.finishReason ?? (toolCalls.length > 0 ? "tool_use" : "end_turn");
}

function usage(reply: ResolvedReply) {
  return {
    inputTokens: reply.usage.input_tokens,
    outputTokens: reply.usage.output_tokens,
    totalTokens: reply.usage.input_tokens + reply.usage.output_tokens,
  };
}

function signature(reply: ResolvedReply): string {
  return Buffer.from(`fake-signature-${fakeIdSuffix(reply.sequence)}`).toString("base64");
}

function converse(reply: ResolvedReply, toolCalls: ResolvedToolCall[]) {
  const content: unknown[] = [];
  if (reply.thinking !== "") content.push({ reasoningContent: { reasoningText: { text: reply.thinking, signature: signature(reply) } } });
  if (reply.text !== "") content.push({ text: reply.text });
  for (const call of toolCalls) content.push({ toolUse: { toolUseId: call.id, name: call.name, input: call.arguments } });
  return {
    metrics: { latencyMs: 1 },
    output: { message: { content, role: "assistant" } },
    stopReason: stopReason(reply, toolCalls),
    usage: usage(reply),
  };
}

/** The decoded events of a ConverseStream answer, as `[event type, payload]`. */
function streamEvents(reply: ResolvedReply, toolCalls: ResolvedToolCall[]): [string, Record<string, unknown>][] {
  const events: [string, Record<string, unknown>][] = [["messageStart", { role: "assistant" }]];
  let index = 0;
  const delta = (value: Record<string, unknown>) => events.push(["contentBlockDelta", { contentBlockIndex: index, delta: value }]);
  const stop = () => {
    events.push(["contentBlockStop", { contentBlockIndex: index }]);
    index++;
  };
  if (reply.thinking !== "") {
    for (const text of reply.thinkingDeltas) delta({ reasoningContent: { text } });
    delta({ reasoningContent: { signature: signature(reply) } });
    stop();
  }
  if (reply.text !== "") {
    for (const text of reply.textDeltas) delta({ text });
    stop();
  }
  for (const call of toolCalls) {
    events.push(["contentBlockStart", { contentBlockIndex: index, start: { toolUse: { toolUseId: call.id, name: call.name } } }]);
    for (const input of argumentPieces(JSON.stringify(call.arguments))) delta({ toolUse: { input } });
    stop();
  }
  events.push(["messageStop", { stopReason: stopReason(reply, toolCalls) }]);
  events.push(["metadata", { usage: usage(reply), metrics: { latencyMs: 1 } }]);
  return events;
}

/** Encodes events as event-stream messages; like the live service, each payload carries a `p` padding field. */
function eventStream(events: [string, Record<string, unknown>][], requestId: string): StreamResponse {
  const encoder = new TextEncoder();
  const frames = events.map(([type, payload], index) =>
    encodeEventStreamMessage(
      { ":event-type": type, ":content-type": "application/json", ":message-type": "event" },
      encoder.encode(JSON.stringify({ ...payload, p: "abcdefghijklmnopqrstuvwxyz".slice(0, (index % 20) + 3) })),
    ),
  );
  return {
    kind: "stream",
    headers: { "content-type": "application/vnd.amazon.eventstream", "x-amzn-requestid": requestId },
    frames,
    // A flipped byte in the message checksum: the client must reject the frame.
    corrupt: (frame) => {
      const broken = frame.slice();
      const last = broken.length - 1;
      broken[last] = (broken[last] ?? 0) ^ 0xff;
      return broken;
    },
  };
}

/** The Bedrock fake. */
export const bedrockProvider: FakeProvider = {
  name: "bedrock",
  accept,
  errorResponse: (status) => statusError(status),
  respond(accepted, reply, call) {
    const requestId = `${fakeIdSuffix(call.sequence)}-0000-4000-8000-000000000000`;
    if (accepted.endpoint.startsWith("invoke")) {
      const claudeCalls = withToolCallIds(reply.toolCalls, (index) => `toolu_bdrk_${fakeIdSuffix(reply.sequence, index)}`);
      return accepted.stream
        ? invokeStream(accepted, reply, claudeCalls, requestId)
        : json(200, anthropicMessage({ ...accepted, model: claudeModelName(accepted.model) }, reply, claudeCalls), { "x-amzn-requestid": requestId });
    }
    const toolCalls = withToolCallIds(reply.toolCalls, (index) => `tooluse_${fakeIdSuffix(reply.sequence, index)}`);
    return accepted.stream
      ? eventStream(streamEvents(reply, toolCalls), requestId)
      : json(200, converse(reply, toolCalls), { "x-amzn-requestid": requestId });
  },
};
