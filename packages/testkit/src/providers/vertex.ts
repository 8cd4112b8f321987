/**
 * Fake of Vertex AI: the OAuth2 token endpoint of a service account (`POST /token`, an RS256 JWT
 * grant, RFC 7523, verified against the fake's key) and the models under
 * `/v1/projects/{project}/locations/{location}/publishers/…` (and `/v1beta1/…`, @google/genai's default): Gemini's `:generateContent` and
 * `:streamGenerateContent` (the Gemini fake's bodies), Claude's `:rawPredict` and
 * `:streamRawPredict` (Anthropic's Messages body with `anthropic_version: "vertex-2023-10-16"` and
 * no `model`, answered as the Anthropic fake answers). Model calls need a token it issued.
 */
import { createPublicKey, verify } from "node:crypto";
import type { AcceptedCall, FakeCall, JsonResponse } from "../internal/fake-call.js";
import { fakeIdSuffix, withToolCallIds } from "../internal/fake-call.js";
import { sseStream } from "../internal/sse.js";
import { anthropicStructuredOutput } from "../internal/structured-output.js";
import { vertexTestPublicKey } from "../internal/vertex-test-key.js";
import { anthropicMessage, anthropicStreamEvents } from "./anthropic.js";
import { googleProvider } from "./google.js";
import type { FakeProvider } from "./provider.js";
import { bearerToken, isRecord, json, systemAndMessagesText } from "./provider.js";

/** Every access token the fake issues starts with this. */
export const VERTEX_FAKE_TOKEN_PREFIX = "ya29.fake-vertex-";

const publicKey = createPublicKey(vertexTestPublicKey);

function googleError(status: number, message: string, reason: string): JsonResponse {
  return json(status, { error: { code: status, message, status: reason } });
}

const STATUS: Record<number, string> = { 400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE" };

function statusError(status: number): JsonResponse {
  if (status === 401) return googleError(401, "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.", "UNAUTHENTICATED");
  return googleError(status, `Request failed with status ${status}.`, STATUS[status] ?? (status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION"));
}

function base64urlJson(part: string | undefined): unknown {
  try {
    return JSON.parse(Buffer.from(part ?? "", "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}

/** The token endpoint: a JWT-bearer grant signed by the fake service account's key. */
function issueToken(call: FakeCall): JsonResponse {
  const form = new URLSearchParams(call.rawBody);
  if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer") return json(400, { error: "unsupported_grant_type", error_description: "Invalid grant_type" });
  const [header, payload, signature] = (form.get("assertion") ?? "").split(".");
  const claims = base64urlJson(payload);
  const valid =
    header !== undefined &&
    signature !== undefined &&
    (base64urlJson(header) as { alg?: string } | undefined)?.alg === "RS256" &&
    verify("sha256", Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, "base64url"));
  if (!valid || !isRecord(claims)) return json(400, { error: "invalid_grant", error_description: "Invalid JWT Signature." });
  if (typeof claims.iss !== "string" || typeof claims.aud !== "string" || !String(claims.scope ?? "").includes("cloud-platform")) {
    return json(400, { error: "invalid_scope", error_description: "Invalid OAuth scope or ID token audience provided." });
  }
  return json(200, { access_token: `${VERTEX_FAKE_TOKEN_PREFIX}${fakeIdSuffix(call.sequence)}`, expires_in: 3599, token_type: "Bearer" });
}

function accept(call: FakeCall): AcceptedCall | JsonResponse {
  if (call.path === "/token" && call.method === "POST") return issueToken(call);
  const token = bearerToken(call.headers);
  if (token === undefined || !token.startsWith(VERTEX_FAKE_TOKEN_PREFIX)) return statusError(401);
  const route = /^\/(?:v1|v1beta1)\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/(google|anthropic)\/models\/([^/:]+):(generateContent|streamGenerateContent|rawPredict|streamRawPredict)$/u.exec(
    decodeURIComponent(call.path),
  );
  if (route === null || call.method !== "POST") return googleError(404, `Method not found: ${call.method} ${call.path}`, "NOT_FOUND");
  const [, , , publisher, model = "", method = ""] = route;
  if (publisher === "google") {
    if (method !== "generateContent" && method !== "streamGenerateContent") return googleError(404, `Method not found: ${call.path}`, "NOT_FOUND");
    // The Gemini API's validation and bodies, under Vertex's path and auth.
    return googleProvider.accept({ ...call, path: `/v1/models/${model}:${method}`, headers: { ...call.headers, "x-goog-api-key": "vertex" } }, undefined);
  }
  if (method !== "rawPredict" && method !== "streamRawPredict") return googleError(404, `Method not found: ${call.path}`, "NOT_FOUND");
  const body = call.json;
  if (!isRecord(body)) return googleError(400, "Invalid JSON payload received.", "INVALID_ARGUMENT");
  const invalid = (message: string) => json(400, { type: "error", error: { type: "invalid_request_error", message } });
  if (body.anthropic_version !== "vertex-2023-10-16") return invalid("anthropic_version: Input should be 'vertex-2023-10-16'");
  if ("model" in body) return invalid("model: Extra inputs are not permitted");
  if (typeof body.max_tokens !== "number") return invalid("max_tokens: Field required");
  if (!Array.isArray(body.messages) || body.messages.length === 0) return invalid("messages: Field required");
  if ((method === "streamRawPredict") !== (body.stream === true)) return invalid("stream: streamRawPredict needs stream: true, rawPredict takes none");
  return {
    kind: "accepted",
    endpoint: `anthropic:${method}`,
    model,
    stream: method === "streamRawPredict",
    body,
    ...systemAndMessagesText(body.system, body.messages.filter(isRecord)),
    structuredOutput: anthropicStructuredOutput(body),
  };
}

/** The Vertex AI fake. */
export const vertexProvider: FakeProvider = {
  name: "vertex",
  accept: (call) => accept(call),
  errorResponse: (status) => statusError(status),
  respond(accepted, reply, call) {
    if (!accepted.endpoint.startsWith("anthropic:")) return googleProvider.respond(accepted, reply, call);
    const toolCalls = withToolCallIds(reply.toolCalls, (index) => `toolu_vrtx_${fakeIdSuffix(reply.sequence, index)}`);
    return accepted.stream
      ? sseStream(anthropicStreamEvents(accepted, reply, toolCalls))
      : json(200, anthropicMessage(accepted, reply, toolCalls));
  },
};
