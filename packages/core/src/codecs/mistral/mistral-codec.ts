import { InvalidTemplateError } from "../../errors/promptline-error.js";
import type { ChatTemplate } from "../../schemas/template.js";
import { toolChoiceSchema, toolSchema, type Tool } from "../../schemas/tools.js";
import type { ProviderCodec } from "../codec.js";
import { clientOptionKeys } from "../openai-chat/openai-chat-codec.js";
import { convertOpenAIChatUsage } from "../openai-chat/openai-chat-usage.js";
import { prepareOpenAIChatTools } from "../openai-chat/prepare-openai-chat-tools.js";
import { isRecord, joinText, omit } from "../shared/content.js";
import { convertFromMistralMessages, convertMistralResponseToMessage } from "./convert-from-mistral-messages.js";
import { convertToMistralMessages } from "./convert-to-mistral-messages.js";
import { toMistralWireShape } from "./to-mistral-wire-shape.js";
import { createMistralStreamAccumulator } from "./mistral-stream-accumulator.js";

const nonParameterKeys = ["messages", "model", "tools", "tool_choice", "stream_options", ...clientOptionKeys];
/** Mistral has `stream` but no `stream_options`: its last chunk carries the usage anyway. */
const streamKeys = ["stream", "stream_options"];

/** Mistral chat (`mistral.client.chat`): snake_case kwargs in Mistral's own parameter names. */
export const mistralCodec: ProviderCodec = {
  id: "mistral.chat",
  functionNames: ["mistral.client.chat"],

  toLlmKwargs(template, model) {
    if (template.type === "completion") {
      const messages = [{ role: "user", content: [{ type: "text", text: joinText(template.content) }] }];
      return { messages, model: model.name, ...omit(model.parameters, streamKeys) };
    }
    if ((template.functions ?? []).length > 0) {
      throw new InvalidTemplateError("Mistral has no legacy functions: describe them as function tools.", { location: "functions" });
    }
    const tools = prepareOpenAIChatTools({ ...template, functions: null }, "Mistral");
    return { messages: convertToMistralMessages(template.messages), model: model.name, ...tools, ...omit(model.parameters, streamKeys) };
  },

  fromLlmKwargs(kwargs) {
    const tools = Array.isArray(kwargs.tools)
      ? kwargs.tools.map((tool) => toolSchema.safeParse(toMistralWireShape(tool)).data).filter((tool): tool is Tool => tool !== undefined)
      : [];
    const template: ChatTemplate = {
      type: "chat",
      messages: convertFromMistralMessages(kwargs.messages),
      functions: [],
      tools,
      function_call: null,
      tool_choice: toolChoiceSchema.safeParse(kwargs.tool_choice).data ?? null,
      input_variables: [],
      dataset_examples: [],
    };
    return { template, model: { name: typeof kwargs.model === "string" ? kwargs.model : "", parameters: omit(kwargs, nonParameterKeys) } };
  },

  responseToMessage: convertMistralResponseToMessage,

  usage(response) {
    const wire = toMistralWireShape(response);
    return isRecord(wire) ? convertOpenAIChatUsage(wire.usage) : null;
  },

  toHttpRequest(kwargs, { stream }) {
    const body = omit(kwargs, [...clientOptionKeys, ...streamKeys]);
    if (stream) body.stream = true;
    return { path: "/chat/completions", body };
  },

  createStreamAccumulator: createMistralStreamAccumulator,
};
