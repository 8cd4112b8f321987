import type { Annotation, Content, TextContent } from "../../schemas/content.js";
import type { Usage } from "../../schemas/log-record.js";
import type { AssistantMessage } from "../../schemas/message.js";
import type { ToolCall } from "../../schemas/tools.js";
import { assistantMessage, textLast } from "../shared/content.js";
import { toDataUrl } from "../shared/data-url.js";
import { mediaKind } from "./convert-from-google-kwargs.js";
import {
  googleResponseSchema,
  googleUsageMetadataSchema,
  type GoogleCandidate,
  type GoogleGroundingMetadata,
  type GooglePart,
} from "./google-api-schemas.js";

/**
 * A `GenerateContentResponse` → the assistant's answer: consecutive text
 * parts joined into one text block (and thought parts into one thinking
 * block), function calls as tool calls, code, code results and inline media
 * as their blocks, grounding as url_citation annotations; text last.
 */
export function convertFromGoogleResponse(response: unknown): AssistantMessage {
  const parsed = googleResponseSchema.safeParse(response);
  const candidate = parsed.success ? parsed.data.candidates?.[0] : undefined;
  if (!candidate) return assistantMessage([]);
  const { content, toolCalls } = convertGoogleParts(candidate.content?.parts ?? []);
  addGroundingAnnotations(content, candidate);
  return assistantMessage(textLast(content), toolCalls);
}

/**
 * Parts → blocks and tool calls. Tool calls without an id from Gemini are
 * numbered in order (`call_<n>`, counting from `firstCallIndex`), so a stream
 * and the response assembled from it name them alike.
 */
export function convertGoogleParts(parts: readonly GooglePart[], firstCallIndex = 0): { content: Content[]; toolCalls: ToolCall[] } {
  const content: Content[] = [];
  const toolCalls: ToolCall[] = [];
  let previous: "text" | "thought" | "other" = "other";

  for (const part of parts) {
    if (part.functionCall) {
      toolCalls.push(googleToolCall(part, firstCallIndex + toolCalls.length));
      previous = "other";
      continue;
    }
    if (typeof part.text === "string") {
      const kind = part.thought === true ? "thought" : "text";
      const last = content.at(-1);
      if (kind === previous && last?.type === "thinking" && kind === "thought") {
        last.thinking += part.text;
        if (part.thoughtSignature) last.signature = part.thoughtSignature;
      } else if (kind === previous && last?.type === "text") {
        last.text += part.text;
        if (part.thoughtSignature) last.thought_signature = part.thoughtSignature;
      } else if (part.text !== "" || part.thoughtSignature) {
        content.push(
          kind === "thought"
            ? { type: "thinking", thinking: part.text, signature: part.thoughtSignature ?? null }
            : part.thoughtSignature
              ? { type: "text", text: part.text, thought_signature: part.thoughtSignature }
              : { type: "text", text: part.text },
        );
      } else {
        continue;
      }
      previous = kind;
      continue;
    }
    previous = "other";
    const block = otherPartBlock(part);
    if (block) content.push(block);
  }
  return { content, toolCalls };
}

export function googleToolCall(part: GooglePart, index: number): ToolCall {
  const call = part.functionCall;
  const toolCall: ToolCall = {
    id: call?.id || `call_${index}`,
    type: "function",
    function: { name: call?.name ?? "", arguments: JSON.stringify(call?.args ?? {}) },
  };
  if (part.thoughtSignature) toolCall.provider_metadata = { thought_signature: part.thoughtSignature };
  return toolCall;
}

function otherPartBlock(part: GooglePart): Content | undefined {
  if (part.executableCode) {
    return { type: "code", code: part.executableCode.code ?? "", language: part.executableCode.language ?? null };
  }
  if (part.codeExecutionResult) {
    return { type: "code_execution_result", output: part.codeExecutionResult.output ?? "", outcome: part.codeExecutionResult.outcome ?? "OUTCOME_OK" };
  }
  if (part.inlineData?.data) {
    const mimeType = part.inlineData.mimeType ?? "image/png";
    const block: Content = { type: "output_media", url: toDataUrl(mimeType, part.inlineData.data), mime_type: mimeType };
    const kind = mediaKind(mimeType);
    if (kind) block.media_type = kind;
    if (part.thoughtSignature) block.provider_metadata = { thought_signature: part.thoughtSignature };
    return block;
  }
  return undefined;
}

/** Google Search grounding → url_citation annotations on the answer's (last) text block. */
function addGroundingAnnotations(content: Content[], candidate: GoogleCandidate): void {
  const annotations = groundingAnnotations(candidate.groundingMetadata);
  const target = content.findLast((block): block is TextContent => block.type === "text");
  if (annotations.length === 0 || !target) return;
  target.annotations = [...(target.annotations ?? []), ...annotations];
}

function groundingAnnotations(metadata: GoogleGroundingMetadata | null | undefined): Annotation[] {
  const chunks = metadata?.groundingChunks ?? [];
  const supports = metadata?.groundingSupports ?? [];
  const annotations: Annotation[] = [];
  if (supports.length > 0) {
    for (const support of supports) {
      for (const index of support.groundingChunkIndices ?? []) {
        const web = chunks[index]?.web;
        if (!web?.uri) continue;
        const annotation: Annotation = {
          type: "url_citation",
          url: web.uri,
          title: web.title ?? web.uri,
          start_index: support.segment?.startIndex ?? 0,
          end_index: support.segment?.endIndex ?? 0,
        };
        if (support.segment?.text) annotation.cited_text = support.segment.text;
        annotations.push(annotation);
      }
    }
    return annotations;
  }
  for (const chunk of chunks) {
    if (chunk.web?.uri) annotations.push({ type: "url_citation", url: chunk.web.uri, title: chunk.web.title ?? chunk.web.uri, start_index: 0, end_index: 0 });
  }
  return annotations;
}

/**
 * `usageMetadata` → Usage. Gemini counts thoughts apart from the candidates,
 * so the output is both (thoughts are billed as output).
 */
export function convertGoogleUsage(usageMetadata: unknown): Usage | null {
  const parsed = googleUsageMetadataSchema.safeParse(usageMetadata);
  if (!parsed.success) return null;
  const { promptTokenCount, candidatesTokenCount, thoughtsTokenCount, cachedContentTokenCount } = parsed.data;
  if (promptTokenCount == null && candidatesTokenCount == null) return null;
  const usage: Usage = {
    input_tokens: promptTokenCount ?? 0,
    output_tokens: (candidatesTokenCount ?? 0) + (thoughtsTokenCount ?? 0),
  };
  if (thoughtsTokenCount != null) usage.reasoning_tokens = thoughtsTokenCount;
  if (cachedContentTokenCount != null) usage.cached_input_tokens = cachedContentTokenCount;
  return usage;
}

export function googleResponseUsage(response: unknown): Usage | null {
  if (typeof response !== "object" || response === null) return null;
  return convertGoogleUsage((response as { usageMetadata?: unknown }).usageMetadata);
}
