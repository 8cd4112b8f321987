import type { Content } from "../../schemas/content.js";
import type { Usage } from "../../schemas/log-record.js";
import type { AssistantMessage } from "../../schemas/message.js";
import type { ToolCall } from "../../schemas/tools.js";
import type { StreamAccumulator } from "../codec.js";
import { assistantMessage, isRecord } from "../shared/content.js";
import { convertAnnotation, convertOpenaiResponsesUsage, convertOutputItem } from "./convert-from-openai-responses-output.js";
import { responsesStreamEventSchema, type ResponsesStreamEvent } from "./openai-responses-api-schemas.js";

type Json = Record<string, unknown>;

/** Items whose content streams in deltas; the others (built-in tool calls) are reported whole when done. */
const streamedItemTypes = new Set(["message", "reasoning", "function_call"]);

/**
 * Replays Responses API stream events. Each event's delta carries the new
 * text, reasoning summary, function-call arguments or finished built-in tool
 * call (PromptLayer's per-event Responses blueprint is empty, contract §8 B7).
 * `response()` is the response of `response.completed` (or `.failed`,
 * `.incomplete`), which carries everything; a stream cut before it gives the
 * response rebuilt from the items received. Items are kept by `output_index`:
 * some servers rotate item ids from one event to the next.
 */
export function createOpenaiResponsesStreamAccumulator(): StreamAccumulator {
  let started: Json | undefined;
  let finished: Json | undefined;
  let error: Json | undefined;
  const items: Json[] = [];

  /** The item an event is about; `items` may have holes when a server skips an index. */
  function itemOf(event: ResponsesStreamEvent): Json | undefined {
    if (typeof event.output_index === "number") return items[event.output_index];
    return items.find((item) => item?.id === event.item_id);
  }

  /** The content part (`content[i]`) or summary part (`summary[i]`) an event writes to, created if missing. */
  function partOf(item: Json, field: "content" | "summary", index: number, type: string): Json {
    const parts = Array.isArray(item[field]) ? (item[field] as unknown[]) : [];
    item[field] = parts;
    const part = parts[index];
    if (isRecord(part)) return part;
    const created: Json = type === "output_text" ? { type, text: "", annotations: [] } : { type, text: "" };
    parts[index] = created;
    return created;
  }

  function apply(event: ResponsesStreamEvent, content: Content[], toolCalls: ToolCall[]): void {
    const item = itemOf(event);
    const delta = event.delta ?? "";
    switch (event.type) {
      case "response.created":
      case "response.in_progress":
        if (event.response) started = event.response;
        return;
      case "response.completed":
      case "response.failed":
      case "response.incomplete":
        if (event.response) finished = event.response;
        return;
      case "error":
        error = { code: event.code ?? null, message: event.message ?? null };
        return;
      case "response.output_item.added": {
        if (!event.item) return;
        const added = structuredClone(event.item) as Json;
        if (typeof event.output_index === "number") items[event.output_index] = added;
        else items.push(added);
        if (added.type === "function_call") {
          toolCalls.push({ id: callId(added), type: "function", function: { name: string(added.name), arguments: string(added.arguments) } });
        }
        return;
      }
      case "response.output_item.done": {
        if (!event.item) return;
        const done = event.item as Json;
        if (typeof event.output_index === "number") items[event.output_index] = done;
        if (!streamedItemTypes.has(string(done.type))) content.push(...convertOutputItem(done).content);
        return;
      }
      case "response.content_part.added":
        if (item && event.part) partOf(item, "content", event.content_index ?? 0, string(event.part.type));
        return;
      case "response.output_text.delta":
      case "response.refusal.delta": {
        // An answer and a refusal stream alike: into their message part's own field, and out as text.
        const [type, field] = event.type === "response.refusal.delta" ? ["refusal", "refusal"] : ["output_text", "text"];
        if (item) {
          const part = partOf(item, "content", event.content_index ?? 0, type);
          part[field] = string(part[field]) + delta;
        }
        if (delta) content.push({ type: "text", text: delta });
        return;
      }
      case "response.output_text.done":
        if (item && typeof event.text === "string") partOf(item, "content", event.content_index ?? 0, "output_text").text = event.text;
        return;
      case "response.output_text.annotation.added":
        if (!event.annotation) return;
        if (item) {
          const part = partOf(item, "content", event.content_index ?? 0, "output_text");
          part.annotations = [...(Array.isArray(part.annotations) ? part.annotations : []), event.annotation];
        }
        content.push({ type: "text", text: "", annotations: [convertAnnotation(event.annotation)] });
        return;
      case "response.reasoning_summary_part.added":
        if (item && event.part) partOf(item, "summary", event.summary_index ?? 0, "summary_text");
        return;
      case "response.reasoning_summary_text.delta":
      case "response.reasoning_text.delta": {
        const field = event.type === "response.reasoning_text.delta" ? "content" : "summary";
        if (item) {
          const part = partOf(item, field, (field === "summary" ? event.summary_index : event.content_index) ?? 0, field === "summary" ? "summary_text" : "reasoning_text");
          part.text = string(part.text) + delta;
        }
        if (delta) content.push(item && typeof item.id === "string" ? { type: "thinking", thinking: delta, id: item.id } : { type: "thinking", thinking: delta });
        return;
      }
      case "response.reasoning_summary_text.done":
        if (item && typeof event.text === "string") partOf(item, "summary", event.summary_index ?? 0, "summary_text").text = event.text;
        return;
      case "response.function_call_arguments.delta":
        if (item) item.arguments = string(item.arguments) + delta;
        // Every fragment names its call (id and name); `arguments` holds only the new part.
        if (delta) toolCalls.push({ id: item ? callId(item) : string(event.item_id), type: "function", function: { name: string(item?.name), arguments: delta } });
        return;
      case "response.function_call_arguments.done":
        if (item && typeof event.arguments === "string") item.arguments = event.arguments;
        return;
      case "response.code_interpreter_call_code.delta":
        if (item) item.code = string(item.code) + delta;
        return;
      default:
        // Progress events (`*.in_progress`, `*.searching`, partial images…) change nothing the final items won't carry.
        return;
    }
  }

  function assembled(): Json {
    const output = items.filter((item): item is Json => item !== undefined);
    const response: Json = { ...(started ?? { object: "response" }), output };
    if (error) {
      response.status = "failed";
      response.error = error;
    } else if (response.status === "in_progress" || response.status === undefined) {
      // Cut before `response.completed`: what we have is all there is.
      response.status = "incomplete";
    }
    return response;
  }

  return {
    push(event: unknown): AssistantMessage {
      const parsed = responsesStreamEventSchema.safeParse(event);
      const content: Content[] = [];
      const toolCalls: ToolCall[] = [];
      if (parsed.success) apply(parsed.data, content, toolCalls);
      return assistantMessage(content, toolCalls);
    },

    response(): unknown {
      if (finished) {
        // Some servers send `response.completed` with an empty `output`; the streamed items are the answer then.
        const output = finished.output;
        const rebuilt = assembled().output as Json[];
        return Array.isArray(output) && output.length === 0 && rebuilt.length > 0 ? { ...finished, output: rebuilt } : finished;
      }
      if (!started && items.length === 0 && !error) return {};
      return assembled();
    },

    usage(): Usage | null {
      return convertOpenaiResponsesUsage((finished ?? started)?.usage);
    },
  };
}

function callId(item: Json): string {
  return typeof item.call_id === "string" ? item.call_id : string(item.id);
}

function string(value: unknown): string {
  return typeof value === "string" ? value : "";
}
