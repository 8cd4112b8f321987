import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InvalidRequestError, InvalidTemplateError } from "../../errors/promptline-error.js";
import type { Message } from "../../schemas/message.js";
import { modelSettingsSchema, type ModelSettings } from "../../schemas/metadata.js";
import { chatTemplateSchema, promptTemplateSchema, type ChatTemplate } from "../../schemas/template.js";
import { azureOpenaiChatCodec, openaiChatCodec } from "./index.js";

const cassettes = JSON.parse(readFileSync(new URL("./__fixtures__/promptlayer-cassettes.json", import.meta.url), "utf8"));

const model = (name: string, parameters: Record<string, unknown> = {}): ModelSettings =>
  modelSettingsSchema.parse({ provider: "openai", name, parameters });

/** What the server's blueprint holds for a template sent as kwargs: the template plus the server's defaults. */
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
  return {
    ...template,
    messages,
    functions: template.functions ?? [],
    tools: template.tools ?? [],
    function_call: template.function_call ?? null,
    tool_choice: template.tool_choice ?? null,
    input_variables: [],
    dataset_examples: [],
  };
}

const weatherTool = {
  type: "function",
  function: {
    name: "weather",
    description: "The weather in a city",
    strict: true,
    parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"], additionalProperties: false },
  },
};
const timeTool = { type: "function", function: { name: "local_time", parameters: { type: "object", properties: { city: { type: "string" } } } } };

const roundTripTemplates: { name: string; template: ChatTemplate; parameters: Record<string, unknown> }[] = [
  {
    name: "system, user with image, assistant calling tools, tool results",
    template: chatTemplateSchema.parse({
      type: "chat",
      messages: [
        { role: "system", content: [{ type: "text", text: "You are a weather bot." }] },
        {
          role: "user",
          content: [
            { type: "text", text: "What is the weather where this photo was taken?" },
            { type: "image_url", image_url: { url: "https://example.com/paris.jpg", detail: "high" } },
          ],
        },
        {
          role: "assistant",
          content: [{ type: "text", text: "Let me check." }],
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "weather", arguments: '{"location":"Paris"}' } },
            { id: "call_2", type: "function", function: { name: "local_time", arguments: '{"city":"Paris"}' } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: [{ type: "text", text: '{"celsius":21}' }] },
        { role: "tool", tool_call_id: "call_2", content: [{ type: "text", text: "14:00" }] },
        { role: "user", name: "alice", content: [{ type: "text", text: "Thanks!" }] },
      ],
      tools: [weatherTool, timeTool],
      tool_choice: "auto",
    }),
    parameters: {
      temperature: 0.2,
      max_completion_tokens: 512,
      response_format: {
        type: "json_schema",
        json_schema: { name: "answer", strict: true, schema: { type: "object", properties: { text: { type: "string" } } } },
      },
    },
  },
  {
    name: "developer message, assistant that only calls a tool, forced tool choice",
    template: chatTemplateSchema.parse({
      type: "chat",
      messages: [
        { role: "developer", content: [{ type: "text", text: "Always call weather." }] },
        { role: "user", content: [{ type: "text", text: "Weather in Oslo?" }] },
        { role: "assistant", content: [], tool_calls: [{ id: "call_9", type: "function", function: { name: "weather", arguments: "{}" } }] },
      ],
      tools: [weatherTool],
      tool_choice: { type: "function", function: { name: "weather" } },
    }),
    parameters: { seed: 7 },
  },
  {
    name: "legacy functions and function messages",
    template: chatTemplateSchema.parse({
      type: "chat",
      messages: [
        { role: "user", content: [{ type: "text", text: "Add 2 and 3" }] },
        { role: "assistant", content: [], function_call: { name: "add", arguments: '{"a":2,"b":3}' } },
        { role: "function", name: "add", content: [{ type: "text", text: "5" }] },
      ],
      functions: [{ name: "add", description: "Adds", parameters: { type: "object", properties: {} } }],
      function_call: { name: "add" },
    }),
    parameters: {},
  },
];

