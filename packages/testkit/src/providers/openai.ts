/**
 * Fake of the OpenAI API: `/v1/chat/completions`, `/v1/responses`, `/v1/completions`, in JSON and in
 * server-sent events. Shapes follow recordings of the live API (see `../__fixtures__/README.md`).
 * The body renderers are exported for the Azure fake, which serves the same bodies.
 */
import { openAiStructuredOutput } from "../internal/structured-output.js";
import type { AcceptedCall, FakeCall, JsonResponse, ProviderResponse, ResolvedReply, ResolvedToolCall } from "../internal/fake-call.js";
import { fakeIdSuffix, withToolCallIds } from "../internal/fake-call.js";
import type { SseEvent } from "../internal/sse.js";
import { sseStream } from "../internal/sse.js";
import type { FakeProvider } from "./provider.js";
import { argumentPieces, bearerToken, contentText, isRecord, json, keyAccepted } from "./provider.js";

/** The OpenAI endpoints the fakes serve. */
export type OpenAiEndpoint = "chat" | "responses" | "completions";

const ENDPOINT_PATHS: Record<string, OpenAiEndpoint> = {
  "/chat/completions": "chat",
  "/responses": "responses",
  "/completions": "completions",
};

/** Maps a path below the API version (`/chat/completions`) to its endpoint. */
export function openAiEndpointFor(pathBelowVersion: string): OpenAiEndpoint | undefined {
  return ENDPOINT_PATHS[pathBelowVersion.replace(/\/+$/u, "")];
}

// ---------------------------------------------------------------- errors

/** OpenAI's error body: `{ error: { message, type, param, code } }`. */
export function openAiError(
  status: number,
  message: string,
  type: string,
  code: string | null = null,
  param: string | null = null,
  headers?: Record<string, string>,
): JsonResponse {
  return json(status, { error: { message, type, param, code } }, headers);
}

const STATUS_ERRORS: Record<number, { message: string; type: string; code: string | null }> = {
  400: { message: "Invalid request.", type: "invalid_request_error", code: null },
  401: {
    message: "Incorrect API key provided: sk-fake***. You can find your API key at https://platform.openai.com/account/api-keys.",
    type: "invalid_request_error",
    code: "invalid_api_key",
  },
  403: { message: "You are not allowed to sample from this model", type: "invalid_request_error", code: null },
  404: { message: "The model does not exist or you do not have access to it.", type: "invalid_request_error", code: "model_not_found" },
  429: {
    message: "Rate limit reached for requests. Please try again in 1s.",
    type: "requests",
    code: "rate_limit_exceeded",
  },
  500: { message: "The server had an error while processing your request. Sorry about that!", type: "server_error", code: null },
  503: { message: "The engine is currently overloaded, please try again later", type: "server_error", code: null },
};

/** OpenAI's error answer for a status, as the real API words it. */
export function openAiStatusError(status: number): JsonResponse {
  const known = STATUS_ERRORS[status] ?? {
    message: `The server had an error processing your request (status ${status}).`,
    type: status >= 500 ? "server_error" : "invalid_request_error",
    code: null,
  };
  return openAiError(status, known.message, known.type, known.code, null, openAiHeaders(0));
}

/** Headers the real API adds to every answer. */
export function openAiHeaders(sequence: number): Record<string, string> {
  return {
    "x-request-id": `req_${fakeIdSuffix(sequence)}`,
    "openai-processing-ms": "1",
    "openai-version": "2020-10-01",
  };
}

// ---------------------------------------------------------------- validation

