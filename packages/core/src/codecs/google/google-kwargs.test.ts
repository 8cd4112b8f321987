import { describe, expect, it } from "vitest";
import { InvalidTemplateError } from "../../errors/promptline-error.js";
import type { ModelSettings } from "../../schemas/metadata.js";
import type { ChatTemplate, CompletionTemplate } from "../../schemas/template.js";
import type { ToolChoice } from "../../schemas/tools.js";
import { googleCodec, googleCompletionCodec } from "./index.js";

const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Current weather of a city",
    strict: false,
    parameters: {
      type: "object",
      properties: { city: { type: "string" }, unit_system: { type: "string", enum: ["metric", "imperial"] } },
      required: ["city"],
    },
  },
};

const template: ChatTemplate = {
  type: "chat",
  messages: [
    { role: "system", content: [{ type: "text", text: "You are a weather assistant." }] },
    {
      role: "user",
      content: [
        { type: "text", text: "What is the weather in Paris? Here is a photo." },
        { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
      ],
    },
    {
      role: "assistant",
      content: [
        { type: "thinking", thinking: "The weather tool knows.", signature: "sig-thought" },
        { type: "text", text: "Let me check." },
      ],
      tool_calls: [
        {
          id: "call_0",
          type: "function",
          function: { name: "get_weather", arguments: '{"city":"Paris","unit_system":"metric"}' },
          provider_metadata: { thought_signature: "sig-call" },
        },
      ],
    },
    { role: "tool", tool_call_id: "call_0", content: [{ type: "text", text: '{"temperature_c":21}' }] },
    { role: "user", content: [{ type: "text", text: "And tomorrow?" }] },
  ],
  tools: [weatherTool],
  tool_choice: "auto",
  input_variables: [],
};

const model: ModelSettings = {
  provider: "google",
  name: "gemini-2.5-flash",
  parameters: { temperature: 0.2, max_tokens: 512, stop: "END" },
};

describe("googleCodec.toLlmKwargs", () => {
  it("builds PromptLayer's snake_case chat kwargs", () => {
    expect(googleCodec.toLlmKwargs(template, model)).toEqual({
      model: "gemini-2.5-flash",
      history: [
        {
          role: "user",
          parts: [{ text: "What is the weather in Paris? Here is a photo." }, { inline_data: { mime_type: "image/png", data: "iVBORw0KGgo=" } }],
        },
        {
          role: "model",
          parts: [
            { text: "The weather tool knows.", thought: true, thought_signature: "sig-thought" },
            { text: "Let me check." },
            { function_call: { name: "get_weather", args: { city: "Paris", unit_system: "metric" } }, thought_signature: "sig-call" },
          ],
        },
        { role: "user", parts: [{ function_response: { name: "get_weather", response: { temperature_c: 21 } } }] },
        { role: "user", parts: [{ text: "And tomorrow?" }] },
      ],
      generation_config: {
        system_instruction: { parts: [{ text: "You are a weather assistant." }] },
        tools: [{ function_declarations: [{ name: "get_weather", description: "Current weather of a city", parameters: weatherTool.function.parameters }] }],
        tool_config: { function_calling_config: { mode: "AUTO" } },
        temperature: 0.2,
        max_output_tokens: 512,
        stop_sequences: ["END"],
      },
    });
  });

  it.each<{ choice: ToolChoice; config: unknown }>([
    { choice: "auto", config: { function_calling_config: { mode: "AUTO" } } },
    { choice: "required", config: { function_calling_config: { mode: "ANY" } } },
    { choice: "none", config: { function_calling_config: { mode: "NONE" } } },
    { choice: { type: "function", function: { name: "get_weather" } }, config: { function_calling_config: { mode: "ANY", allowed_function_names: ["get_weather"] } } },
  ])("translates tool_choice $choice and reads it back", ({ choice, config }) => {
    const kwargs = googleCodec.toLlmKwargs({ ...template, tool_choice: choice }, model);
    expect((kwargs.generation_config as Record<string, unknown>).tool_config).toEqual(config);
    expect(googleCodec.fromLlmKwargs(kwargs).template).toMatchObject({ tool_choice: choice });
  });

  it("maps built-in tools, wraps plain-text tool results and translates response_format", () => {
    const kwargs = googleCodec.toLlmKwargs(
      {
        type: "chat",
        messages: [
          { role: "user", content: [{ type: "text", text: "Search" }] },
          { role: "assistant", content: [], tool_calls: [{ id: "a", type: "function", function: { name: "lookup", arguments: "{}" } }] },
          { role: "tool", tool_call_id: "a", content: [{ type: "text", text: "sunny" }] },
        ],
        tools: [{ type: "web_search" }, { type: "code_interpreter" }, { type: "function", function: { name: "lookup", description: "", strict: false, parameters: { type: "object", properties: {} } } }],
      },
      {
        provider: "google",
        name: "gemini-2.5-pro",
        parameters: { response_format: { type: "json_schema", json_schema: { name: "answer", schema: { type: "object", properties: { city_name: { type: "string" } } } } } },
      },
    );
    const config = kwargs.generation_config as Record<string, unknown>;
    expect(config.tools).toEqual([{ function_declarations: [{ name: "lookup" }] }, { google_search: {} }, { code_execution: {} }]);
    expect(config.response_mime_type).toBe("application/json");
    expect(config.response_json_schema).toEqual({ type: "object", properties: { city_name: { type: "string" } } });
    expect((kwargs.history as unknown[])[2]).toEqual({ role: "user", parts: [{ function_response: { name: "lookup", response: { content: "sunny" } } }] });
  });

  it("rejects what Gemini cannot express", () => {
    const withTool = (type: "mcp" | "variable") =>
      googleCodec.toLlmKwargs({ type: "chat", messages: [], tools: [type === "variable" ? { type, name: "tools" } : { type }] }, model);
    expect(() => withTool("mcp")).toThrow(InvalidTemplateError);
    expect(() => withTool("variable")).toThrow(/resolved before/);
    expect(() =>
      googleCodec.toLlmKwargs({ type: "chat", messages: [{ role: "tool", tool_call_id: "nowhere", content: [{ type: "text", text: "{}" }] }] }, model),
    ).toThrow(/no matching tool call/);
  });
});

describe("googleCodec round trips", () => {
  it("template → kwargs → template keeps the conversation, tools and tool choice", () => {
    const { template: back, model: backModel } = googleCodec.fromLlmKwargs(googleCodec.toLlmKwargs(template, model));
    expect(back).toMatchObject(template);
    expect(backModel).toEqual({ name: "gemini-2.5-flash", parameters: { temperature: 0.2, max_output_tokens: 512, stop_sequences: ["END"] } });
  });

  it("kwargs → template → kwargs is the identity", () => {
    const kwargs = googleCodec.toLlmKwargs(template, model);
    const { template: back, model: backModel } = googleCodec.fromLlmKwargs(kwargs);
    expect(googleCodec.toLlmKwargs(back, { provider: "google", ...backModel })).toEqual(kwargs);
  });

  it("reads the camelCase kwargs the official JS SDK sends to /track-request", () => {
    const { template: back, model: backModel } = googleCodec.fromLlmKwargs({
      model: "gemini-2.5-flash",
      history: [
        { role: "user", parts: [{ text: "Look up user 7" }] },
        { role: "model", parts: [{ functionCall: { name: "find_user", args: { user_id: 7 } }, thoughtSignature: "sig" }] },
        { role: "user", parts: [{ functionResponse: { name: "find_user", response: { display_name: "Ada" } } }] },
      ],
      generationConfig: {
        maxOutputTokens: 100,
        thinkingConfig: { thinkingBudget: 0 },
        systemInstruction: { parts: [{ text: "Be brief." }] },
        tools: [{ functionDeclarations: [{ name: "find_user", parameters: { type: "object", properties: { user_id: { type: "integer" } } } }] }],
        toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["find_user"] } },
      },
      stream: true,
    });
    expect(backModel).toEqual({ name: "gemini-2.5-flash", parameters: { max_output_tokens: 100, thinking_config: { thinking_budget: 0 } } });
    expect(back).toMatchObject({
      type: "chat",
      messages: [
        { role: "system", content: [{ type: "text", text: "Be brief." }] },
        { role: "user", content: [{ type: "text", text: "Look up user 7" }] },
        {
          role: "assistant",
          content: [],
          tool_calls: [{ id: "call_0", function: { name: "find_user", arguments: '{"user_id":7}' }, provider_metadata: { thought_signature: "sig" } }],
        },
        { role: "tool", tool_call_id: "call_0", content: [{ type: "text", text: '{"display_name":"Ada"}' }] },
      ],
      tools: [{ type: "function", function: { name: "find_user", parameters: { type: "object", properties: { user_id: { type: "integer" } } } } }],
      tool_choice: { type: "function", function: { name: "find_user" } },
    });
  });

  it("completion templates use `contents` and come back as completion templates", () => {
    const completion: CompletionTemplate = { type: "completion", content: [{ type: "text", text: "Write a haiku about autumn." }] };
    const kwargs = googleCompletionCodec.toLlmKwargs(completion, { provider: "google", name: "gemini-2.5-flash", parameters: { max_tokens: 64 } });
    expect(kwargs).toEqual({
      model: "gemini-2.5-flash",
      contents: [{ role: "user", parts: [{ text: "Write a haiku about autumn." }] }],
      generation_config: { max_output_tokens: 64 },
    });
    expect(googleCompletionCodec.fromLlmKwargs(kwargs).template).toMatchObject(completion);
    expect(googleCompletionCodec.fromLlmKwargs({ model: "gemini-2.5-flash", contents: "Hello" }).template).toMatchObject({
      type: "completion",
      content: [{ type: "text", text: "Hello" }],
    });
  });
});

