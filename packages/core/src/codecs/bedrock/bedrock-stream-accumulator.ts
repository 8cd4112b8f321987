import type { Usage } from "../../schemas/log-record.js";
import type { AssistantMessage } from "../../schemas/message.js";
import type { StreamAccumulator } from "../codec.js";
import { assistantMessage, parseArguments, textBlock } from "../shared/content.js";
import { bedrockStreamEventSchema } from "./bedrock-api-schemas.js";
import { convertBedrockUsage } from "./bedrock-usage.js";

type OpenBlock =
  | { kind: "text"; text: string }
  | { kind: "reasoning"; text: string; signature: string | null; redacted: string | null }
  | { kind: "toolUse"; toolUseId: string; name: string; input: string };

const empty = (): AssistantMessage => assistantMessage([]);

/**
 * Assembles decoded ConverseStream events (`{messageStart}`, `{contentBlockStart}`,
 * `{contentBlockDelta}`, `{contentBlockStop}`, `{messageStop}`, `{metadata}`;
 * the binary event-stream framing is the transport's) into the Converse
 * response (PromptLayer's `bedrockStreamMessage`), and gives each event's
 * delta as an assistant message. Blocks may arrive without a start event
 * (text always does), and `metadata` may come before or after `messageStop`.
 */
export class BedrockStreamAccumulator implements StreamAccumulator {
  private role = "assistant";
  private readonly blocks = new Map<number, OpenBlock>();
  private stopReason: string | null = null;
  private additionalModelResponseFields: unknown = undefined;
  private usageData: unknown = undefined;
  private metrics: unknown = undefined;
  private trace: unknown = undefined;

  push(event: unknown): AssistantMessage {
    const parsed = bedrockStreamEventSchema.safeParse(event);
    if (!parsed.success) return empty();
    const { messageStart, contentBlockStart, contentBlockDelta, messageStop, metadata } = parsed.data;
    if (messageStart?.role) this.role = messageStart.role;
    if (messageStop) {
      this.stopReason = messageStop.stopReason ?? this.stopReason;
      if (messageStop.additionalModelResponseFields !== undefined) this.additionalModelResponseFields = messageStop.additionalModelResponseFields;
    }
    if (metadata) {
      if (metadata.usage !== undefined) this.usageData = metadata.usage;
      if (metadata.metrics !== undefined) this.metrics = metadata.metrics;
      if (metadata.trace !== undefined) this.trace = metadata.trace;
    }
    const toolUse = contentBlockStart?.start?.toolUse;
    if (contentBlockStart && toolUse) {
      const block: OpenBlock = { kind: "toolUse", toolUseId: toolUse.toolUseId ?? "", name: toolUse.name ?? "", input: "" };
      this.blocks.set(contentBlockStart.contentBlockIndex ?? this.blocks.size, block);
      return assistantMessage([], [{ id: block.toolUseId, type: "function", function: { name: block.name, arguments: "" } }]);
    }
    if (contentBlockDelta?.delta) return this.applyDelta(contentBlockDelta.contentBlockIndex ?? 0, contentBlockDelta.delta);
    return empty();
  }

  response(): unknown {
    const indexes = [...this.blocks.keys()].sort((a, b) => a - b);
    const response: Record<string, unknown> = {
      output: { message: { role: this.role, content: indexes.map((index) => finishBlock(this.blocks.get(index) as OpenBlock)) } },
      stopReason: this.stopReason,
      usage: this.usageData ?? null,
      metrics: this.metrics ?? null,
    };
    if (this.additionalModelResponseFields !== undefined) response.additionalModelResponseFields = this.additionalModelResponseFields;
    if (this.trace !== undefined) response.trace = this.trace;
    return response;
  }

  usage(): Usage | null {
    return convertBedrockUsage(this.usageData);
  }

  private applyDelta(
    index: number,
    delta: { text?: string | null; toolUse?: { input?: string | null } | null; reasoningContent?: { text?: string | null; signature?: string | null; redactedContent?: string | null } | null },
  ): AssistantMessage {
    if (typeof delta.text === "string") {
      const block = this.blockAt(index, () => ({ kind: "text", text: "" }));
      if (block.kind === "text") block.text += delta.text;
      return delta.text ? assistantMessage([textBlock(delta.text)]) : empty();
    }
    if (delta.reasoningContent) {
      const block = this.blockAt(index, () => ({ kind: "reasoning", text: "", signature: null, redacted: null }));
      if (block.kind !== "reasoning") return empty();
      const { text, signature, redactedContent } = delta.reasoningContent;
      if (text) block.text += text;
      if (signature) block.signature = (block.signature ?? "") + signature;
      if (redactedContent) block.redacted = (block.redacted ?? "") + redactedContent;
      if (signature) return assistantMessage([{ type: "thinking", thinking: text ?? "", signature }]);
      return text ? assistantMessage([{ type: "thinking", thinking: text }]) : empty();
    }
    if (delta.toolUse) {
      const block = this.blockAt(index, () => ({ kind: "toolUse", toolUseId: "", name: "", input: "" }));
      const fragment = delta.toolUse.input ?? "";
      if (block.kind !== "toolUse") return empty();
      block.input += fragment;
      if (fragment === "") return empty();
      return assistantMessage([], [{ id: block.toolUseId, type: "function", function: { name: block.name, arguments: fragment } }]);
    }
    return empty();
  }

  private blockAt(index: number, create: () => OpenBlock): OpenBlock {
    let block = this.blocks.get(index);
    if (!block) {
      block = create();
      this.blocks.set(index, block);
    }
    return block;
  }
}

/** A block as the non-streaming response holds it: tool input parsed from its JSON fragments. */
function finishBlock(block: OpenBlock): Record<string, unknown> {
  switch (block.kind) {
    case "text":
      return { text: block.text };
    case "reasoning":
      if (block.redacted !== null) return { reasoningContent: { redactedContent: block.redacted } };
      return { reasoningContent: { reasoningText: block.signature === null ? { text: block.text } : { text: block.text, signature: block.signature } } };
    case "toolUse":
      return { toolUse: { toolUseId: block.toolUseId, name: block.name, input: parseArguments(block.input) } };
  }
}

export function createBedrockStreamAccumulator(): StreamAccumulator {
  return new BedrockStreamAccumulator();
}