/** Reads the prompt and checks the required fields of an OpenAI-shaped body. */
export function acceptOpenAiBody(call: FakeCall, endpoint: OpenAiEndpoint): AcceptedCall | JsonResponse {
  const body = call.json;
  if (!isRecord(body)) {
    return openAiError(
      400,
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
      "invalid_request_error",
    );
  }
  if (typeof body.model !== "string" || body.model === "") {
    return endpoint === "responses"
      ? openAiError(400, "Missing required parameter: 'model'.", "invalid_request_error", "missing_required_parameter", "model")
      : openAiError(400, "you must provide a model parameter", "invalid_request_error");
  }
  const stream = body.stream === true;
  if (body.stream_options !== undefined && body.stream_options !== null && !stream && endpoint !== "responses") {
    return openAiError(
      400,
      "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
      "invalid_request_error",
      null,
      "stream_options",
    );
  }
  const prompt = openAiPrompt(endpoint, body);
  if (prompt === undefined) {
    const param = endpoint === "chat" ? "messages" : endpoint === "completions" ? "prompt" : "input";
    return openAiError(400, `Missing required parameter: '${param}'.`, "invalid_request_error", "missing_required_parameter", param);
  }
  return { kind: "accepted", endpoint, model: body.model, stream, body, ...prompt, structuredOutput: openAiStructuredOutput(body) };
}

/** The prompt text of a chat, Responses or completions body; undefined when the required field is missing. */
function openAiPrompt(
  endpoint: OpenAiEndpoint,
  body: Record<string, unknown>,
): { lastUserText: string; promptText: string } | undefined {
  if (endpoint === "completions") {
    if (body.prompt === undefined) return undefined;
    const prompts = Array.isArray(body.prompt) ? body.prompt.map(String) : [String(body.prompt)];
    return { lastUserText: prompts.at(-1) ?? "", promptText: prompts.join("\n") };
  }
  if (endpoint === "responses") {
    const instructions = typeof body.instructions === "string" ? body.instructions : "";
    if (typeof body.input === "string") return { lastUserText: body.input, promptText: `${instructions}${body.input}` };
    const items = Array.isArray(body.input) ? body.input.filter(isRecord) : [];
    return messagesPrompt(items, instructions);
  }
  if (!Array.isArray(body.messages)) return undefined;
  return messagesPrompt(body.messages.filter(isRecord), "");
}

/** Prompt text of a message list with `role` and `content` (string or parts). */
export function messagesPrompt(
  messages: Record<string, unknown>[],
  prefix: string,
): { lastUserText: string; promptText: string } {
  const texts = messages.map((message) => contentText(message.content ?? message.output));
  const lastUser = messages.filter((message) => message.role === "user").at(-1);
  return {
    lastUserText: lastUser === undefined ? "" : contentText(lastUser.content),
    promptText: prefix + texts.join("\n"),
  };
}

// ---------------------------------------------------------------- rendering

/** Renders a reply for an OpenAI endpoint, JSON or stream. `extras` lets Azure add its content filter fields. */
export function renderOpenAi(
  accepted: AcceptedCall,
  reply: ResolvedReply,
  headers: Record<string, string>,
  extras: OpenAiExtras = {},
): ProviderResponse {
  const toolCalls = withToolCallIds(reply.toolCalls, (index) => `call_${fakeIdSuffix(reply.sequence, index)}`);
  switch (accepted.endpoint as OpenAiEndpoint) {
    case "responses":
      return accepted.stream
        ? sseStream(responsesEvents(accepted, reply, toolCalls), { headers })
        : json(200, responseObject(accepted, reply, toolCalls, "completed"), headers);
    case "completions":
      return accepted.stream
        ? sseStream(completionChunks(accepted, reply), { headers })
        : json(200, completionObject(accepted, reply), headers);
    case "chat":
      return accepted.stream
        ? sseStream(chatChunks(accepted, reply, toolCalls, extras), { headers })
        : json(200, chatCompletion(accepted, reply, toolCalls, extras), headers);
  }
}

/** Azure's additions to chat completions (content filter results). */
export interface OpenAiExtras {
  promptFilterResults?: unknown[];
  contentFilterResults?: Record<string, unknown>;
}

