import { describe, expect, it } from "vitest";
import { InvalidTemplateError } from "../../errors/promptline-error.js";
import type { Message } from "../../schemas/message.js";
import { modelSettingsSchema, type ModelSettings } from "../../schemas/metadata.js";
import { chatTemplateSchema, completionTemplateSchema, type ChatTemplate } from "../../schemas/template.js";
import { bedrockConverseCodec } from "./index.js";

const MODEL_ID = "anthropic.claude-3-5-sonnet-20240620-v1:0";
const model = (parameters: Record<string, unknown> = {}): ModelSettings =>
  modelSettingsSchema.parse({ provider: "amazon.bedrock", name: MODEL_ID, parameters });
const chat = (template: Record<string, unknown>): ChatTemplate => chatTemplateSchema.parse({ type: "chat", ...template });
const text = (value: string) => ({ type: "text", text: value });

const weatherTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Get the current weather of a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

function rebuiltByServer(template: ChatTemplate): ChatTemplate {
  const messages = template.messages.map(
    (message) =>
      ({
        raw_request_display_role: message.role,
        input_variables: [],
        template_format: "f-string",
        dataset_examples: [],
        name: null,
        ...(message.role === "assistant" ? { function_call: null, tool_calls: null } : {}),
        ...message,
      }) as Message,
  );
  return { ...template, messages, functions: [], tools: template.tools ?? [], function_call: null, tool_choice: template.tool_choice ?? null, input_variables: [], dataset_examples: [] };
}

const weatherConversation = chat({
  messages: [
    { role: "system", content: [text("You are a concise weather assistant.")] },
    {
      role: "user",
      content: [text("What's the weather in Paris? Here is the sky:"), { type: "image_url", image_url: { url: "data:image/jpeg;base64,/9j/4AAQ" } }],
    },
    {
      role: "assistant",
      content: [{ type: "thinking", thinking: "I need the weather tool.", signature: "c2ln" }, text("Let me check.")],
      tool_calls: [{ id: "tooluse_01", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }],
    },
    { role: "tool", tool_call_id: "tooluse_01", content: [text('{"temperature":18}')] },
  ],
  tools: [weatherTool],
  tool_choice: "required",
});

