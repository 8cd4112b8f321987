import type { PassThroughContent } from "../../schemas/content.js";
import type { Usage } from "../../schemas/log-record.js";
import type { AssistantMessage } from "../../schemas/message.js";
import type { StreamAccumulator } from "../codec.js";
import { assistantMessage, parseArguments, textBlock } from "../shared/content.js";
import { anthropicStreamEventSchema, type AnthropicStreamEvent } from "./anthropic-api-schemas.js";
import { convertAnthropicUsage } from "./anthropic-usage.js";
import { citationToAnnotation } from "./convert-from-anthropic-messages.js";
import { anthropicPassThroughTypes } from "./convert-to-anthropic-messages.js";

/** A content block being assembled: the block as it started, plus its tool input JSON so far. */
interface OpenBlock {
  block: Record<string, unknown>;
  json: string;
}

const empty = (): AssistantMessage => assistantMessage([]);

/**
 * Assembles a Messages API stream into the Message the non-streaming call
 * returns (PromptLayer's `anthropicStreamMessage`), and gives each event's
 * delta as an assistant message.
 *
 * Odd streams seen in the wild: a `message_start` repeated for the same
 * message is ignored; a `message_start` of another message before the first
 * one stopped means two responses were spliced together, and everything after
 * it is ignored, so the result stays the (incomplete) first message rather
 * than a mix of two. `ping` and `error` events add nothing (errors are the
 * transport's to raise).
 */
export class AnthropicStreamAccumulator implements StreamAccumulator {
  private message: Record<string, unknown> | null = null;
  private readonly blocks = new Map<number, OpenBlock>();
  private stopped = false;
  private spliced = false;
  /** Legacy Text Completions streams: the completion so far and the last event's other fields. */
  private completion: Record<string, unknown> | null = null;

  push(event: unknown): AssistantMessage {
    const parsed = anthropicStreamEventSchema.safeParse(event);
    if (!parsed.success || this.spliced) return empty();
    const data = parsed.data;
    switch (data.type) {
      case "message_start":
        this.start(data);
        return empty();
      case "content_block_start":
        return this.startBlock(data);
      case "content_block_delta":
        return this.applyDelta(data);
      case "content_block_stop":
        return this.stopBlock(data);
      case "message_delta":
        this.applyMessageDelta(data);
        return empty();
      case "message_stop":
        this.stopped = true;
        return empty();
      case "completion":
        return this.applyCompletion(data);
      default:
        return empty();
    }
  }

  response(): unknown {
    if (this.completion && !this.message) return { ...this.completion };
    const message = this.message ?? { type: "message", role: "assistant", content: [], stop_reason: null, stop_sequence: null, usage: null };
    const indexes = [...this.blocks.keys()].sort((a, b) => a - b);
    return { ...message, content: indexes.map((index) => finishBlock(this.blocks.get(index) as OpenBlock)) };
  }

  usage(): Usage | null {
    return convertAnthropicUsage(this.message?.usage);
  }

  private start(data: AnthropicStreamEvent): void {
    const incoming = data.message;
    if (!incoming) return;
    if (this.message === null) {
      this.message = { ...incoming, content: [] };
      return;
    }
    if (incoming.id !== this.message.id || this.stopped) this.spliced = true;
  }

  private startBlock(data: AnthropicStreamEvent): AssistantMessage {
    const block = data.content_block;
    if (!block || data.index == null) return empty();
    this.blocks.set(data.index, { block: { ...block }, json: "" });
    switch (block.type) {
      case "text":
        return block.text ? assistantMessage([textBlock(block.text)]) : empty();
      case "thinking":
        return block.thinking ? assistantMessage([{ type: "thinking", thinking: block.thinking }]) : empty();
      case "tool_use": {
        const input = block.input;
        const started = typeof input === "object" && input !== null && Object.keys(input).length > 0 ? JSON.stringify(input) : "";
        return assistantMessage([], [{ id: block.id ?? "", type: "function", function: { name: block.name ?? "", arguments: started } }]);
      }
      default:
        return empty();
    }
  }