function chatUsage(reply: ResolvedReply) {
  return {
    prompt_tokens: reply.usage.input_tokens,
    completion_tokens: reply.usage.output_tokens,
    total_tokens: reply.usage.input_tokens + reply.usage.output_tokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function chatFinishReason(reply: ResolvedReply, toolCalls: ResolvedToolCall[]): string {
  return reply.finishReason ?? (toolCalls.length > 0 ? "tool_calls" : "stop");
}

function chatCompletion(accepted: AcceptedCall, reply: ResolvedReply, toolCalls: ResolvedToolCall[], extras: OpenAiExtras) {
  return {
    id: `chatcmpl-${fakeIdSuffix(reply.sequence)}`,
    object: "chat.completion",
    created: reply.createdSeconds,
    model: accepted.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: reply.text === "" && toolCalls.length > 0 ? null : reply.text,
          refusal: null,
          annotations: [],
          ...(toolCalls.length > 0
            ? {
                tool_calls: toolCalls.map((call) => ({
                  id: call.id,
                  type: "function",
                  function: { name: call.name, arguments: JSON.stringify(call.arguments) },
                })),
              }
            : {}),
        },
        logprobs: null,
        finish_reason: chatFinishReason(reply, toolCalls),
        ...(extras.contentFilterResults ? { content_filter_results: extras.contentFilterResults } : {}),
      },
    ],
    usage: chatUsage(reply),
    ...(extras.promptFilterResults ? { prompt_filter_results: extras.promptFilterResults } : {}),
    service_tier: "default",
    system_fingerprint: "fp_fake",
  };
}

function chatChunks(accepted: AcceptedCall, reply: ResolvedReply, toolCalls: ResolvedToolCall[], extras: OpenAiExtras): SseEvent[] {
  const includeUsage = isRecord(accepted.body.stream_options) && accepted.body.stream_options.include_usage === true;
  const base = {
    id: `chatcmpl-${fakeIdSuffix(reply.sequence)}`,
    object: "chat.completion.chunk",
    created: reply.createdSeconds,
    model: accepted.model,
    service_tier: "default",
    system_fingerprint: "fp_fake",
  };
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
    data: {
      ...base,
      choices: [
        {
          index: 0,
          delta,
          logprobs: null,
          finish_reason: finishReason,
          ...(extras.contentFilterResults ? { content_filter_results: extras.contentFilterResults } : {}),
        },
      ],
      ...(includeUsage ? { usage: null } : {}),
    },
  });
  const events: SseEvent[] = [];
  // Azure opens with a chunk that has no choices, only the prompt's filter results.
  if (extras.promptFilterResults) {
    events.push({
      data: { ...base, choices: [], prompt_filter_results: extras.promptFilterResults, ...(includeUsage ? { usage: null } : {}) },
    });
  }
  events.push(chunk({ role: "assistant", content: "", refusal: null }));
  for (const delta of reply.textDeltas) events.push(chunk({ content: delta }));
  toolCalls.forEach((call, index) => {
    events.push(
      chunk({
        tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }],
      }),
    );
    for (const piece of argumentPieces(JSON.stringify(call.arguments))) {
      events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  events.push(chunk({}, chatFinishReason(reply, toolCalls)));
  if (includeUsage) events.push({ data: { ...base, choices: [], usage: chatUsage(reply) } });
  events.push({ data: "[DONE]" });
  return events;
}

function completionObject(accepted: AcceptedCall, reply: ResolvedReply) {
  return {
    id: `cmpl-${fakeIdSuffix(reply.sequence)}`,
    object: "text_completion",
    created: reply.createdSeconds,
    model: accepted.model,
    choices: [{ text: reply.text, index: 0, logprobs: null, finish_reason: reply.finishReason ?? "stop" }],
    usage: {
      prompt_tokens: reply.usage.input_tokens,
      completion_tokens: reply.usage.output_tokens,
      total_tokens: reply.usage.input_tokens + reply.usage.output_tokens,
    },
  };
}

function completionChunks(accepted: AcceptedCall, reply: ResolvedReply): SseEvent[] {
  const includeUsage = isRecord(accepted.body.stream_options) && accepted.body.stream_options.include_usage === true;
  const base = {
    id: `cmpl-${fakeIdSuffix(reply.sequence)}`,
    object: "text_completion",
    created: reply.createdSeconds,
  };
  const deltas = reply.textDeltas.length > 0 ? reply.textDeltas : [""];
  const events: SseEvent[] = deltas.map((text, index) => ({
    data: {
      ...base,
      choices: [
        {
          text,
          index: 0,
          logprobs: null,
          finish_reason: index === deltas.length - 1 ? (reply.finishReason ?? "stop") : null,
        },
      ],
      model: accepted.model,
      ...(includeUsage ? { usage: null } : {}),
    },
  }));
  if (includeUsage) {
    const { usage } = completionObject(accepted, reply);
    events.push({ data: { ...base, model: accepted.model, usage, choices: [] } });
  }
  events.push({ data: "[DONE]" });
  return events;
}