describe("bedrockConverseCodec.toLlmKwargs", () => {
  it("builds the exact Converse request of a realistic template", () => {
    const kwargs = bedrockConverseCodec.toLlmKwargs(weatherConversation, model({ max_tokens: 512, temperature: 0.2, top_p: 0.9, top_k: 40, stop_sequences: ["END"] }));
    expect(kwargs).toStrictEqual({
      modelId: MODEL_ID,
      messages: [
        {
          role: "user",
          content: [{ text: "What's the weather in Paris? Here is the sky:" }, { image: { format: "jpeg", source: { bytes: "/9j/4AAQ" } } }],
        },
        {
          role: "assistant",
          content: [
            { reasoningContent: { reasoningText: { text: "I need the weather tool.", signature: "c2ln" } } },
            { text: "Let me check." },
            { toolUse: { toolUseId: "tooluse_01", name: "get_weather", input: { city: "Paris" } } },
          ],
        },
        { role: "user", content: [{ toolResult: { toolUseId: "tooluse_01", content: [{ text: '{"temperature":18}' }] } }] },
      ],
      system: [{ text: "You are a concise weather assistant." }],
      inferenceConfig: { maxTokens: 512, temperature: 0.2, topP: 0.9, stopSequences: ["END"] },
      additionalModelRequestFields: { top_k: 40 },
      toolConfig: {
        tools: [
          {
            toolSpec: {
              name: "get_weather",
              description: "Get the current weather of a city",
              inputSchema: { json: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
            },
          },
        ],
        toolChoice: { any: {} },
      },
    });
  });

  it("takes camelCase parameters, Converse's own top-level fields, keeps AWS options out of the model fields, and drops `stream`", () => {
    const guardrailConfig = { guardrailIdentifier: "g1", guardrailVersion: "1" };
    const kwargs = bedrockConverseCodec.toLlmKwargs(
      chat({ messages: [{ role: "user", content: [text("Hi")] }] }),
      model({ maxTokens: 100, topP: 0.5, stream: true, guardrailConfig, thinking: { type: "enabled", budget_tokens: 1024 }, aws_region: "eu-west-1" }),
    );
    expect(kwargs).toEqual({
      modelId: MODEL_ID,
      messages: [{ role: "user", content: [{ text: "Hi" }] }],
      inferenceConfig: { maxTokens: 100, topP: 0.5 },
      guardrailConfig,
      additionalModelRequestFields: { thinking: { type: "enabled", budget_tokens: 1024 } },
      aws_region: "eu-west-1",
    });
    expect(bedrockConverseCodec.toHttpRequest(kwargs, { stream: false }).body).not.toHaveProperty("aws_region");
  });

  it("merges consecutive turns and sends a completion template as one user turn", () => {
    const merged = bedrockConverseCodec.toLlmKwargs(
      chat({ messages: [{ role: "user", content: [text("A")] }, { role: "user", content: [text("B")] }, { role: "assistant", content: [text("")] }] }),
      model(),
    );
    expect(merged).toEqual({ modelId: MODEL_ID, messages: [{ role: "user", content: [{ text: "A" }, { text: "B" }] }] });
    const completion = bedrockConverseCodec.toLlmKwargs(completionTemplateSchema.parse({ type: "completion", content: [text("Write a haiku.")] }), model());
    expect(completion).toEqual({ modelId: MODEL_ID, messages: [{ role: "user", content: [{ text: "Write a haiku." }] }] });
  });

  it.each([
    { choice: "auto", expected: { auto: {} } },
    { choice: "required", expected: { any: {} } },
    { choice: { type: "function", function: { name: "get_weather" } }, expected: { tool: { name: "get_weather" } } },
  ])("maps tool_choice $choice", ({ choice, expected }) => {
    const kwargs = bedrockConverseCodec.toLlmKwargs(chat({ messages: [{ role: "user", content: [text("Hi")] }], tools: [weatherTool], tool_choice: choice }), model());
    expect(kwargs.toolConfig).toMatchObject({ toolChoice: expected });
  });

  it.each([
    { name: 'tool_choice "none"', template: { messages: [{ role: "user", content: [text("Hi")] }], tools: [weatherTool], tool_choice: "none" }, match: /no tool_choice "none"/ },
    { name: "a built-in tool", template: { messages: [{ role: "user", content: [text("Hi")] }], tools: [{ type: "web_search" }] }, match: /cannot take a "web_search" tool/ },
    { name: "a web image URL", template: { messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://x/y.png" } }] }] }, match: /not web URLs/ },
    { name: "an unexpanded placeholder", template: { messages: [{ role: "placeholder", name: "history" }] }, match: /placeholder message "history"/ },
  ])("rejects $name with InvalidTemplateError", ({ template, match }) => {
    expect(() => bedrockConverseCodec.toLlmKwargs(chat(template), model())).toThrow(InvalidTemplateError);
    expect(() => bedrockConverseCodec.toLlmKwargs(chat(template), model())).toThrow(match);
  });

  it("sends PDFs as documents and S3 images by location", () => {
    const kwargs = bedrockConverseCodec.toLlmKwargs(
      chat({
        messages: [
          {
            role: "user",
            content: [
              { type: "media", media: { title: "Q3 report.pdf", type: "application/pdf", url: "JVBERi0=", format: "base64" } },
              { type: "image_url", image_url: { url: "s3://bucket/cat.png" } },
            ],
          },
        ],
      }),
      model(),
    );
    expect(kwargs.messages).toEqual([
      {
        role: "user",
        content: [
          { document: { format: "pdf", name: "Q3 report", source: { bytes: "JVBERi0=" } } },
          { image: { format: "png", source: { s3Location: { uri: "s3://bucket/cat.png" } } } },
        ],
      },
    ]);
  });
});

describe("bedrockConverseCodec.fromLlmKwargs", () => {
  it("round-trips system, image, reasoning, tool calls, tool results, tools and tool_choice", () => {
    const parameters = { max_tokens: 512, temperature: 0.2, top_p: 0.9, stop_sequences: ["END"], top_k: 40 };
    const back = bedrockConverseCodec.fromLlmKwargs(bedrockConverseCodec.toLlmKwargs(weatherConversation, model(parameters)));
    expect(back.template).toEqual(rebuiltByServer(weatherConversation));
    expect(back.model).toEqual({ name: MODEL_ID, parameters });
  });

  it("round-trips a named tool choice, redacted reasoning and a follow-up after the tool result", () => {
    const template = chat({
      messages: [
        { role: "user", content: [text("Weather in Oslo?")] },
        {
          role: "assistant",
          content: [{ type: "thinking", thinking: "", redacted_data: "RW5jcnlwdGVk" }],
          tool_calls: [{ id: "t1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } }],
        },
        { role: "tool", tool_call_id: "t1", content: [text("-3")] },
        { role: "user", content: [text("And tomorrow?")] },
      ],
      tools: [weatherTool],
      tool_choice: { type: "function", function: { name: "get_weather" } },
    });
    const kwargs = bedrockConverseCodec.toLlmKwargs(template, model());
    expect(kwargs.messages).toContainEqual({ role: "user", content: [{ toolResult: { toolUseId: "t1", content: [{ text: "-3" }] } }, { text: "And tomorrow?" }] });
    expect(bedrockConverseCodec.fromLlmKwargs(kwargs).template).toEqual(rebuiltByServer(template));
  });

  it("reports parameters in snake_case, with the additional fields, and never the credentials", () => {
    const { model: kwargsModel } = bedrockConverseCodec.fromLlmKwargs({
      modelId: MODEL_ID,
      messages: [{ role: "user", content: [{ text: "Hi" }] }],
      inferenceConfig: { maxTokens: 10, temperature: 0, topP: 1, stopSequences: ["x"] },
      additionalModelRequestFields: { top_k: 5 },
      aws_access_key: "AKIA",
      aws_secret_key: "secret",
      aws_session_token: "token",
      aws_region: "us-west-2",
      stream: true,
    });
    expect(kwargsModel).toEqual({ name: MODEL_ID, parameters: { max_tokens: 10, temperature: 0, top_p: 1, stop_sequences: ["x"], top_k: 5 } });
  });

  it("reads JSON tool results as text", () => {
    const { template } = bedrockConverseCodec.fromLlmKwargs({
      modelId: MODEL_ID,
      messages: [{ role: "user", content: [{ toolResult: { toolUseId: "t1", content: [{ json: { temperature: 18 } }], status: "success" } }] }],
    });
    expect(template.type === "chat" && template.messages).toMatchObject([{ role: "tool", tool_call_id: "t1", content: [text('{"temperature":18}')] }]);
  });
});

describe("bedrockConverseCodec.toHttpRequest", () => {
  const kwargs = {
    modelId: "us.anthropic.claude-3-5-haiku-20241022-v1:0",
    messages: [{ role: "user", content: [{ text: "Hi" }] }],
    inferenceConfig: { maxTokens: 64 },
    aws_access_key: "AKIAEXAMPLE",
    aws_secret_key: "aws-secret",
    aws_session_token: "aws-token",
    aws_region: "us-east-1",
    stream: true,
  };

  it.each([
    { stream: false, path: "/model/us.anthropic.claude-3-5-haiku-20241022-v1%3A0/converse" },
    { stream: true, path: "/model/us.anthropic.claude-3-5-haiku-20241022-v1%3A0/converse-stream" },
  ])("targets $path, without modelId, credentials or a stream flag in the body", ({ stream, path }) => {
    const request = bedrockConverseCodec.toHttpRequest(kwargs, { stream });
    expect(request).toEqual({ path, body: { messages: kwargs.messages, inferenceConfig: { maxTokens: 64 } } });
    expect(JSON.stringify(request.body)).not.toMatch(/AKIA|secret|token|us-east-1/);
  });

  it("declares its id and PromptLayer function name", () => {
    expect(bedrockConverseCodec.id).toBe("amazon.bedrock.converse");
    expect(bedrockConverseCodec.functionNames).toEqual(["boto3.bedrock-runtime.converse"]);
  });
});