describe("openaiChatCodec round trips", () => {
  it.each(roundTripTemplates)("$name: blueprint → kwargs → blueprint", ({ template, parameters }) => {
    const kwargs = openaiChatCodec.toLlmKwargs(template, model("gpt-4.1", parameters));
    const back = openaiChatCodec.fromLlmKwargs(kwargs);
    expect(back.template).toEqual(rebuiltByServer(template));
    expect(back.model).toEqual({ name: "gpt-4.1", parameters });
    // What comes back is a valid template.
    expect(promptTemplateSchema.safeParse(back.template).success).toBe(true);
  });

  it("builds the exact request body of a realistic template", () => {
    const [first] = roundTripTemplates;
    const kwargs = openaiChatCodec.toLlmKwargs(first!.template, model("gpt-4.1", { ...first!.parameters, stream: true }));
    const body = openaiChatCodec.toHttpRequest(kwargs, { stream: false }).body;
    const expected = {
      messages: [
        { role: "system", content: "You are a weather bot." },
        {
          role: "user",
          content: [
            { type: "text", text: "What is the weather where this photo was taken?" },
            { type: "image_url", image_url: { url: "https://example.com/paris.jpg", detail: "high" } },
          ],
        },
        {
          role: "assistant",
          content: "Let me check.",
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "weather", arguments: '{"location":"Paris"}' } },
            { id: "call_2", type: "function", function: { name: "local_time", arguments: '{"city":"Paris"}' } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: '{"celsius":21}' },
        { role: "tool", tool_call_id: "call_2", content: "14:00" },
        { role: "user", content: [{ type: "text", text: "Thanks!" }], name: "alice" },
      ],
      model: "gpt-4.1",
      tools: [
        {
          type: "function",
          function: {
            name: "weather",
            description: "The weather in a city",
            parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"], additionalProperties: false },
            strict: true,
          },
        },
        {
          type: "function",
          function: { name: "local_time", description: "", parameters: { type: "object", properties: { city: { type: "string" } } }, strict: false },
        },
      ],
      tool_choice: "auto",
      temperature: 0.2,
      max_completion_tokens: 512,
      response_format: {
        type: "json_schema",
        json_schema: { name: "answer", strict: true, schema: { type: "object", properties: { text: { type: "string" } } } },
      },
    };
    // Key order too: parameters come after the built fields, as PromptLayer's server spreads them.
    expect(JSON.stringify(body)).toBe(JSON.stringify(expected));
  });
});

