import type { ChatTemplate } from "../../schemas/template.js";
import type { LlmKwargs, ProviderCodec } from "../codec.js";
import { omit } from "../shared/content.js";
import { converseFieldsToParameters, parametersToConverseFields } from "./bedrock-inference-config.js";
import { createBedrockStreamAccumulator } from "./bedrock-stream-accumulator.js";
import { bedrockStructuredOutput, bedrockStructuredOutputTool, convertFromBedrockStructuredOutput } from "./bedrock-structured-output.js";
import { bedrockResponseUsage } from "./bedrock-usage.js";
import { convertBedrockResponseToMessage, convertFromBedrockMessages, convertFromBedrockSystem } from "./convert-from-bedrock-messages.js";
import { completionToBedrockMessages, convertToBedrockMessages } from "./convert-to-bedrock-messages.js";
import { convertFromBedrockToolConfig, prepareBedrockToolConfig } from "./prepare-bedrock-tools.js";

/**
 * Credentials and client options PromptLayer's SDKs may leave in the kwargs
 * (contract §5.2: the AWS keys; `apiKey`/`baseURL` like every provider). They
 * are never sent in a body nor kept as parameters.
 */
export const bedrockClientOptionKeys = [
  "aws_access_key",
  "aws_secret_key",
  "aws_session_token",
  "aws_region",
  "apiKey",
  "baseURL",
  "api_key",
  "base_url",
] as const;

/** Keys of Converse kwargs that are not model parameters (the parameters live inside some of them). */
const nonParameterKeys = [
  "modelId",
  "messages",
  "system",
  "toolConfig",
  "inferenceConfig",
  "additionalModelRequestFields",
  "stream",
  ...bedrockClientOptionKeys,
];

/** Amazon Bedrock's Converse API (boto3 `converse` / `converse_stream`). */
export const bedrockConverseCodec: ProviderCodec = {
  id: "amazon.bedrock.converse",
  functionNames: ["boto3.bedrock-runtime.converse"],

  toLlmKwargs(template, model) {
    const prompt = template.type === "chat" ? convertToBedrockMessages(template.messages) : completionToBedrockMessages(template.content);
    const kwargs: LlmKwargs = { modelId: model.name, messages: prompt.messages };
    if (prompt.system) kwargs.system = prompt.system;
    const toolConfig = template.type === "chat" ? prepareBedrockToolConfig(template) : undefined;
    // Client options (an AWS region…) stay top-level as PromptLayer leaves them, for the transport; toHttpRequest strips them.
    // `response_format` (OpenAI's shape) has no Converse field: it becomes a forced tool.
    const fields = parametersToConverseFields(omit(model.parameters, [...bedrockClientOptionKeys, "response_format"]));
    Object.assign(kwargs, fields);
    for (const key of bedrockClientOptionKeys) if (model.parameters[key] !== undefined) kwargs[key] = model.parameters[key];
    const structured = bedrockStructuredOutput({
      response_format: model.parameters.response_format,
      toolConfig,
      additionalModelRequestFields: fields.additionalModelRequestFields,
      modelId: model.name,
    });
    if (structured ?? toolConfig) kwargs.toolConfig = structured ?? toolConfig;
    return kwargs;
  },

  fromLlmKwargs(kwargs) {
    const structured = convertFromBedrockStructuredOutput(kwargs.toolConfig);
    const { tools, tool_choice } = convertFromBedrockToolConfig(structured.toolConfig);
    const template: ChatTemplate = {
      type: "chat",
      messages: [...convertFromBedrockSystem(kwargs.system), ...convertFromBedrockMessages(kwargs.messages)],
      functions: [],
      tools,
      function_call: null,
      tool_choice,
      input_variables: [],
      dataset_examples: [],
    };
    const parameters: Record<string, unknown> = { ...converseFieldsToParameters(kwargs), ...omit(kwargs, nonParameterKeys) };
    if (structured.response_format) parameters.response_format = structured.response_format;
    return { template, model: { name: typeof kwargs.modelId === "string" ? kwargs.modelId : "", parameters } };
  },

  responseToMessage: convertBedrockResponseToMessage,
  usage: bedrockResponseUsage,

  toHttpRequest(kwargs, { stream }) {
    const modelId = typeof kwargs.modelId === "string" ? kwargs.modelId : "";
    const body = omit(kwargs, ["modelId", "stream", ...bedrockClientOptionKeys]);
    return { path: `/model/${encodeURIComponent(modelId)}/${stream ? "converse-stream" : "converse"}`, body };
  },

  createStreamAccumulator: createBedrockStreamAccumulator,
  structuredOutputTool: bedrockStructuredOutputTool,
};
