/**
 * Fake of Azure OpenAI: deployment paths (`/openai/deployments/{deployment}/chat/completions`),
 * `/openai/responses` and the newer `/openai/v1/...` paths, with the `api-version` query and the
 * `api-key` header (or an Entra `Authorization: Bearer` token). Bodies are OpenAI's, plus Azure's
 * content filter results; Azure's own errors are `{ error: { code: "<status>", message } }`.
 */
import { fakeIdSuffix } from "../internal/fake-call.js";
import type { FakeCall, JsonResponse } from "../internal/fake-call.js";
import type { OpenAiExtras } from "./openai.js";
import { acceptOpenAiBody, openAiEndpointFor, renderOpenAi } from "./openai.js";
import type { FakeProvider } from "./provider.js";
import { bearerToken, isRecord, json, keyAccepted } from "./provider.js";

const AZURE_MESSAGES: Record<number, string> = {
  401: "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.",
  404: "Resource not found",
  429: "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 1 second. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.",
  500: "The server had an error while processing your request. Sorry about that!",
  503: "The service is temporarily unable to process your request. Please try again later.",
};

/** Azure's own error body: the status as a string `code` and a `message`. */
function azureError(status: number, message?: string): JsonResponse {
  return json(
    status,
    { error: { code: String(status), message: message ?? AZURE_MESSAGES[status] ?? `Request failed with status ${status}.` } },
    azureHeaders(0),
  );
}

function azureHeaders(sequence: number): Record<string, string> {
  return { "apim-request-id": `apim-${fakeIdSuffix(sequence)}`, "x-request-id": `req_${fakeIdSuffix(sequence)}`, "x-ms-region": "East US" };
}

const SAFE = { filtered: false, severity: "safe" };

/** The content filter results Azure attaches to prompts and completions. */
const AZURE_EXTRAS: OpenAiExtras = {
  promptFilterResults: [
    {
      prompt_index: 0,
      content_filter_results: {
        hate: SAFE,
        jailbreak: { filtered: false, detected: false },
        self_harm: SAFE,
        sexual: SAFE,
        violence: SAFE,
      },
    },
  ],
  contentFilterResults: { hate: SAFE, self_harm: SAFE, sexual: SAFE, violence: SAFE },
};

/** Which endpoint a path below `/azure` targets, the deployment it names, and whether it needs `api-version`. */
function route(path: string): { endpoint: ReturnType<typeof openAiEndpointFor>; deployment?: string; needsVersion: boolean } {
  const deployment = /^\/openai\/deployments\/([^/]+)(\/.*)$/u.exec(path);
  if (deployment?.[1] !== undefined && deployment[2] !== undefined) {
    return { endpoint: openAiEndpointFor(deployment[2]), deployment: decodeURIComponent(deployment[1]), needsVersion: true };
  }
  if (path.startsWith("/openai/v1/")) return { endpoint: openAiEndpointFor(path.slice("/openai/v1".length)), needsVersion: false };
  if (path.startsWith("/openai/")) return { endpoint: openAiEndpointFor(path.slice("/openai".length)), needsVersion: true };
  return { endpoint: undefined, needsVersion: false };
}

/** The Azure OpenAI fake. */
export const azureProvider: FakeProvider = {
  name: "azure",
  accept(call: FakeCall, expectedKey) {
    const key = call.headers["api-key"] ?? bearerToken(call.headers);
    if (!keyAccepted(key, expectedKey)) return azureError(401);
    const target = route(call.path);
    if (target.endpoint === undefined || call.method !== "POST") return azureError(404);
    if (target.needsVersion && !call.query["api-version"]) return azureError(404);
    // On a deployment path the deployment names the model; `model` in the body is optional.
    const body = call.json;
    const withModel =
      target.deployment !== undefined && isRecord(body) && (typeof body.model !== "string" || body.model === "")
        ? { ...call, json: { ...body, model: target.deployment } }
        : call;
    return acceptOpenAiBody(withModel, target.endpoint);
  },
  errorResponse: (status) => azureError(status),
  respond: (accepted, reply, call) =>
    renderOpenAi(accepted, reply, azureHeaders(call.sequence), accepted.endpoint === "chat" ? AZURE_EXTRAS : {}),
};
