import type { Content } from "../../schemas/content.js";
import type { Usage } from "../../schemas/log-record.js";
import type { AssistantMessage } from "../../schemas/message.js";
import type { ToolCall } from "../../schemas/tools.js";
import type { StreamAccumulator } from "../codec.js";
import { assistantMessage, isRecord } from "../shared/content.js";
import { convertGoogleParts, convertGoogleUsage, googleToolCall } from "./convert-from-google-response.js";
import { googleResponseSchema, type GooglePart, type GooglePartialArg } from "./google-api-schemas.js";

/** A function call whose arguments arrive piece by piece (`partialArgs`, Vertex `streamFunctionCallArguments`). */
interface OpenFunctionCall {
  index: number;
  id: string | null | undefined;
  name: string;
  args: Record<string, unknown>;
  thoughtSignature: string | null | undefined;
}

/** Candidate fields copied from the last chunk that has them. */
const candidateMetadataFields = ["finishReason", "finishMessage", "safetyRatings", "groundingMetadata", "urlContextMetadata", "citationMetadata"];

/**
 * Gemini streams partial `GenerateContentResponse`s (SSE `data:` payloads).
 * Each chunk's delta is its new text, thoughts, function calls and media (a
 * streamed call shows first with empty arguments, then with all of them when
 * it ends: fragments share the call's id and name); the
 * assembled response has one candidate whose parts merge consecutive text
 * (and thought) fragments, holds the function calls with their arguments put
 * together, and carries the last chunk's usage, ids and finish reason (as
 * PromptLayer's `googleStreamResponse`, contract §6.3, but keeping the order
 * of the parts).
 */
export function createGoogleStreamAccumulator(): StreamAccumulator {
  const parts: Record<string, unknown>[] = [];
  const candidateMetadata: Record<string, unknown> = {};
  let envelope: Record<string, unknown> = {};
  let usageMetadata: unknown;
  let callCount = 0;
  let open: OpenFunctionCall | null = null;
  let received = false;

  /** Ends the call being streamed: its part joins the response, its arguments the delta. */
  function closeOpenCall(toolCalls: ToolCall[]): void {
    if (!open) return;
    const functionCall: Record<string, unknown> = { name: open.name, args: open.args };
    if (open.id) functionCall.id = open.id;
    parts.push(open.thoughtSignature ? { functionCall, thoughtSignature: open.thoughtSignature } : { functionCall });
    toolCalls.push({ id: open.id || `call_${open.index}`, type: "function", function: { name: open.name, arguments: JSON.stringify(open.args) } });
    open = null;
  }

  /** Appends text to the last part when it is text of the same kind (thought or not). */
  function appendText(part: GooglePart): void {
    const last = parts.at(-1);
    const thought = part.thought === true;
    if (last && typeof last.text === "string" && (last.thought === true) === thought) {
      last.text += part.text ?? "";
      if (part.thoughtSignature) last.thoughtSignature = part.thoughtSignature;
      return;
    }
    if (!part.text && !part.thoughtSignature) return;
    const text: Record<string, unknown> = { text: part.text ?? "" };
    if (thought) text.thought = true;
    if (part.thoughtSignature) text.thoughtSignature = part.thoughtSignature;
    parts.push(text);
  }

  function pushFunctionCall(part: GooglePart, toolCalls: ToolCall[]): void {
    const call = part.functionCall ?? {};
    if (call.name) {
      closeOpenCall(toolCalls);
      const index = callCount++;
      if (call.willContinue && !call.args) {
        open = { index, id: call.id, name: call.name, args: {}, thoughtSignature: part.thoughtSignature };
        const started: ToolCall = { id: call.id || `call_${index}`, type: "function", function: { name: call.name, arguments: "" } };
        if (part.thoughtSignature) started.provider_metadata = { thought_signature: part.thoughtSignature };
        toolCalls.push(started);
        return;
      }
      parts.push(stripUndefined({ functionCall: { id: call.id ?? undefined, name: call.name, args: call.args ?? {} }, thoughtSignature: part.thoughtSignature ?? undefined }));
      toolCalls.push(googleToolCall(part, index));
      return;
    }
    if (!open) return;
    for (const argument of call.partialArgs ?? []) applyPartialArg(open.args, argument);
    // `{functionCall: {}}` ends a streamed call; so does a fragment that no longer says it will continue.
    if (!call.willContinue) closeOpenCall(toolCalls);
  }

  return {
    push(event: unknown): AssistantMessage {
      const parsed = googleResponseSchema.safeParse(event);
      if (!parsed.success || !isRecord(event)) return assistantMessage([]);
      received = true;
      const { candidates, usageMetadata: usage, ...rest } = event;
      envelope = { ...envelope, ...rest };
      if (usage !== undefined) usageMetadata = usage;

      const content: Content[] = [];
      const toolCalls: ToolCall[] = [];
      const candidate = parsed.data.candidates?.[0];
      for (const part of candidate?.content?.parts ?? []) {
        if (part.functionCall) {
          pushFunctionCall(part, toolCalls);
          continue;
        }
        closeOpenCall(toolCalls);
        if (typeof part.text === "string") appendText(part);
        else parts.push(stripUndefined({ ...part }));
        content.push(...convertGoogleParts([part]).content);
      }
      const rawCandidate: unknown = Array.isArray(candidates) ? candidates[0] : undefined;
      if (isRecord(rawCandidate)) {
        for (const field of candidateMetadataFields) if (rawCandidate[field] != null) candidateMetadata[field] = rawCandidate[field];
      }
      if (candidate?.finishReason) closeOpenCall(toolCalls);
      return assistantMessage(content, toolCalls);
    },

    response(): unknown {
      if (!received) return {};
      closeOpenCall([]);
      const candidate = { content: { role: "model", parts: parts.map((part) => ({ ...part })) }, index: 0, ...candidateMetadata };
      const response: Record<string, unknown> = { candidates: [candidate], ...envelope };
      if (usageMetadata !== undefined) response.usageMetadata = usageMetadata;
      return response;
    },

    usage(): Usage | null {
      return convertGoogleUsage(usageMetadata);
    },
  };
}

