import type { Content } from "../../schemas/content.js";
import type { Usage } from "../../schemas/log-record.js";
import type { AssistantMessage } from "../../schemas/message.js";
import type { ToolCall } from "../../schemas/tools.js";
import type { StreamAccumulator } from "../codec.js";
import { assistantMessage, isRecord, textBlock, textLast } from "../shared/content.js";
import { parseFast } from "../shared/structural-check.js";
import { chatCompletionChunkSchema, type ChatCompletionChunk, type ChatContent, type ChatToolCall } from "./openai-chat-api-schemas.js";
import { isWellFormedChatChunk } from "./openai-chat-chunk-check.js";
import { convertOpenAIChatUsage } from "./openai-chat-usage.js";

/** One tool call as assembled from its fragments. */
export interface MergedToolCall {
  id: string;
  type: string;
  name: string;
  arguments: string;
}

/** Everything a Chat Completions stream said so far, provider-neutral. */
export interface MergedChatStream {
  id: string;
  model: string;
  created: number;
  systemFingerprint: string | null;
  serviceTier: string | null;
  text: string;
  reasoning: string;
  refusal: string;
  annotations: Record<string, unknown>[];
  toolCalls: MergedToolCall[];
  functionCall: { name: string; arguments: string } | null;
  finishReason: string | null;
  usage: unknown;
}

/**
 * Merges `chat.completion.chunk` events (OpenAI, Azure, the OpenAI-compatible
 * servers and Mistral, which streams the same shape) and gives each event's
 * delta as an assistant message.
 *
 * Tool calls are merged by `index`, so parallel calls and calls whose
 * fragments interleave are assembled correctly (PromptLayer's assembler reads
 * only the first call of each chunk). Mistral sends complete calls without an
 * `index`: a new `id` starts a call there, a fragment without one continues
 * the last.
 */
export class ChatCompletionChunkMerger {
  private readonly state: MergedChatStream = {
    id: "",
    model: "",
    created: 0,
    systemFingerprint: null,
    serviceTier: null,
    text: "",
    reasoning: "",
    refusal: "",
    annotations: [],
    toolCalls: [],
    functionCall: null,
    finishReason: null,
    usage: null,
  };
  private readonly positionByIndex = new Map<number, number>();

  push(event: unknown): AssistantMessage {
    // Per event on the stream's hot path: a well-formed chunk skips zod.
    const chunk = parseFast<ChatCompletionChunk>(event, isWellFormedChatChunk, chatCompletionChunkSchema);
    if (chunk === undefined) return assistantMessage([]);
    const state = this.state;
    // Azure's first chunk (prompt filter results) has an empty id and model.
    if (chunk.id) state.id = chunk.id;
    if (chunk.model) state.model = chunk.model;
    if (chunk.created) state.created = chunk.created;
    if (chunk.system_fingerprint) state.systemFingerprint = chunk.system_fingerprint;
    if (chunk.service_tier) state.serviceTier = chunk.service_tier;
    if (chunk.usage !== undefined && chunk.usage !== null) state.usage = chunk.usage;

    const choice = (chunk.choices ?? []).find((candidate) => (candidate.index ?? 0) === 0);
    if (!choice) return assistantMessage([]);
    if (choice.finish_reason) state.finishReason = choice.finish_reason;
    const delta = choice.delta;
    if (!delta) return assistantMessage([]);

    const blocks: Content[] = [];
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (reasoning) {
      state.reasoning += reasoning;
      blocks.push({ type: "thinking", thinking: reasoning });
    }
    blocks.push(...this.mergeContent(delta.content));
    if (delta.refusal) {
      state.refusal += delta.refusal;
      blocks.push(textBlock(delta.refusal));
    }
    if (delta.annotations && delta.annotations.length > 0) {
      state.annotations.push(...delta.annotations);
      blocks.push({ type: "text", text: "", annotations: delta.annotations });
    }
    const toolCalls = (delta.tool_calls ?? []).map((call) => this.mergeToolCall(call));
    if (delta.function_call) {
      const current = state.functionCall ?? { name: "", arguments: "" };
      if (delta.function_call.name && !current.name) current.name = delta.function_call.name;
      current.arguments += argumentsFragment(delta.function_call.arguments);
      state.functionCall = current;
    }
    return assistantMessage(textLast(blocks), toolCalls);
  }