  private applyDelta(data: AnthropicStreamEvent): AssistantMessage {
    const delta = data.delta;
    if (!delta || data.index == null) return empty();
    const open = this.openBlock(data.index, delta.type === "thinking_delta" || delta.type === "signature_delta" ? "thinking" : "text");
    const block = open.block;
    switch (delta.type) {
      case "text_delta": {
        const text = delta.text ?? "";
        block.text = String(block.text ?? "") + text;
        return text ? assistantMessage([textBlock(text)]) : empty();
      }
      case "thinking_delta": {
        const thinking = delta.thinking ?? "";
        block.thinking = String(block.thinking ?? "") + thinking;
        return thinking ? assistantMessage([{ type: "thinking", thinking }]) : empty();
      }
      case "signature_delta":
        block.signature = delta.signature ?? "";
        return assistantMessage([{ type: "thinking", thinking: "", signature: delta.signature ?? "" }]);
      case "input_json_delta": {
        const fragment = delta.partial_json ?? "";
        open.json += fragment;
        if (block.type !== "tool_use" || fragment === "") return empty();
        return assistantMessage([], [{ id: String(block.id ?? ""), type: "function", function: { name: String(block.name ?? ""), arguments: fragment } }]);
      }
      case "citations_delta": {
        if (!delta.citation) return empty();
        block.citations = [...(Array.isArray(block.citations) ? block.citations : []), delta.citation];
        const annotation = citationToAnnotation(delta.citation, String(block.text ?? "").length);
        return assistantMessage([{ type: "text", text: "", annotations: [annotation] }]);
      }
      default:
        return empty();
    }
  }

  /** Server tool calls and results are emitted whole, once complete. */
  private stopBlock(data: AnthropicStreamEvent): AssistantMessage {
    const open = data.index == null ? undefined : this.blocks.get(data.index);
    if (!open || typeof open.block.type !== "string" || !anthropicPassThroughTypes.includes(open.block.type)) return empty();
    return assistantMessage([finishBlock(open) as PassThroughContent]);
  }

  /** Top-level fields (`stop_reason`, `stop_details`, `container`…) and usage, which is cumulative: later counts replace earlier ones. */
  private applyMessageDelta(data: AnthropicStreamEvent): void {
    if (!this.message) return;
    for (const [key, value] of Object.entries(data.delta ?? {})) if (value !== undefined) this.message[key] = value;
    for (const [key, value] of Object.entries(data)) {
      if (!["type", "delta", "usage", "index"].includes(key) && value !== undefined) this.message[key] = value;
    }
    if (data.usage) {
      const usage: Record<string, unknown> = { ...(typeof this.message.usage === "object" && this.message.usage !== null ? this.message.usage : {}) };
      for (const [key, value] of Object.entries(data.usage)) if (value !== null && value !== undefined) usage[key] = value;
      this.message.usage = usage;
    }
  }

  private applyCompletion(data: AnthropicStreamEvent): AssistantMessage {
    const text = data.completion ?? "";
    const previous = typeof this.completion?.completion === "string" ? this.completion.completion : "";
    this.completion = { ...data, completion: previous + text };
    return text ? assistantMessage([textBlock(text)]) : empty();
  }

  /** The block at `index`, created when a delta arrives without its start (seen from some proxies). */
  private openBlock(index: number, type: "text" | "thinking"): OpenBlock {
    let open = this.blocks.get(index);
    if (!open) {
      open = { block: type === "text" ? { type, text: "" } : { type, thinking: "" }, json: "" };
      this.blocks.set(index, open);
    }
    return open;
  }
}

/** A block as the non-streaming response would hold it: tool input parsed from its JSON fragments. */
function finishBlock(open: OpenBlock): Record<string, unknown> {
  if (open.json === "") return { ...open.block };
  return { ...open.block, input: parseArguments(open.json) };
}

export function createAnthropicStreamAccumulator(): StreamAccumulator {
  return new AnthropicStreamAccumulator();
}
