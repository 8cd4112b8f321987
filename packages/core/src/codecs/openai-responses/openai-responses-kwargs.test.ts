import { describe, expect, it } from "vitest";
import { InvalidTemplateError } from "../../errors/promptline-error.js";
import type { ModelSettings } from "../../schemas/metadata.js";
import type { ChatTemplate } from "../../schemas/template.js";
import type { ToolChoice } from "../../schemas/tools.js";
import { azureOpenaiResponsesCodec, openaiResponsesCodec } from "./index.js";

const weatherParameters = {
  type: "object",
  properties: { city: { type: "string" } },
  required: ["city"],
  additionalProperties: false,
};

const template: ChatTemplate = {
  type: "chat",
  messages: [
    { role: "system", content: [{ type: "text", text: "You are a weather assistant." }] },
    {
      role: "user",
      content: [
        { type: "text", text: "What is the weather in Paris?" },
        { type: "image_url", image_url: { url: "https://example.com/paris.jpg", detail: "low" } },
      ],
    },
    {
      role: "assistant",
      content: [
        { type: "thinking", thinking: "**Checking the weather**", id: "rs_1", encrypted_content: "gAAAA-encrypted" },
        { type: "text", text: "Let me check." },
      ],
      tool_calls: [{ id: "call_abc", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }],
    },
    { role: "tool", tool_call_id: "call_abc", content: [{ type: "text", text: '{"temperature_c":21}' }] },
  ],
  tools: [
    { type: "function", function: { name: "get_weather", description: "Current weather of a city", strict: true, parameters: weatherParameters } },
    { type: "web_search", config: { search_context_size: "low" } },
  ],
  tool_choice: { type: "function", function: { name: "get_weather" } },
  input_variables: [],
};

const model: ModelSettings = {
  provider: "openai",
  name: "gpt-5.1",
  api_type: "responses",
  parameters: {
    max_tokens: 800,
    reasoning_effort: "low",
    response_format: { type: "json_schema", json_schema: { name: "weather", schema: { type: "object", properties: { summary: { type: "string" } } }, strict: true } },
  },
};

const expectedKwargs = {
  model: "gpt-5.1",
  input: [
    { role: "system", content: [{ type: "input_text", text: "You are a weather assistant." }] },
    {
      role: "user",
      content: [
        { type: "input_text", text: "What is the weather in Paris?" },
        { type: "input_image", image_url: "https://example.com/paris.jpg", detail: "low" },
      ],
    },
    { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "**Checking the weather**" }], encrypted_content: "gAAAA-encrypted" },
    { role: "assistant", content: [{ type: "output_text", text: "Let me check." }] },
    { type: "function_call", call_id: "call_abc", name: "get_weather", arguments: '{"city":"Paris"}' },
    { type: "function_call_output", call_id: "call_abc", output: '{"temperature_c":21}' },
  ],
  tools: [
    { type: "function", name: "get_weather", description: "Current weather of a city", parameters: weatherParameters, strict: true },
    { type: "web_search", search_context_size: "low" },
  ],
  tool_choice: { type: "function", name: "get_weather" },
  max_output_tokens: 800,
  reasoning: { effort: "low" },
  text: { format: { type: "json_schema", name: "weather", schema: { type: "object", properties: { summary: { type: "string" } } }, strict: true } },
};