// Responses API

function responseUsage(reply: ResolvedReply) {
  return {
    input_tokens: reply.usage.input_tokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: reply.usage.output_tokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: reply.usage.input_tokens + reply.usage.output_tokens,
  };
}

function reasoningItem(reply: ResolvedReply, summary: { type: "summary_text"; text: string }[]) {
  return { id: `rs_${fakeIdSuffix(reply.sequence)}`, type: "reasoning", summary };
}

function outputText(text: string) {
  return { type: "output_text", annotations: [], logprobs: [], text };
}

function messageItem(reply: ResolvedReply, status: string, content: unknown[]) {
  return { id: `msg_${fakeIdSuffix(reply.sequence)}`, type: "message", status, content, role: "assistant" };
}

function functionCallItem(reply: ResolvedReply, call: ResolvedToolCall, index: number, status: string, args: string) {
  return {
    id: `fc_${fakeIdSuffix(reply.sequence, index)}`,
    type: "function_call",
    status,
    arguments: args,
    call_id: call.id,
    name: call.name,
  };
}

function outputItems(reply: ResolvedReply, toolCalls: ResolvedToolCall[]): unknown[] {
  const items: unknown[] = [];
  if (reply.thinking !== "") items.push(reasoningItem(reply, [{ type: "summary_text", text: reply.thinking }]));
  if (reply.text !== "") items.push(messageItem(reply, "completed", [outputText(reply.text)]));
  toolCalls.forEach((call, index) =>
    items.push(functionCallItem(reply, call, index, "completed", JSON.stringify(call.arguments))),
  );
  return items;
}

function responseObject(
  accepted: AcceptedCall,
  reply: ResolvedReply,
  toolCalls: ResolvedToolCall[],
  status: "in_progress" | "completed",
) {
  const body = accepted.body;
  const completed = status === "completed";
  const incomplete = completed && reply.finishReason !== undefined && reply.finishReason !== "stop";
  return {
    id: `resp_${fakeIdSuffix(reply.sequence)}`,
    object: "response",
    created_at: reply.createdSeconds,
    status: incomplete ? "incomplete" : status,
    background: false,
    completed_at: completed ? reply.createdSeconds : null,
    error: null,
    incomplete_details: incomplete ? { reason: reply.finishReason } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    max_tool_calls: null,
    model: accepted.model,
    output: completed ? outputItems(reply, toolCalls) : [],
    parallel_tool_calls: true,
    previous_response_id: body.previous_response_id ?? null,
    prompt_cache_key: null,
    prompt_cache_retention: null,
    reasoning: { effort: null, summary: null },
    safety_identifier: null,
    service_tier: completed ? "default" : "auto",
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: { format: { type: "text" }, verbosity: "medium" },
    tool_choice: body.tool_choice ?? "auto",
    tools: Array.isArray(body.tools) ? body.tools.map(normalizedTool) : [],
    top_logprobs: 0,
    top_p: body.top_p ?? 1,
    truncation: "disabled",
    usage: completed ? responseUsage(reply) : null,
    user: null,
    metadata: body.metadata ?? {},
  };
}

/** The live API echoes function tools with every field filled in. */
function normalizedTool(tool: unknown): unknown {
  if (!isRecord(tool) || tool.type !== "function") return tool;
  return {
    type: "function",
    description: tool.description ?? null,
    name: tool.name,
    parameters: tool.parameters ?? null,
    strict: tool.strict ?? true,
  };
}