  merged(): MergedChatStream {
    return { ...this.state, toolCalls: this.state.toolCalls.map((call) => ({ ...call })) };
  }

  usage(): Usage | null {
    return convertOpenAIChatUsage(this.state.usage);
  }

  private mergeContent(content: ChatContent): Content[] {
    if (typeof content === "string") {
      if (content === "") return [];
      this.state.text += content;
      return [textBlock(content)];
    }
    const blocks: Content[] = [];
    for (const chunk of content ?? []) {
      if (chunk.type === "text" && chunk.text) {
        this.state.text += chunk.text;
        blocks.push(textBlock(chunk.text));
      } else if (chunk.type === "thinking") {
        const thinking =
          typeof chunk.thinking === "string" ? chunk.thinking : (chunk.thinking ?? []).map((inner) => inner.text ?? "").join("");
        if (thinking === "") continue;
        this.state.reasoning += thinking;
        blocks.push({ type: "thinking", thinking });
      }
    }
    return blocks;
  }

  private mergeToolCall(call: ChatToolCall): ToolCall {
    const merged = this.toolCallFor(call);
    if (call.id && !merged.id) merged.id = call.id;
    if (call.type) merged.type = call.type;
    if (call.function?.name && !merged.name) merged.name = call.function.name;
    const fragment = argumentsFragment(call.function?.arguments);
    // An arguments object (Mistral) is the whole of them, not a fragment.
    if (isRecord(call.function?.arguments)) merged.arguments = fragment;
    else merged.arguments += fragment;
    return { id: merged.id, type: "function", function: { name: merged.name, arguments: fragment } };
  }

  private toolCallFor(call: ChatToolCall): MergedToolCall {
    const calls = this.state.toolCalls;
    let position: number | undefined;
    if (call.index !== null && call.index !== undefined) {
      position = this.positionByIndex.get(call.index);
      if (position === undefined) {
        position = calls.push(emptyToolCall()) - 1;
        this.positionByIndex.set(call.index, position);
      }
    } else if (call.id) {
      position = calls.findIndex((existing) => existing.id === call.id);
      if (position === -1) position = calls.push(emptyToolCall()) - 1;
    } else {
      position = calls.length > 0 ? calls.length - 1 : calls.push(emptyToolCall()) - 1;
    }
    return calls[position] as MergedToolCall;
  }
}

function emptyToolCall(): MergedToolCall {
  return { id: "", type: "function", name: "", arguments: "" };
}

function argumentsFragment(value: string | Record<string, unknown> | null | undefined): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * The merged stream in the shape of a non-streaming `chat.completion`, as
 * PromptLayer's `openaiStreamChat` assembles it (with every tool call kept).
 */
export function mergedToOpenAIChatCompletion(merged: MergedChatStream): Record<string, unknown> {
  const hasCalls = merged.toolCalls.length > 0 || merged.functionCall !== null;
  const message: Record<string, unknown> = {
    role: "assistant",
    content: merged.text === "" && hasCalls ? null : merged.text,
    refusal: merged.refusal === "" ? null : merged.refusal,
  };
  if (merged.reasoning !== "") message.reasoning_content = merged.reasoning;
  if (merged.annotations.length > 0) message.annotations = merged.annotations;
  if (merged.toolCalls.length > 0) {
    message.tool_calls = merged.toolCalls.map((call) => ({
      id: call.id,
      type: call.type,
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  if (merged.functionCall) message.function_call = merged.functionCall;

  const response: Record<string, unknown> = {
    id: merged.id,
    object: "chat.completion",
    created: merged.created,
    model: merged.model,
    system_fingerprint: merged.systemFingerprint,
    choices: [{ index: 0, message, logprobs: null, finish_reason: merged.finishReason }],
    usage: merged.usage,
  };
  if (merged.serviceTier) response.service_tier = merged.serviceTier;
  return response;
}

export function createOpenAIChatStreamAccumulator(): StreamAccumulator {
  const merger = new ChatCompletionChunkMerger();
  return {
    push: (event) => merger.push(event),
    response: () => mergedToOpenAIChatCompletion(merger.merged()),
    usage: () => merger.usage(),
  };
}