describe("googleCodec.toHttpRequest", () => {
  it("sends the whole history as camelCase contents, with config fields where the REST API wants them", () => {
    const request = googleCodec.toHttpRequest(googleCodec.toLlmKwargs(template, model), { stream: false });
    expect(request).toEqual({
      path: "/models/gemini-2.5-flash:generateContent",
      body: {
        contents: [
          { role: "user", parts: [{ text: "What is the weather in Paris? Here is a photo." }, { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } }] },
          {
            role: "model",
            parts: [
              { text: "The weather tool knows.", thought: true, thoughtSignature: "sig-thought" },
              { text: "Let me check." },
              { functionCall: { name: "get_weather", args: { city: "Paris", unit_system: "metric" } }, thoughtSignature: "sig-call" },
            ],
          },
          { role: "user", parts: [{ functionResponse: { name: "get_weather", response: { temperature_c: 21 } } }] },
          { role: "user", parts: [{ text: "And tomorrow?" }] },
        ],
        systemInstruction: { parts: [{ text: "You are a weather assistant." }] },
        tools: [
          {
            functionDeclarations: [
              {
                name: "get_weather",
                description: "Current weather of a city",
                parameters: {
                  type: "object",
                  properties: { city: { type: "string" }, unit_system: { type: "string", enum: ["metric", "imperial"] } },
                  required: ["city"],
                },
              },
            ],
          },
        ],
        toolConfig: { functionCallingConfig: { mode: "AUTO" } },
        generationConfig: { temperature: 0.2, maxOutputTokens: 512, stopSequences: ["END"] },
      },
    });
  });

  it("streams over SSE and strips the `models/` prefix", () => {
    expect(googleCodec.toHttpRequest({ model: "models/gemini-2.5-pro", history: [] }, { stream: true }).path).toBe(
      "/models/gemini-2.5-pro:streamGenerateContent?alt=sse",
    );
  });

  it("camelCases field names but never user-defined names in schemas, arguments and results", () => {
    const { body } = googleCodec.toHttpRequest(
      {
        model: "gemini-2.5-flash",
        contents: [{ role: "model", parts: [{ function_call: { name: "save", args: { first_name: "Ada", nested_value: { zip_code: "1" } } } }] }],
        generation_config: {
          response_mime_type: "application/json",
          response_schema: {
            type: "OBJECT",
            properties: {
              first_name: { type: "STRING" },
              home_address: { type: "OBJECT", properties: { zip_code: { type: "STRING" } }, property_ordering: ["zip_code"] },
            },
            property_ordering: ["first_name", "home_address"],
          },
          thinking_config: { thinking_budget: 1024, include_thoughts: true },
          safety_settings: [{ category: "HARM_CATEGORY_HATE_SPEECH", threshold: "BLOCK_NONE" }],
          automatic_function_calling: { disable: true },
        },
      },
      { stream: false },
    );
    expect(body).toEqual({
      contents: [{ role: "model", parts: [{ functionCall: { name: "save", args: { first_name: "Ada", nested_value: { zip_code: "1" } } } }] }],
      safetySettings: [{ category: "HARM_CATEGORY_HATE_SPEECH", threshold: "BLOCK_NONE" }],
      generationConfig: {
        responseMimeType: "application/json",
        responseSchema: {
          type: "OBJECT",
          properties: {
            first_name: { type: "STRING" },
            home_address: { type: "OBJECT", properties: { zip_code: { type: "STRING" } }, propertyOrdering: ["zip_code"] },
          },
          propertyOrdering: ["first_name", "home_address"],
        },
        thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
      },
    });
  });

  it("sends the same body for the JS SDK's camelCase kwargs, and never secrets", () => {
    const snake = googleCodec.toLlmKwargs(template, model);
    const camel = {
      model: "gemini-2.5-flash",
      history: (googleCodec.toHttpRequest(snake, { stream: false }).body.contents as unknown[]),
      generationConfig: { systemInstruction: { parts: [{ text: "You are a weather assistant." }] }, temperature: 0.2, maxOutputTokens: 512, stopSequences: ["END"], tools: [{ functionDeclarations: [{ name: "get_weather", description: "Current weather of a city", parameters: weatherTool.function.parameters }] }], toolConfig: { functionCallingConfig: { mode: "AUTO" } } },
      stream: true,
      apiKey: "secret-1",
      api_key: "secret-2",
      baseURL: "https://secret-3.example",
      base_url: "https://secret-4.example",
    };
    const fromCamel = googleCodec.toHttpRequest(camel, { stream: false });
    expect(fromCamel).toEqual(googleCodec.toHttpRequest(snake, { stream: false }));
    expect(JSON.stringify(fromCamel)).not.toMatch(/secret|apiKey|api_key|baseURL|base_url|"stream"/);
  });

  it("turns the string forms of contents and system_instruction into Contents", () => {
    const { body } = googleCompletionCodec.toHttpRequest({ model: "gemini-2.5-flash", contents: "Hi", system_instruction: "Be kind." }, { stream: false });
    expect(body).toEqual({ contents: [{ role: "user", parts: [{ text: "Hi" }] }], systemInstruction: { parts: [{ text: "Be kind." }] } });
  });
});