/**
 * Sets one streamed argument: `$.recipe.steps[1]` with a string fragment
 * appends to the string there; numbers, booleans and nulls are set whole.
 */
export function applyPartialArg(args: Record<string, unknown>, argument: GooglePartialArg): void {
  const path = parseJsonPath(argument.jsonPath ?? "");
  if (path.length === 0) return;
  let container: Record<string, unknown> | unknown[] = args;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string | number;
    const nextIsIndex = typeof path[i + 1] === "number";
    let child = (container as Record<string | number, unknown>)[key];
    if (typeof child !== "object" || child === null) {
      child = nextIsIndex ? [] : {};
      (container as Record<string | number, unknown>)[key] = child;
    }
    container = child as Record<string, unknown> | unknown[];
  }
  const last = path.at(-1) as string | number;
  const target = container as Record<string | number, unknown>;
  if (typeof argument.stringValue === "string") {
    const existing = target[last];
    target[last] = typeof existing === "string" ? existing + argument.stringValue : argument.stringValue;
  } else if (typeof argument.numberValue === "number") target[last] = argument.numberValue;
  else if (typeof argument.boolValue === "boolean") target[last] = argument.boolValue;
  else if ("nullValue" in argument) target[last] = null;
}

/** `$.a.b[0].c` → `["a", "b", 0, "c"]`. */
function parseJsonPath(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  const pattern = /\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]/g;
  for (const match of path.replace(/^\$/, "").matchAll(pattern)) {
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else if (match[3] !== undefined) segments.push(match[3]);
  }
  return segments;
}

function stripUndefined<T extends Record<string, unknown>>(object: T): T {
  for (const key of Object.keys(object)) {
    const value = object[key];
    if (value === undefined) delete object[key];
    else if (isRecord(value)) stripUndefined(value);
  }
  return object;
}