describe("Responses toLlmKwargs", () => {
  it("builds the Responses request body, system messages kept in input", () => {
    expect(openaiResponsesCodec.toLlmKwargs(template, model)).toEqual(expectedKwargs);
    expect(azureOpenaiResponsesCodec.toLlmKwargs(template, model)).toEqual(expectedKwargs);
  });

  it("drops reasoning without encrypted content, which the API could not use", () => {
    const kwargs = openaiResponsesCodec.toLlmKwargs(
      { type: "chat", messages: [{ role: "assistant", content: [{ type: "thinking", thinking: "hmm", signature: "anthropic-sig" }, { type: "text", text: "Hi" }] }] },
      { provider: "openai", name: "gpt-5", parameters: {} },
    );
    expect(kwargs.input).toEqual([{ role: "assistant", content: [{ type: "output_text", text: "Hi" }] }]);
  });

  it.each<{ choice: ToolChoice; expected: unknown }>([
    { choice: "auto", expected: "auto" },
    { choice: "required", expected: "required" },
    { choice: "none", expected: "none" },
    { choice: { type: "function", function: { name: "get_weather" } }, expected: { type: "function", name: "get_weather" } },
    { choice: { type: "web_search_preview" }, expected: { type: "web_search_preview" } },
  ])("translates tool_choice $choice and reads it back", ({ choice, expected }) => {
    const kwargs = openaiResponsesCodec.toLlmKwargs({ ...template, tool_choice: choice }, model);
    expect(kwargs.tool_choice).toEqual(expected);
    expect(openaiResponsesCodec.fromLlmKwargs(kwargs).template).toMatchObject({ tool_choice: choice });
  });

  it("maps built-in tools from their config and media blocks to input parts", () => {
    const kwargs = openaiResponsesCodec.toLlmKwargs(
      {
        type: "chat",
        messages: [
          {
            role: "user",
            content: [
              { type: "media", media: { title: "report.pdf", type: "application/pdf", url: "JVBERi0=", format: "base64" } },
              { type: "media", media: { title: "photo", type: "image/png", url: "iVBORw0KGgo=", format: "base64" } },
            ],
          },
        ],
        tools: [
          { type: "code_interpreter" },
          { type: "file_search", config: { vector_store_ids: ["vs_1"] } },
          { type: "mcp", config: { server_label: "zip1", server_url: "https://zip1.io/mcp", require_approval: "never" } },
          { type: "image_generation", config: { quality: "low" } },
        ],
      },
      { provider: "openai", name: "gpt-5", parameters: {} },
    );
    expect(kwargs.input).toEqual([
      {
        role: "user",
        content: [
          { type: "input_file", filename: "report.pdf", file_data: "data:application/pdf;base64,JVBERi0=" },
          { type: "input_image", image_url: "data:image/png;base64,iVBORw0KGgo=", detail: "auto" },
        ],
      },
    ]);
    expect(kwargs.tools).toEqual([
      { type: "code_interpreter", container: { type: "auto" } },
      { type: "file_search", vector_store_ids: ["vs_1"] },
      { type: "mcp", server_label: "zip1", server_url: "https://zip1.io/mcp", require_approval: "never" },
      { type: "image_generation", quality: "low" },
    ]);
  });

  it("rejects what the Responses API cannot express", () => {
    const build = (type: "google_maps" | "registry") =>
      openaiResponsesCodec.toLlmKwargs(
        { type: "chat", messages: [], tools: [type === "registry" ? { type, tool_registry_id: 1 } : { type }] },
        { provider: "openai", name: "gpt-5", parameters: {} },
      );
    expect(() => build("google_maps")).toThrow(InvalidTemplateError);
    expect(() => build("registry")).toThrow(/resolved before/);
    expect(() =>
      openaiResponsesCodec.toLlmKwargs({ type: "chat", messages: [{ role: "placeholder", name: "history" }] }, { provider: "openai", name: "gpt-5", parameters: {} }),
    ).toThrow(/placeholder "history"/);
  });
});