describe("openaiChatCodec.toLlmKwargs", () => {
  const chat = (messages: unknown[], extra: Record<string, unknown> = {}) =>
    chatTemplateSchema.parse({ type: "chat", messages, ...extra });

  it("reproduces the llm_kwargs of the recorded PromptLayer server", () => {
    for (const recording of [cassettes.run_prompt, cassettes.error_run]) {
      const { prompt_template, metadata, llm_kwargs } = recording.template_response;
      const kwargs = openaiChatCodec.toLlmKwargs(promptTemplateSchema.parse(prompt_template), modelSettingsSchema.parse(metadata.model));
      expect(JSON.stringify(kwargs)).toBe(JSON.stringify(llm_kwargs));
    }
    const { prompt_template, llm_kwargs } = cassettes.template_without_model.template_response;
    const kwargs = openaiChatCodec.toLlmKwargs(promptTemplateSchema.parse(prompt_template), model("gpt-4o"));
    expect(kwargs.messages).toEqual(llm_kwargs.messages);
  });

  it("turns media blocks into image parts and PDFs into file parts", () => {
    const template = chat([
      {
        role: "user",
        content: [
          { type: "media", media: { title: "cat", type: "image/png", url: "iVBORw0KGgo=", format: "base64" } },
          { type: "media", media: { type: "image/jpeg", url: "https://example.com/a.jpg", format: "url" } },
          { type: "media", media: { title: "doc.pdf", type: "application/pdf", url: "JVBERi0=", format: "base64" } },
        ],
      },
    ]);
    const kwargs = openaiChatCodec.toLlmKwargs(template, model("gpt-4o"));
    expect(kwargs.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          { type: "image_url", image_url: { url: "https://example.com/a.jpg" } },
          { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0=", filename: "doc.pdf" } },
        ],
      },
    ]);
  });

  it("drops thinking blocks and gives null content to an assistant that only calls tools", () => {
    const template = chat([
      {
        role: "assistant",
        content: [{ type: "thinking", thinking: "hmm", signature: "sig" }],
        tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }],
      },
      { role: "assistant", content: [{ type: "thinking", thinking: "hmm" }, { type: "text", text: "Done." }] },
    ]);
    expect(openaiChatCodec.toLlmKwargs(template, model("gpt-4o")).messages).toEqual([
      { role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }] },
      { role: "assistant", content: "Done." },
    ]);
  });

  it("wraps a completion template as one user message", () => {
    const template = promptTemplateSchema.parse({ type: "completion", content: [{ type: "text", text: "Once upon a time" }] });
    expect(openaiChatCodec.toLlmKwargs(template, model("gpt-4o"))).toEqual({
      messages: [{ role: "user", content: [{ type: "text", text: "Once upon a time" }] }],
      model: "gpt-4o",
    });
  });

  it("leaves out empty tool lists and their choices, and never stores stream flags", () => {
    const template = chat([{ role: "user", content: [{ type: "text", text: "hi" }] }], {
      tools: [],
      tool_choice: "auto",
      functions: [],
      function_call: "none",
    });
    const kwargs = openaiChatCodec.toLlmKwargs(template, model("gpt-4o", { stream: true, stream_options: { include_usage: true }, top_p: 1 }));
    expect(Object.keys(kwargs)).toEqual(["messages", "model", "top_p"]);
  });

  it.each([
    ["a placeholder message", chat([{ role: "placeholder", name: "history" }]), /placeholder message "history"/],
    ["a media variable", chat([{ role: "user", content: [{ type: "media_variable", name: "photos" }] }]), /media variable "photos"/],
    ["a built-in tool", chat([], { tools: [{ type: "web_search" }] }), /"web_search" tool/],
    ["a registry tool", chat([], { tools: [{ type: "registry", tool_registry_id: 3 }] }), /"registry" tool/],
    ["a tool variable", chat([], { tools: [{ type: "variable", name: "tools" }] }), /"variable" tool/],
    ["audio media", chat([{ role: "user", content: [{ type: "media", media: { type: "audio/wav", url: "x" } }] }]), /audio\/wav/],
  ])("rejects %s with InvalidTemplateError", (_, template, message) => {
    expect(() => openaiChatCodec.toLlmKwargs(template, model("gpt-4o"))).toThrow(InvalidTemplateError);
    expect(() => openaiChatCodec.toLlmKwargs(template, model("gpt-4o"))).toThrow(message);
  });
});

