import { InvalidTemplateError } from "../../errors/promptline-error.js";
import type { Content } from "../../schemas/content.js";
import type { AssistantMessage, DeveloperMessage, Message, SystemMessage, ToolMessage } from "../../schemas/message.js";
import { mergeTurn } from "./merge-turn.js";
import { unexpandedPlaceholder } from "./template-errors.js";

/** A user or assistant turn of a provider whose turns must alternate. */
export interface AlternatingTurn<Block> {
  role: "user" | "assistant";
  content: Block[];
}

/** How a provider with alternating turns (Anthropic's Messages, Bedrock's Converse) takes each kind of message. */
export interface AlternatingTurnsConverter<Block> {
  /** Named in the refusal of legacy function messages. */
  provider: string;
  /** System and developer messages stand apart from the turns: the converter keeps them. */
  system(message: SystemMessage | DeveloperMessage, location: string): void;
  user(content: readonly Content[], location: string): Block[];
  assistant(message: AssistantMessage): Block[];
  /** A tool message's result block, sent in a user turn. */
  toolResult(message: ToolMessage, location: string): Block;
}

/**
 * Rendered template messages → alternating turns: tool results go in user
 * turns, and consecutive turns of one role are merged (so tool results and the
 * user's next words share a turn, results first); turns left empty are dropped.
 * Legacy function messages are refused, placeholders must be expanded first.
 */
export function convertToAlternatingTurns<Block>(messages: readonly Message[], converter: AlternatingTurnsConverter<Block>): AlternatingTurn<Block>[] {
  const turns: AlternatingTurn<Block>[] = [];
  messages.forEach((message, index) => {
    const location = `messages[${index}]`;
    switch (message.role) {
      case "system":
      case "developer":
        converter.system(message, location);
        return;
      case "user":
        mergeTurn(turns, "user", converter.user(message.content, location));
        return;
      case "assistant":
        mergeTurn(turns, "assistant", converter.assistant(message));
        return;
      case "tool":
        mergeTurn(turns, "user", [converter.toolResult(message, location)]);
        return;
      case "function":
        throw new InvalidTemplateError(
          `${converter.provider} has no legacy function messages ("${message.name}"): use tool calls and tool messages instead.`,
          { location },
        );
      case "placeholder":
        throw unexpandedPlaceholder(message.name, location);
    }
  });
  return turns;
}