describe("Responses round trips", () => {
  it("template → kwargs → template keeps messages, tools, tool choice and response_format", () => {
    const { template: back, model: backModel } = openaiResponsesCodec.fromLlmKwargs(openaiResponsesCodec.toLlmKwargs(template, model));
    expect(back).toMatchObject(template);
    expect(backModel).toEqual({
      name: "gpt-5.1",
      parameters: { max_output_tokens: 800, reasoning_effort: "low", response_format: model.parameters.response_format },
    });
  });

  it("kwargs → template → kwargs is the identity", () => {
    const { template: back, model: backModel } = openaiResponsesCodec.fromLlmKwargs(expectedKwargs);
    expect(openaiResponsesCodec.toLlmKwargs(back, { provider: "openai", ...backModel })).toEqual(expectedKwargs);
  });

  it("replays built-in tool calls of an earlier answer as their output items", () => {
    const output = [
      { id: "ws_1", type: "web_search_call", status: "completed", action: { type: "search", query: "paris weather" } },
      { id: "ci_1", type: "code_interpreter_call", status: "completed", code: "print(1)", container_id: "cntr_1", outputs: [{ type: "logs", logs: "1" }] },
      { id: "mcp_1", type: "mcp_call", status: "completed", name: "shorten", server_label: "zip1", arguments: "{}", output: "ok", error: null, approval_request_id: null },
      { id: "msg_1", type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text: "Done.", annotations: [] }] },
    ];
    const answer = openaiResponsesCodec.responseToMessage({ output });
    const kwargs = openaiResponsesCodec.toLlmKwargs({ type: "chat", messages: [answer] }, { provider: "openai", name: "gpt-5", parameters: {} });
    expect(kwargs.input).toEqual([
      { type: "web_search_call", id: "ws_1", status: "completed", action: { type: "search", query: "paris weather" } },
      { type: "code_interpreter_call", id: "ci_1", status: "completed", code: "print(1)", container_id: "cntr_1", outputs: [{ type: "logs", logs: "1" }] },
      output[2],
      { role: "assistant", content: [{ type: "output_text", text: "Done." }] },
    ]);
  });

  it("reads `instructions`, a string `input` and secrets-free parameters from /track-request kwargs", () => {
    const { template: back, model: backModel } = openaiResponsesCodec.fromLlmKwargs({
      model: "gpt-5",
      instructions: "Be brief.",
      input: "Hello",
      temperature: 1,
      stream: true,
      apiKey: "sk-secret",
      baseURL: "https://proxy.example",
    });
    expect(back).toMatchObject({
      type: "chat",
      messages: [
        { role: "system", content: [{ type: "text", text: "Be brief." }] },
        { role: "user", content: [{ type: "text", text: "Hello" }] },
      ],
    });
    expect(backModel).toEqual({ name: "gpt-5", parameters: { temperature: 1, stream: true } });
  });
});

describe("Responses toHttpRequest", () => {
  it("posts the kwargs to /responses, adding stream: true when streaming", () => {
    expect(openaiResponsesCodec.toHttpRequest(expectedKwargs, { stream: false })).toEqual({ path: "/responses", body: expectedKwargs });
    expect(openaiResponsesCodec.toHttpRequest(expectedKwargs, { stream: true })).toEqual({ path: "/responses", body: { ...expectedKwargs, stream: true } });
    expect(openaiResponsesCodec.toHttpRequest({ ...expectedKwargs, stream: true }, { stream: false }).body).not.toHaveProperty("stream");
  });

  it("posts Azure requests to /openai/responses", () => {
    expect(azureOpenaiResponsesCodec.toHttpRequest(expectedKwargs, { stream: true }).path).toBe("/openai/responses");
    expect(azureOpenaiResponsesCodec.id).toBe("openai.azure.responses");
    expect(azureOpenaiResponsesCodec.functionNames).toEqual(["openai.AzureOpenAI.responses.create"]);
  });

  it("never sends client options or secrets", () => {
    const { body } = azureOpenaiResponsesCodec.toHttpRequest(
      { ...expectedKwargs, apiKey: "secret-1", api_key: "secret-2", baseURL: "https://secret-3", base_url: "https://secret-4", apiVersion: "2025-04-01-preview" },
      { stream: false },
    );
    expect(body).toEqual(expectedKwargs);
  });
});
