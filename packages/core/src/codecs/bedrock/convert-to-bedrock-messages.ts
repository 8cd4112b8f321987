import { InvalidTemplateError } from "../../errors/promptline-error.js";
import type { Content, MediaContent } from "../../schemas/content.js";
import type { AssistantMessage, Message } from "../../schemas/message.js";
import { joinText, parseArguments } from "../shared/content.js";
import { mediaUrl, parseDataUrl } from "../shared/data-url.js";
import { convertToAlternatingTurns } from "../shared/alternating-turns.js";
import { unexpandedMediaVariable } from "../shared/template-errors.js";

export type BedrockImageSource = { bytes: string } | { s3Location: { uri: string } };

export type BedrockContentBlock =
  | { text: string }
  | { image: { format: string; source: BedrockImageSource } }
  | { document: { format: string; name: string; source: { bytes: string } } }
  | { toolUse: { toolUseId: string; name: string; input: Record<string, unknown> } }
  | { toolResult: { toolUseId: string; content: { text: string }[] } }
  | { reasoningContent: { reasoningText: { text: string; signature: string } } | { redactedContent: string } };

export interface BedrockMessage {
  role: "user" | "assistant";
  content: BedrockContentBlock[];
}

export interface BedrockPrompt {
  system?: { text: string }[];
  messages: BedrockMessage[];
}

/**
 * Rendered template messages → Converse `system` and `messages`. System and
 * developer text goes to `system`; tool messages become `toolResult` blocks of
 * a user turn; consecutive turns of one role are merged (Converse wants the
 * roles to alternate); empty text blocks and empty turns are dropped (Converse
 * rejects them).
 */
export function convertToBedrockMessages(messages: readonly Message[]): BedrockPrompt {
  const system: { text: string }[] = [];
  const turns = convertToAlternatingTurns<BedrockContentBlock>(messages, {
    provider: "Bedrock",
    system: (message, location) => {
      message.content.forEach((block, blockIndex) => {
        if (block.type !== "text") {
          throw new InvalidTemplateError(`Bedrock system prompts take text only, not "${block.type}" content.`, {
            location: `${location}.content[${blockIndex}]`,
          });
        }
        if (block.text !== "") system.push({ text: block.text });
      });
    },
    user: convertUserContent,
    assistant: convertAssistantMessage,
    toolResult: (message) => ({ toolResult: { toolUseId: message.tool_call_id, content: [{ text: joinText(message.content) }] } }),
  });

  return system.length > 0 ? { system, messages: turns } : { messages: turns };
}

/** A completion template's content as the one user turn of a Converse request. */
export function completionToBedrockMessages(content: readonly Content[]): BedrockPrompt {
  const blocks = convertUserContent(content, "content");
  return { messages: blocks.length > 0 ? [{ role: "user", content: blocks }] : [] };
}

function convertUserContent(content: readonly Content[], location: string): BedrockContentBlock[] {
  return content.flatMap((block, index): BedrockContentBlock[] => {
    const blockLocation = `${location}.content[${index}]`;
    switch (block.type) {
      case "text":
        return block.text === "" ? [] : [{ text: block.text }];
      case "image_url":
        return [convertImage(block.image_url.url, null, blockLocation)];
      case "media":
        return [convertMedia(block, blockLocation)];
      case "media_variable":
        throw unexpandedMediaVariable(block.name, blockLocation);
      default:
        throw new InvalidTemplateError(`Bedrock user messages cannot hold "${block.type}" content.`, { location: blockLocation });
    }
  });
}

/** `image/jpeg` → `jpeg`: Converse names formats by their subtype. */
function formatOf(mimeType: string): string {
  const subtype = mimeType.split("/")[1] ?? mimeType;
  return subtype === "jpg" ? "jpeg" : subtype;
}

/** Converse takes image bytes (base64 in JSON) or an S3 object, not a web URL. */
function convertImage(url: string, mimeType: string | null, location: string): BedrockContentBlock {
  const data = parseDataUrl(url);
  if (data) return { image: { format: formatOf(data.mimeType), source: { bytes: data.data } } };
  if (url.startsWith("s3://")) {
    const extension = /\.([a-z]+)$/i.exec(url)?.[1]?.toLowerCase();
    return { image: { format: formatOf(mimeType ?? `image/${extension ?? "png"}`), source: { s3Location: { uri: url } } } };
  }
  throw new InvalidTemplateError("Bedrock takes images as base64 data or s3:// locations, not web URLs: inline the image.", { location });
}

function convertMedia(block: MediaContent, location: string): BedrockContentBlock {
  const { url, type: mimeType, format, title } = block.media;
  if (!url) throw new InvalidTemplateError("media block has no url or data.", { location });
  const dataUrl = mediaUrl(url, mimeType, format);
  const effectiveType = parseDataUrl(dataUrl)?.mimeType ?? mimeType;
  if (effectiveType.startsWith("image/")) return convertImage(dataUrl, mimeType, location);
  const data = parseDataUrl(dataUrl);
  if (effectiveType === "application/pdf" && data) {
    return { document: { format: "pdf", name: documentName(title), source: { bytes: data.data } } };
  }
  throw new InvalidTemplateError(`Bedrock cannot take "${effectiveType}" media here (images, and PDFs as base64, only).`, { location });
}

/** Converse document names allow letters, digits, single spaces, hyphens, parentheses and brackets. */
function documentName(title: string): string {
  const name = title
    .replace(/\.[a-z0-9]+$/i, "")
    .replace(/[^A-Za-z0-9\s\-()[\]]/g, "-")
    .replace(/\s+/g, " ")
    .trim();
  return name === "" ? "document" : name;
}

/**
 * An assistant turn: text, signed reasoning (and redacted reasoning) as
 * `reasoningContent`, then its tool calls as `toolUse` blocks. Blocks Converse
 * cannot take back (unsigned reasoning, other providers' items) are left out.
 */
function convertAssistantMessage(message: AssistantMessage): BedrockContentBlock[] {
  const blocks: BedrockContentBlock[] = [];
  for (const block of message.content ?? []) {
    if (block.type === "text") {
      if (block.text !== "") blocks.push({ text: block.text });
    } else if (block.type === "thinking") {
      const redacted = (block as Record<string, unknown>).redacted_data;
      if (typeof redacted === "string") blocks.push({ reasoningContent: { redactedContent: redacted } });
      else if (block.signature) blocks.push({ reasoningContent: { reasoningText: { text: block.thinking, signature: block.signature } } });
    }
  }
  for (const call of message.tool_calls ?? []) {
    blocks.push({ toolUse: { toolUseId: call.id, name: call.function.name, input: parseArguments(call.function.arguments) } });
  }
  return blocks;
}
