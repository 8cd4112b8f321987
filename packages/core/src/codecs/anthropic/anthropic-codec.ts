import type { ChatTemplate, CompletionTemplate, PromptTemplate } from "../../schemas/template.js";
import type { LlmKwargs, ProviderCodec } from "../codec.js";
import { omit, textBlock } from "../shared/content.js";
import { createAnthropicStreamAccumulator } from "./anthropic-stream-accumulator.js";
import { anthropicStructuredOutput, anthropicStructuredOutputTool, convertFromAnthropicStructuredOutput } from "./anthropic-structured-output.js";
import { anthropicResponseUsage } from "./anthropic-usage.js";
import { convertAnthropicResponseToMessage, convertFromAnthropicMessages, convertFromAnthropicSystem } from "./convert-from-anthropic-messages.js";
import { completionToAnthropicMessages, convertToAnthropicMessages } from "./convert-to-anthropic-messages.js";
import { convertFromAnthropicToolChoice, convertFromAnthropicTools, prepareAnthropicTools } from "./prepare-anthropic-tools.js";

/** The beta that Anthropic's native `output_format` needs. */
export const ANTHROPIC_STRUCTURED_OUTPUTS_BETA = "structured-outputs-2025-11-13";

/** `max_tokens` of a request whose parameters lack it: Anthropic requires one. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

/**
 * Client options the official SDKs leave in `llm_kwargs` (PromptLayer's JS SDK
 * keeps `apiKey`/`baseURL` there, contract §8 B2; `anthropic.bedrock` adds the
 * AWS keys). They may hold secrets: never sent, never kept as parameters.
 */
export const anthropicClientOptionKeys = [
  "apiKey",
  "baseURL",
  "api_key",
  "base_url",
  "aws_access_key",
  "aws_secret_key",
  "aws_session_token",
  "aws_region",
] as const;

/** Keys of Messages kwargs that are not model parameters (`prompt` is the legacy Text Completions input). */
const nonParameterKeys = ["messages", "system", "model", "tools", "tool_choice", "stream", "prompt", ...anthropicClientOptionKeys];

/** Anthropic Messages (and the legacy Text Completions, for logs of old clients). */
export const anthropicCodec: ProviderCodec = {
  id: "anthropic.messages",
  // The first two are PromptLayer's; the others are what its Python proxy reports.
  functionNames: [
    "anthropic.messages.create",
    "anthropic.completions.create",
    "anthropic.Anthropic.messages.create",
    "anthropic.AsyncAnthropic.messages.create",
  ],

  toLlmKwargs(template, model) {
    const prompt = template.type === "chat" ? convertToAnthropicMessages(template.messages) : completionToAnthropicMessages(template.content);
    const kwargs: LlmKwargs = { model: model.name, messages: prompt.messages };
    if (prompt.system !== undefined) kwargs.system = prompt.system;
    kwargs.max_tokens = ANTHROPIC_DEFAULT_MAX_TOKENS;
    const tools = template.type === "chat" ? prepareAnthropicTools(template) : {};
    Object.assign(kwargs, tools);
    // PromptLayer spreads the parameters last; the stream flag is the caller's, per call.
    // `response_format` (OpenAI's shape) has no Messages field: it becomes a forced tool.
    Object.assign(kwargs, omit(model.parameters, ["stream", "response_format"]));
    if (kwargs.max_tokens == null) kwargs.max_tokens = ANTHROPIC_DEFAULT_MAX_TOKENS;
    const structured = anthropicStructuredOutput({ ...tools, response_format: model.parameters.response_format, thinking: kwargs.thinking, model: model.name });
    if (structured) Object.assign(kwargs, structured);
    return kwargs;
  },

  fromLlmKwargs(kwargs) {
    const structured = convertFromAnthropicStructuredOutput(kwargs.tools, kwargs.tool_choice);
    const parameters = omit(kwargs, nonParameterKeys);
    if (structured.response_format) parameters.response_format = structured.response_format;
    const model = { name: typeof kwargs.model === "string" ? kwargs.model : "", parameters };
    if (typeof kwargs.prompt === "string" && kwargs.messages === undefined) {
      const template: CompletionTemplate = { type: "completion", content: [textBlock(kwargs.prompt)], input_variables: [], template_format: "f-string" };
      return { template, model };
    }
    const template: ChatTemplate = {
      type: "chat",
      messages: [...convertFromAnthropicSystem(kwargs.system), ...convertFromAnthropicMessages(kwargs.messages)],
      functions: [],
      tools: convertFromAnthropicTools(structured.tools),
      function_call: null,
      tool_choice: convertFromAnthropicToolChoice(structured.tool_choice),
      input_variables: [],
      dataset_examples: [],
    };
    return { template: template satisfies PromptTemplate, model };
  },

  responseToMessage: convertAnthropicResponseToMessage,
  usage: anthropicResponseUsage,

  toHttpRequest(kwargs, { stream }) {
    const body = omit(kwargs, [...anthropicClientOptionKeys, "stream"]);
    if (body.max_tokens == null) body.max_tokens = ANTHROPIC_DEFAULT_MAX_TOKENS;
    if (stream) body.stream = true;
    // A template that sets Anthropic's own `output_format` gets the structured-outputs beta it needs (decision 0010).
    if (body.output_format != null) return { path: "/messages", body, headers: { "anthropic-beta": ANTHROPIC_STRUCTURED_OUTPUTS_BETA } };
    return { path: "/messages", body };
  },

  createStreamAccumulator: createAnthropicStreamAccumulator,
  structuredOutputTool: anthropicStructuredOutputTool,
};
