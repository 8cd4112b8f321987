import type { StreamAccumulator } from "../codec.js";
import { ChatCompletionChunkMerger, type MergedChatStream } from "../openai-chat/openai-chat-stream-accumulator.js";
import { toMistralWireEvent } from "./to-mistral-wire-shape.js";

/**
 * Mistral streams Chat Completions chunks (content may be an array of text
 * and thinking chunks; complete tool calls arrive without an `index`), so the
 * shared merger reads them. Only the assembled response differs: it takes
 * Mistral's non-streaming shape, with the reasoning as a thinking chunk.
 */
export function createMistralStreamAccumulator(): StreamAccumulator {
  const merger = new ChatCompletionChunkMerger();
  return {
    push: (event) => merger.push(toMistralWireEvent(event)),
    response: () => mergedToMistralResponse(merger.merged()),
    usage: () => merger.usage(),
  };
}

function mergedToMistralResponse(merged: MergedChatStream): Record<string, unknown> {
  const content =
    merged.reasoning === ""
      ? merged.text
      : [
          { type: "thinking", thinking: [{ type: "text", text: merged.reasoning }] },
          { type: "text", text: merged.text },
        ];
  const toolCalls = merged.toolCalls.map((call, index) => ({
    id: call.id,
    type: call.type,
    function: { name: call.name, arguments: call.arguments },
    index,
  }));
  return {
    id: merged.id,
    object: "chat.completion",
    created: merged.created,
    model: merged.model,
    usage: merged.usage,
    choices: [
      {
        index: 0,
        finish_reason: merged.finishReason,
        message: { role: "assistant", content, tool_calls: toolCalls.length > 0 ? toolCalls : null },
      },
    ],
  };
}
