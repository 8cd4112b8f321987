/**
 * Fake of the Google Gemini API (Generative Language, as the `@google/genai` SDK calls it):
 * `POST /v1beta/models/{model}:generateContent` and `:streamGenerateContent` (`?alt=sse` for
 * server-sent events, else a streamed JSON array). The key comes in `x-goog-api-key` or the `key`
 * query parameter; errors are `{ error: { code, message, status } }`.
 */
import { geminiStructuredOutput } from "../internal/structured-output.js";
import type { AcceptedCall, FakeCall, JsonResponse, ResolvedReply, StreamResponse } from "../internal/fake-call.js";
import { fakeIdSuffix } from "../internal/fake-call.js";
import { sseStream } from "../internal/sse.js";
import type { FakeProvider } from "./provider.js";
import { contentText, isRecord, json, keyAccepted } from "./provider.js";

const STATUS_NAMES: Record<number, { status: string; message: string }> = {
  400: { status: "INVALID_ARGUMENT", message: "Request contains an invalid argument." },
  401: { status: "UNAUTHENTICATED", message: "Request had invalid authentication credentials." },
  403: { status: "PERMISSION_DENIED", message: "The caller does not have permission" },
  404: { status: "NOT_FOUND", message: "Requested entity was not found." },
  429: { status: "RESOURCE_EXHAUSTED", message: "You exceeded your current quota, please check your plan and billing details." },
  500: { status: "INTERNAL", message: "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting" },
  503: { status: "UNAVAILABLE", message: "The model is overloaded. Please try again later." },
  504: { status: "DEADLINE_EXCEEDED", message: "The request timed out. Please try again." },
};

/** Google's error body. */
function googleError(code: number, message: string, status: string, details?: unknown[]): JsonResponse {
  return json(code, { error: { code, message, status, ...(details ? { details } : {}) } }, { "content-type": "application/json; charset=UTF-8" });
}

function statusError(code: number, retryAfterSeconds?: number): JsonResponse {
  const known = STATUS_NAMES[code] ?? { status: code >= 500 ? "INTERNAL" : "FAILED_PRECONDITION", message: `Request failed with status ${code}.` };
  const details =
    code === 429
      ? [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${retryAfterSeconds ?? 1}s` }]
      : undefined;
  return googleError(code, known.message, known.status, details);
}

function accept(call: FakeCall, expectedKey: string | undefined): AcceptedCall | JsonResponse {
  const key = call.headers["x-goog-api-key"] ?? call.query.key;
  if (key === undefined || key === "") {
    return googleError(
      403,
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      "PERMISSION_DENIED",
    );
  }
  if (!keyAccepted(key, expectedKey)) {
    return googleError(400, "API key not valid. Please pass a valid API key.", "INVALID_ARGUMENT", [
      {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        reason: "API_KEY_INVALID",
        domain: "googleapis.com",
        metadata: { service: "generativelanguage.googleapis.com" },
      },
    ]);
  }
  const route = /^\/(v1|v1beta|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/u.exec(
    decodeURIComponent(call.path),
  );
  if (route?.[2] === undefined || call.method !== "POST") {
    return googleError(404, `Method not found: ${call.method} ${call.path}`, "NOT_FOUND");
  }
  const body = call.json;
  if (!isRecord(body)) return googleError(400, "Invalid JSON payload received.", "INVALID_ARGUMENT");
  if (!Array.isArray(body.contents) || body.contents.length === 0) {
    return googleError(400, "* GenerateContentRequest.contents: contents is not specified\n", "INVALID_ARGUMENT");
  }
  const contents = body.contents.filter(isRecord);
  const partsText = (content: Record<string, unknown>) => contentText(content.parts);
  const lastUser = contents.filter((content) => content.role === undefined || content.role === "user").at(-1);
  const system = isRecord(body.systemInstruction) ? partsText(body.systemInstruction) : "";
  return {
    kind: "accepted",
    endpoint: route[3] === "streamGenerateContent" ? "stream" : "generate",
    model: route[2],
    stream: route[3] === "streamGenerateContent",
    body,
    lastUserText: lastUser === undefined ? "" : partsText(lastUser),
    promptText: [system, ...contents.map(partsText)].join("\n"),
    structuredOutput: geminiStructuredOutput(body),
  };
}

function usageMetadata(reply: ResolvedReply) {
  return {
    promptTokenCount: reply.usage.input_tokens,
    candidatesTokenCount: reply.usage.output_tokens,
    totalTokenCount: reply.usage.input_tokens + reply.usage.output_tokens,
    promptTokensDetails: [{ modality: "TEXT", tokenCount: reply.usage.input_tokens }],
  };
}

function functionCallParts(reply: ResolvedReply) {
  return reply.toolCalls.map((call) => ({
    functionCall: { ...(call.id !== undefined ? { id: call.id } : {}), name: call.name, args: call.arguments },
  }));
}

/** One GenerateContentResponse holding `parts`; the last one of a reply carries the finish reason. */
function generateContentResponse(accepted: AcceptedCall, reply: ResolvedReply, parts: unknown[], last: boolean) {
  return {
    candidates: [
      {
        content: { parts, role: "model" },
        ...(last ? { finishReason: reply.finishReason ?? "STOP" } : {}),
        index: 0,
      },
    ],
    usageMetadata: usageMetadata(reply),
    modelVersion: accepted.model,
    responseId: `resp${fakeIdSuffix(reply.sequence)}`,
  };
}

function streamedResponses(accepted: AcceptedCall, reply: ResolvedReply) {
  const partsPerChunk: unknown[][] = [
    ...reply.thinkingDeltas.map((text) => [{ text, thought: true }]),
    ...reply.textDeltas.map((text) => [{ text }]),
  ];
  const calls = functionCallParts(reply);
  if (calls.length > 0) partsPerChunk.push(calls);
  if (partsPerChunk.length === 0) partsPerChunk.push([{ text: "" }]);
  return partsPerChunk.map((parts, index) => generateContentResponse(accepted, reply, parts, index === partsPerChunk.length - 1));
}

/** Without `alt=sse`, Gemini streams one JSON array, an element at a time. */
function jsonArrayStream(items: unknown[]): StreamResponse {
  const encoder = new TextEncoder();
  const frames = items.map((item, index) =>
    encoder.encode(`${index === 0 ? "[" : ",\r\n"}${JSON.stringify(item)}${index === items.length - 1 ? "]" : ""}`),
  );
  return {
    kind: "stream",
    headers: { "content-type": "application/json; charset=UTF-8" },
    frames,
    corrupt: (frame) => frame.subarray(0, Math.ceil(frame.length / 2)),
  };
}

/** The Gemini fake. */
export const googleProvider: FakeProvider = {
  name: "google",
  accept,
  errorResponse: (status, retryAfterSeconds) => statusError(status, retryAfterSeconds),
  respond(accepted, reply, call) {
    if (accepted.stream) {
      const responses = streamedResponses(accepted, reply);
      // The live API separates its events with CRLF pairs.
      return call.query.alt === "sse"
        ? sseStream(responses.map((data) => ({ data })), { separator: "\r\n\r\n", contentType: "text/event-stream" })
        : jsonArrayStream(responses);
    }
    const parts: unknown[] = [];
    if (reply.thinking !== "") parts.push({ text: reply.thinking, thought: true });
    if (reply.text !== "") parts.push({ text: reply.text });
    parts.push(...functionCallParts(reply));
    return json(200, generateContentResponse(accepted, reply, parts, true), {
      "content-type": "application/json; charset=UTF-8",
    });
  },
};