describe("openaiChatCodec.fromLlmKwargs", () => {
  it("rebuilds the input messages and parameters the recorded server put in its blueprint", () => {
    for (const recording of [cassettes.run_prompt, cassettes.error_run]) {
      const { template, model: kwargsModel } = openaiChatCodec.fromLlmKwargs(recording.track_request.kwargs);
      const blueprint = recording.track_response_prompt_blueprint;
      const served = blueprint.prompt_template.messages as Record<string, unknown>[];
      const inputs = recording.track_request.request_response.choices ? served.slice(0, -1) : served;
      expect(template.type === "chat" && template.messages).toEqual(inputs.map(withoutNullBlockFields));
      const { messages: _messages, ...templateFields } = blueprint.prompt_template;
      const { messages: _ours, ...ourFields } = template as ChatTemplate;
      expect(ourFields).toEqual(templateFields);
      expect(kwargsModel).toEqual({ name: blueprint.metadata.model.name, parameters: blueprint.metadata.model.parameters });
    }
  });

  it("gives the answer the recorded server appended to the blueprint", () => {
    const recording = cassettes.run_prompt;
    const answer = openaiChatCodec.responseToMessage(recording.track_request.request_response);
    const served = recording.track_response_prompt_blueprint.prompt_template.messages.at(-1);
    expect(answer).toMatchObject({ role: served.role, content: served.content, tool_calls: served.tool_calls });
  });

  it("accepts any role, string or part content, and keeps secrets out of the parameters", () => {
    const { template, model: kwargsModel } = openaiChatCodec.fromLlmKwargs({
      model: "grok-4",
      apiKey: "sk-secret",
      baseURL: "https://api.x.ai/v1",
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: "system", content: [{ type: "text", text: "a" }, { type: "text", text: "b" }] },
        { role: "critic", content: "Be harsh." },
        { role: "user", content: [{ type: "image_url", image_url: "https://example.com/x.png" }, { type: "input_audio", input_audio: {} }] },
        { role: "assistant", content: null, tool_calls: [{ id: "t", type: "function", function: { name: "f", arguments: { x: 1 } } }] },
      ],
    });
    expect(kwargsModel).toEqual({ name: "grok-4", parameters: { stream: true } });
    expect(template.type === "chat" && template.messages).toMatchObject([
      { role: "system", content: [{ type: "text", text: "a" }, { type: "text", text: "b" }] },
      { role: "user", raw_request_display_role: "critic", content: [{ type: "text", text: "Be harsh." }] },
      { role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/x.png" } }] },
      { role: "assistant", content: [], tool_calls: [{ id: "t", type: "function", function: { name: "f", arguments: '{"x":1}' } }] },
    ]);
  });
});

describe("toHttpRequest", () => {
  const kwargs = {
    messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
    model: "gpt-4o",
    temperature: 1,
    stream: false,
    apiKey: "sk-live-secret",
    baseURL: "https://proxy.example.com",
    api_key: "sk-other",
    base_url: "https://other.example.com",
  };

  it("sends no stream key and no client options when not streaming", () => {
    expect(openaiChatCodec.toHttpRequest(kwargs, { stream: false })).toEqual({
      path: "/chat/completions",
      body: { messages: kwargs.messages, model: "gpt-4o", temperature: 1 },
    });
  });

  it("asks for usage in the stream", () => {
    const { body } = openaiChatCodec.toHttpRequest({ ...kwargs, stream_options: { include_obfuscation: false } }, { stream: true });
    expect(body).toEqual({
      messages: kwargs.messages,
      model: "gpt-4o",
      temperature: 1,
      stream: true,
      stream_options: { include_obfuscation: false, include_usage: true },
    });
    expect(JSON.stringify(body)).not.toContain("secret");
  });

  it("addresses the Azure deployment named by the model", () => {
    const request = azureOpenaiChatCodec.toHttpRequest({ ...kwargs, model: "my gpt/4o" }, { stream: false });
    expect(request.path).toBe("/openai/deployments/my%20gpt%2F4o/chat/completions");
    expect(request.body.model).toBe("my gpt/4o");
    expect(() => azureOpenaiChatCodec.toHttpRequest({ messages: [] }, { stream: false })).toThrow(InvalidRequestError);
  });

  it("names the codecs as PromptLayer's function names", () => {
    expect(openaiChatCodec.id).toBe("openai.chat-completions");
    expect(openaiChatCodec.functionNames).toEqual(["openai.chat.completions.create", "openai.OpenAI.chat.completions.create"]);
    expect(azureOpenaiChatCodec.id).toBe("openai.azure.chat-completions");
    expect(azureOpenaiChatCodec.functionNames).toEqual(["openai.AzureOpenAI.chat.completions.create"]);
  });
});

/** Newer PromptLayer servers add `id: null, annotations: null` to text blocks; absent and null mean the same. */
function withoutNullBlockFields(message: Record<string, unknown>): Record<string, unknown> {
  const content = message.content as Record<string, unknown>[];
  return {
    ...message,
    content: content.map((block) => Object.fromEntries(Object.entries(block).filter(([key, value]) => !(value === null && (key === "id" || key === "annotations"))))),
  };
}
