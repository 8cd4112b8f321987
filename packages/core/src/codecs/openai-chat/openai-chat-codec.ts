import { InvalidRequestError } from "../../errors/promptline-error.js";
import type { ChatTemplate, PromptTemplate } from "../../schemas/template.js";
import {
  functionCallChoiceSchema,
  functionDefinitionSchema,
  toolChoiceSchema,
  toolSchema,
  type FunctionDefinition,
  type Tool,
} from "../../schemas/tools.js";
import type { LlmKwargs, ProviderCodec } from "../codec.js";
import { isRecord, omit } from "../shared/content.js";
import { convertFromOpenAIChatMessages, convertOpenAIChatResponseToMessage } from "./convert-from-openai-chat-messages.js";
import { completionToUserMessage, convertToOpenAIChatMessages } from "./convert-to-openai-chat-messages.js";
import { createOpenAIChatStreamAccumulator } from "./openai-chat-stream-accumulator.js";
import { openaiChatResponseUsage } from "./openai-chat-usage.js";
import { prepareOpenAIChatTools } from "./prepare-openai-chat-tools.js";

/**
 * Client options the official SDKs may leave in `llm_kwargs` (PromptLayer's
 * JS SDK reads `apiKey`/`baseURL` from there). They are never sent in a body
 * nor kept as parameters: they may hold secrets.
 */
export const clientOptionKeys = ["apiKey", "baseURL", "api_key", "base_url", "apiVersion", "api_version"] as const;

/** Keys of Chat Completions kwargs that are not model parameters. */
const nonParameterKeys = ["messages", "model", "tools", "tool_choice", "functions", "function_call", "stream_options", ...clientOptionKeys];

/** Set by the caller for each call (contract §5.3), never stored in kwargs. */
const streamKeys = ["stream", "stream_options"];

export interface OpenAICodecOptions {
  id: string;
  functionNames: readonly string[];
  /** The request path under the provider's base URL. */
  path: (kwargs: LlmKwargs) => string;
}

/** A Chat Completions codec; OpenAI and Azure differ only in their id, names and path. */
export function createOpenAIChatCodec(options: OpenAICodecOptions): ProviderCodec {
  return {
    id: options.id,
    functionNames: options.functionNames,

    toLlmKwargs(template: PromptTemplate, model) {
      const messages = template.type === "chat" ? convertToOpenAIChatMessages(template.messages) : [completionToUserMessage(template.content)];
      const tools = template.type === "chat" ? prepareOpenAIChatTools(template) : {};
      // PromptLayer spreads the parameters last: they may even override messages and model.
      return { messages, model: model.name, ...tools, ...omit(model.parameters, streamKeys) };
    },

    fromLlmKwargs(kwargs) {
      const template: ChatTemplate = {
        type: "chat",
        messages: convertFromOpenAIChatMessages(kwargs.messages),
        functions: parseList(kwargs.functions, (value) => functionDefinitionSchema.safeParse(value).data),
        tools: parseList(kwargs.tools, (value) => toolSchema.safeParse(value).data),
        // Absent in most requests: skip zod there (a failed union parse builds its issues, which is costly on every run()).
        function_call: kwargs.function_call == null ? null : (functionCallChoiceSchema.safeParse(kwargs.function_call).data ?? null),
        tool_choice: kwargs.tool_choice == null ? null : (toolChoiceSchema.safeParse(kwargs.tool_choice).data ?? null),
        input_variables: [],
        dataset_examples: [],
      };
      return { template, model: { name: typeof kwargs.model === "string" ? kwargs.model : "", parameters: omit(kwargs, nonParameterKeys) } };
    },

    responseToMessage: convertOpenAIChatResponseToMessage,
    usage: openaiChatResponseUsage,

    toHttpRequest(kwargs, { stream }) {
      return { path: options.path(kwargs), body: openaiRequestBody(kwargs, stream) };
    },

    createStreamAccumulator: createOpenAIChatStreamAccumulator,
  };
}

/**
 * The HTTP body of an OpenAI (or Azure) request: the kwargs without client
 * options, with the stream flags of this call. Shared by Chat Completions and
 * the legacy Completions API.
 */
export function openaiRequestBody(kwargs: LlmKwargs, stream: boolean): Record<string, unknown> {
  const body = omit(kwargs, [...clientOptionKeys, ...streamKeys]);
  if (stream) {
    body.stream = true;
    // Without it the stream carries no usage (contract §6.1).
    body.stream_options = { ...(isRecord(kwargs.stream_options) ? kwargs.stream_options : {}), include_usage: true };
  }
  return body;
}

function parseList<T extends Tool | FunctionDefinition>(value: unknown, parse: (item: unknown) => T | undefined): T[] {
  if (!Array.isArray(value)) return [];
  return value.map(parse).filter((item): item is T => item !== undefined);
}

/** OpenAI Chat Completions, and every OpenAI-compatible endpoint (xAI, DeepSeek, …). */
export const openaiChatCodec: ProviderCodec = createOpenAIChatCodec({
  id: "openai.chat-completions",
  functionNames: ["openai.chat.completions.create", "openai.OpenAI.chat.completions.create"],
  path: () => "/chat/completions",
});

/** Azure OpenAI Chat Completions: the model is the deployment name; the transport appends `?api-version=`. */
export const azureOpenaiChatCodec: ProviderCodec = createOpenAIChatCodec({
  id: "openai.azure.chat-completions",
  functionNames: ["openai.AzureOpenAI.chat.completions.create"],
  path: (kwargs) => `/openai/deployments/${encodeURIComponent(azureDeployment(kwargs))}/chat/completions`,
});

/** The Azure deployment named by `kwargs.model`. */
export function azureDeployment(kwargs: LlmKwargs): string {
  if (typeof kwargs.model !== "string" || kwargs.model === "") {
    throw new InvalidRequestError("Azure OpenAI needs a deployment name: set the model name to your deployment.", ["model"]);
  }
  return kwargs.model;
}