function responsesEvents(accepted: AcceptedCall, reply: ResolvedReply, toolCalls: ResolvedToolCall[]): SseEvent[] {
  const payloads: Record<string, unknown>[] = [];
  const emit = (type: string, fields: Record<string, unknown>) => payloads.push({ type, ...fields });
  emit("response.created", { response: responseObject(accepted, reply, toolCalls, "in_progress") });
  emit("response.in_progress", { response: responseObject(accepted, reply, toolCalls, "in_progress") });
  let outputIndex = 0;
  if (reply.thinking !== "") {
    const item = reasoningItem(reply, []);
    const part = { output_index: outputIndex, item_id: item.id, summary_index: 0 };
    emit("response.output_item.added", { output_index: outputIndex, item });
    emit("response.reasoning_summary_part.added", { ...part, part: { type: "summary_text", text: "" } });
    for (const delta of reply.thinkingDeltas) emit("response.reasoning_summary_text.delta", { ...part, delta });
    emit("response.reasoning_summary_text.done", { ...part, text: reply.thinking });
    emit("response.reasoning_summary_part.done", { ...part, part: { type: "summary_text", text: reply.thinking } });
    emit("response.output_item.done", {
      output_index: outputIndex,
      item: reasoningItem(reply, [{ type: "summary_text", text: reply.thinking }]),
    });
    outputIndex++;
  }
  if (reply.text !== "") {
    const item = messageItem(reply, "in_progress", []);
    const part = { item_id: item.id, output_index: outputIndex, content_index: 0 };
    emit("response.output_item.added", { output_index: outputIndex, item });
    emit("response.content_part.added", { ...part, part: outputText("") });
    for (const delta of reply.textDeltas) emit("response.output_text.delta", { ...part, delta, logprobs: [] });
    emit("response.output_text.done", { ...part, text: reply.text, logprobs: [] });
    emit("response.content_part.done", { ...part, part: outputText(reply.text) });
    emit("response.output_item.done", {
      output_index: outputIndex,
      item: messageItem(reply, "completed", [outputText(reply.text)]),
    });
    outputIndex++;
  }
  toolCalls.forEach((call, index) => {
    const serialized = JSON.stringify(call.arguments);
    const added = functionCallItem(reply, call, index, "in_progress", "");
    emit("response.output_item.added", { output_index: outputIndex, item: added });
    for (const delta of argumentPieces(serialized)) {
      emit("response.function_call_arguments.delta", { item_id: added.id, output_index: outputIndex, delta });
    }
    emit("response.function_call_arguments.done", { item_id: added.id, output_index: outputIndex, arguments: serialized });
    emit("response.output_item.done", {
      output_index: outputIndex,
      item: functionCallItem(reply, call, index, "completed", serialized),
    });
    outputIndex++;
  });
  const final = responseObject(accepted, reply, toolCalls, "completed");
  emit(final.status === "incomplete" ? "response.incomplete" : "response.completed", { response: final });
  // The live API numbers every event and names it twice: in `event:` and in `type`.
  return payloads.map((payload, sequence) => ({
    event: String(payload.type),
    data: { type: payload.type, sequence_number: sequence, ...payload },
  }));
}

// ---------------------------------------------------------------- the fake

/** The OpenAI fake: Bearer key, `/v1/...` endpoints. */
export const openAiProvider: FakeProvider = {
  name: "openai",
  accept(call, expectedKey) {
    const endpoint = call.path.startsWith("/v1/") ? openAiEndpointFor(call.path.slice("/v1".length)) : undefined;
    const key = bearerToken(call.headers);
    if (key === undefined || key === "") {
      return openAiError(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
        "invalid_request_error",
        null,
        null,
        openAiHeaders(call.sequence),
      );
    }
    if (!keyAccepted(key, expectedKey)) {
      const shown = `${key.slice(0, 3)}*****${key.slice(-4)}`;
      return openAiError(
        401,
        `Incorrect API key provided: ${shown}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        "invalid_request_error",
        "invalid_api_key",
        null,
        openAiHeaders(call.sequence),
      );
    }
    if (endpoint === undefined || call.method !== "POST") {
      return openAiError(404, `Invalid URL (${call.method} ${call.path})`, "invalid_request_error");
    }
    return acceptOpenAiBody(call, endpoint);
  },
  errorResponse: (status) => openAiStatusError(status),
  respond: (accepted, reply, call) => renderOpenAi(accepted, reply, openAiHeaders(call.sequence)),
};
